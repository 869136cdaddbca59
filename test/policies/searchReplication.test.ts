import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
  opensearchConnectionAccepted,
  opensearchConnectionDirect,
  opensearchReplicationReady,
} from "../../policies/rules/searchReplication";
import {
  replicationInstanceProblem,
  replicationPairProblem,
  replicationVersionProblem,
} from "../../policies/lib/searchReplication";
import { ACCOUNT, searchDomain } from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  check,
  checkStack,
  Declared,
  preview,
  U,
  urnOf,
} from "./util";

const connection = {
  connectionAlias: "leader-us-east-1",
  connectionMode: "DIRECT",
  region: "eu-west-1",
  localDomainInfo: { ownerId: ACCOUNT, region: "eu-west-1", domainName: "magento-dr-prod-euw1" },
  remoteDomainInfo: { ownerId: ACCOUNT, region: "us-east-1", domainName: "magento-dr-prod-use1" },
};

const LINK = "urn:pulumi:test::magento-dr::magento-dr:data:SearchReplicationLink::follow-home";

/** A connection and (optionally) its accepter, declared under one component as the program does. */
function linkStack(accepter: Record<string, unknown> | undefined): Declared[] {
  const stack: Declared[] = [
    {
      cls: aws.opensearch.OutboundConnection,
      name: "follow-home-connection",
      props: { ...connection, id: "eu-west-1-cc-1234567890" },
      parent: LINK,
    },
  ];
  if (accepter) {
    stack.push({
      cls: aws.opensearch.InboundConnectionAccepter,
      name: "follow-home-accept",
      props: accepter,
      parent: LINK,
    });
  }
  return stack;
}

