// DR, search: the standby's OpenSearch domain follows the home domain through cross-cluster
// replication, which only works between domains that meet its prerequisites (see
// ../lib/searchReplication.ts for the source) over an accepted DIRECT connection.
import * as aws from "@pulumi/aws";
import {
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { replicationInstanceProblem, replicationVersionProblem } from "../lib/searchReplication";
import { ofType, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, UNKNOWN } from "../lib/values";

const CCR = "cross-cluster replication";

export const opensearchReplicationReady: ResourceValidationPolicy = {
  name: "opensearch-replication-ready",
  description:
    "OpenSearch domains can take part in cross-cluster replication: OpenSearch 1.1 or later, fine-grained access control, node-to-node encryption, no burstable or M3 instances.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "engineVersion",
      read: () => domain.engineVersion,
      ok: (v) => typeof v === "string" && replicationVersionProblem(v) === undefined,
      must: `must run an engine version with ${CCR}`,
      fix: "Set engineVersion to OpenSearch_1.1 or later (the same major version in every region).",
    });
    subject.expect({
      property: "advancedSecurityOptions.enabled",
      read: () => domain.advancedSecurityOptions?.enabled,
      ok: (v) => v === true,
      must: `must enable fine-grained access control, which ${CCR} requires`,
      fix: "Set advancedSecurityOptions: { enabled: true, ... }.",
    });
    subject.expect({
      property: "nodeToNodeEncryption.enabled",
      read: () => domain.nodeToNodeEncryption?.enabled,
      ok: (v) => v === true,
      must: `must encrypt traffic between nodes, which ${CCR} requires`,
      fix: "Set nodeToNodeEncryption: { enabled: true }.",
    });
    for (const property of ["instanceType", "dedicatedMasterType"] as const) {
      subject.expect({
        property: `clusterConfig.${property}`,
        read: () => domain.clusterConfig?.[property],
        // An unset master type is fine when there are no dedicated masters (another rule's concern).
        ok: (v) => v === undefined || replicationInstanceProblem(v) === undefined,
        must: `must use instances that support ${CCR}`,
        fix: "Use a current non-burstable family such as r6g or m6g (not t2/t3/t4g or m3).",
      });
    }
  }),
};

export const opensearchConnectionDirect: ResourceValidationPolicy = {
  name: "opensearch-connection-direct",
  description:
    "OpenSearch outbound connections are DIRECT (the mode that carries replication), within one account, to a domain in another region.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.opensearch.OutboundConnection,
    (connection, args, report) => {
      const subject = new Subject(args, report);
      // AWS API Reference, ConnectionMode: "DIRECT - Used for cross-cluster search or cross-cluster
      // replication. VPC_ENDPOINT - Used for remote reindex between ... VPC domains". The default
      // is not documented, so the rule asks for it to be spelled out.
      subject.expect({
        property: "connectionMode",
        read: () => connection.connectionMode,
        ok: (v) => v === "DIRECT",
        must: `must use the DIRECT connection mode, the one that carries ${CCR}`,
        fix: 'Set connectionMode: "DIRECT".',
      });
      const local = known(() => connection.localDomainInfo);
      const remote = known(() => connection.remoteDomainInfo);
      const same = (read: (info: typeof connection.localDomainInfo) => unknown) => {
        if (local === UNKNOWN || remote === UNKNOWN) return UNKNOWN;
        const a = known(() => read(local));
        const b = known(() => read(remote));
        return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a === b;
      };
      subject.expect({
        property: "localDomainInfo.ownerId / remoteDomainInfo.ownerId",
        read: () => same((i) => i.ownerId),
        ok: (v) => v === true,
        must: "must connect domains of one account (the program accepts it with its own credentials)",
        fix: "Connect the standby domain to the home domain of the same account.",
      });
      subject.expect({
        property: "localDomainInfo.region / remoteDomainInfo.region",
        read: () => same((i) => i.region),
        ok: (v) => v === false,
        must: "must connect to a domain in another region (a same-region follower survives no regional outage)",
        fix: "Point remoteDomainInfo at the home region's domain.",
      });
    },
  ),
};

export const opensearchConnectionAccepted: StackValidationPolicy = {
  name: "opensearch-connection-accepted",
  description:
    "Every OpenSearch outbound connection is accepted by an InboundConnectionAccepter in the remote domain's region.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const connections = ofType(args.resources, aws.opensearch.OutboundConnection);
    const accepters = ofType(args.resources, aws.opensearch.InboundConnectionAccepter);
    const all = connections.map((c) => c.resource);
    for (const connection of connections) {
      const subject = new Subject(connection.resource, report);
      const accepter = accepters.find((a) =>
        refersTo(
          known(() => a.props.connectionId),
          a.resource,
          connection.resource,
          all,
        ),
      );
      if (!accepter) {
        subject.fail(
          "must be accepted",
          "no aws.opensearch.InboundConnectionAccepter has its id as connectionId",
          "Add an InboundConnectionAccepter with connectionId: <connection>.id and region: <remote region>.",
        );
        continue;
      }
      // The connection is accepted on the remote (leader) domain's side, in its region.
      const remoteRegion = known(() => connection.props.remoteDomainInfo?.region);
      const acceptRegion = known(() => accepter.props.region);
      if (remoteRegion === UNKNOWN || acceptRegion === UNKNOWN) {
        subject.cannotVerify(
          "must be accepted in the remote domain's region",
          "remoteDomainInfo.region or the accepter's region",
        );
      } else if (acceptRegion !== remoteRegion) {
        subject.fail(
          "must be accepted in the remote domain's region",
          `the accepter's region is ${JSON.stringify(acceptRegion)}, the remote domain's ${JSON.stringify(remoteRegion)}`,
          "Set the accepter's region to remoteDomainInfo.region.",
        );
      }
    }
  },
};

export const searchReplicationPolicies = [
  opensearchReplicationReady,
  opensearchConnectionDirect,
  opensearchConnectionAccepted,
];