describe("policies: search replication", () => {
  describe("requirements (shared with config.ts)", () => {
    it("accepts OpenSearch 1.1 and later and Elasticsearch 7.10, refuses older", () => {
      for (const ok of [
        "OpenSearch_1.1",
        "OpenSearch_2.13",
        "OpenSearch_3.1",
        "Elasticsearch_7.10",
      ]) {
        assert.equal(replicationVersionProblem(ok), undefined, ok);
      }
      for (const bad of ["OpenSearch_1.0", "Elasticsearch_7.9", "Elasticsearch_6.8", "2.13"]) {
        assert.ok(replicationVersionProblem(bad), bad);
      }
    });

    it("pairs only the same engine and major version", () => {
      assert.equal(replicationPairProblem("OpenSearch_2.11", "OpenSearch_2.13"), undefined);
      assert.match(
        replicationPairProblem("OpenSearch_2.13", "OpenSearch_1.3") ?? "",
        /not on the same major version/,
      );
    });

    it("refuses burstable and M3 instance families", () => {
      for (const bad of [
        "t3.medium.search",
        "t2.small.search",
        "t4g.medium.search",
        "m3.large.search",
      ]) {
        assert.ok(replicationInstanceProblem(bad), bad);
      }
      for (const ok of ["r6g.large.search", "m6g.large.search", "or1.large.search"]) {
        assert.equal(replicationInstanceProblem(ok), undefined, ok);
      }
    });
  });

  describe("opensearch-replication-ready", () => {
    it("passes the project's domain", () => {
      assertNoViolations(check(opensearchReplicationReady, aws.opensearch.Domain, searchDomain));
    });

    it("flags a version without replication", () => {
      assertViolation(
        check(opensearchReplicationReady, aws.opensearch.Domain, {
          ...searchDomain,
          engineVersion: "OpenSearch_1.0",
        }),
        ["must run an engine version with cross-cluster replication", "engineVersion is"],
      );
    });

    it("flags fine-grained access control off", () => {
      assertViolation(
        check(opensearchReplicationReady, aws.opensearch.Domain, {
          ...searchDomain,
          advancedSecurityOptions: { enabled: false },
        }),
        ["must enable fine-grained access control, which cross-cluster replication requires"],
      );
    });

    it("flags node-to-node encryption off", () => {
      assertViolation(
        check(opensearchReplicationReady, aws.opensearch.Domain, {
          ...searchDomain,
          nodeToNodeEncryption: { enabled: false },
        }),
        ["must encrypt traffic between nodes, which cross-cluster replication requires"],
      );
    });

    it("flags burstable data nodes and M3 masters", () => {
      assertViolation(
        check(opensearchReplicationReady, aws.opensearch.Domain, {
          ...searchDomain,
          clusterConfig: { ...searchDomain.clusterConfig, instanceType: "t3.medium.search" },
        }),
        ["must use instances that support cross-cluster replication", "clusterConfig.instanceType"],
      );
      assertViolation(
        check(opensearchReplicationReady, aws.opensearch.Domain, {
          ...searchDomain,
          clusterConfig: { ...searchDomain.clusterConfig, dedicatedMasterType: "m3.medium.search" },
        }),
        ["clusterConfig.dedicatedMasterType"],
      );
    });

    it("does not pass an engine version unknown during preview", () => {
      const violations = check(
        opensearchReplicationReady,
        aws.opensearch.Domain,
        preview({ ...searchDomain, engineVersion: U }),
      );
      assertUnverifiable(violations, "engineVersion");
    });
  });

  describe("opensearch-connection-direct", () => {
    it("passes a DIRECT connection to another region of the same account", () => {
      assertNoViolations(
        check(opensearchConnectionDirect, aws.opensearch.OutboundConnection, connection),
      );
    });

    it("flags a VPC_ENDPOINT connection and an unset mode", () => {
      for (const connectionMode of ["VPC_ENDPOINT", undefined]) {
        assertViolation(
          check(opensearchConnectionDirect, aws.opensearch.OutboundConnection, {
            ...connection,
            connectionMode,
          }),
          ["must use the DIRECT connection mode"],
        );
      }
    });

    it("flags a connection to another account", () => {
      assertViolation(
        check(opensearchConnectionDirect, aws.opensearch.OutboundConnection, {
          ...connection,
          remoteDomainInfo: { ...connection.remoteDomainInfo, ownerId: "210987654321" },
        }),
        ["must connect domains of one account"],
      );
    });

    it("flags a same-region follower", () => {
      assertViolation(
        check(opensearchConnectionDirect, aws.opensearch.OutboundConnection, {
          ...connection,
          remoteDomainInfo: { ...connection.remoteDomainInfo, region: "eu-west-1" },
        }),
        ["must connect to a domain in another region"],
      );
    });

    it("does not pass a remote region unknown during preview", () => {
      const violations = check(
        opensearchConnectionDirect,
        aws.opensearch.OutboundConnection,
        preview({ ...connection, remoteDomainInfo: { ...connection.remoteDomainInfo, region: U } }),
      );
      assertUnverifiable(violations, "localDomainInfo.region / remoteDomainInfo.region");
    });
  });

  describe("opensearch-connection-accepted", () => {
    it("passes a connection accepted in the leader's region", () => {
      assertNoViolations(
        checkStack(
          opensearchConnectionAccepted,
          linkStack({ connectionId: "eu-west-1-cc-1234567890", region: "us-east-1" }),
        ),
      );
    });

    it("flags a connection nobody accepts", () => {
      const urn = urnOf(
        "aws:opensearch/outboundConnection:OutboundConnection",
        "follow-home-connection",
      );
      assertViolation(
        checkStack(opensearchConnectionAccepted, linkStack(undefined)),
        ["must be accepted"],
        urn,
      );
    });

    it("flags an accepter that names another connection", () => {
      assertViolation(
        checkStack(
          opensearchConnectionAccepted,
          linkStack({ connectionId: "eu-west-1-cc-9999999999", region: "us-east-1" }),
        ),
        ["must be accepted, but no aws.opensearch.InboundConnectionAccepter has its id"],
      );
    });

    it("flags an acceptance in the follower's region", () => {
      assertViolation(
        checkStack(
          opensearchConnectionAccepted,
          linkStack({ connectionId: "eu-west-1-cc-1234567890", region: "eu-west-1" }),
        ),
        ["must be accepted in the remote domain's region", '"eu-west-1"'],
      );
    });

    it("does not pass an accepter region unknown during preview", () => {
      assertUnverifiable(
        checkStack(
          opensearchConnectionAccepted,
          linkStack(preview({ connectionId: U, region: U })),
        ),
        "remoteDomainInfo.region or the accepter's region",
      );
    });
  });
});
