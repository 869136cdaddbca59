import * as aws from "@pulumi/aws";
import { drHomeStackReplicates, drStandbyStackComplete } from "../../policies/rules/standby";
import {
  fileSystem,
  homeStack,
  mutate,
  withProps,
  sessionsTable,
  standbyStack,
  without,
} from "./fixtures";
import { assertNoViolations, assertViolation, checkStack, preview, U, urnOf } from "./util";

const STANDBY = "Standby stack (it reads home through a StackReference) must have";

describe("policies: standby completeness", () => {
  describe("dr-standby-stack-complete", () => {
    it("passes a standby with replica, member group, replica mount and orchestrator", () => {
      assertNoViolations(checkStack(drStandbyStackComplete, standbyStack()));
    });

    it("does not judge the home stack, which reads no other stack", () => {
      assertNoViolations(checkStack(drStandbyStackComplete, homeStack()));
    });

    it("flags a standby without the database replica", () => {
      const stack = withProps(standbyStack(), "standby-db", { replicateSourceDb: undefined });
      const violations = checkStack(drStandbyStackComplete, stack);
      assertViolation(violations, [`${STANDBY} an aws.rds.Instance with replicateSourceDb`]);
    });

    it("takes a replica source unknown during preview as a replica", () => {
      const stack = mutate(standbyStack(), "standby-db", (r) => ({
        ...r,
        props: preview({ ...r.props, replicateSourceDb: U }),
      }));
      assertNoViolations(checkStack(drStandbyStackComplete, stack));
    });

    it("flags a standby whose cache is not in the Global Datastore", () => {
      const stack = withProps(standbyStack(), "standby-cache", {
        globalReplicationGroupId: undefined,
      });
      assertViolation(checkStack(drStandbyStackComplete, stack), [
        `${STANDBY} an aws.elasticache.ReplicationGroup with globalReplicationGroupId`,
      ]);
    });

    it("flags a standby that mounts a new, empty file system of its own", () => {
      const media = "urn:pulumi:test::magento-dr::magento-dr:data:Media::standby-media";
      const stack = [
        ...mutate(standbyStack(), "standby-media-mount-0", (r) => ({ ...r, parent: media })),
        {
          cls: aws.efs.FileSystem,
          name: "standby-media-fs",
          props: fileSystem,
          parent: media,
          protect: true,
        },
      ];
      assertViolation(checkStack(drStandbyStackComplete, stack), [
        `${STANDBY} an aws.efs.MountTarget on the EFS replica`,
      ]);
    });

    it("flags a standby without a mount at all", () => {
      assertViolation(
        checkStack(drStandbyStackComplete, without(standbyStack(), "standby-media-mount-0")),
        ["aws.efs.MountTarget"],
      );
    });

    it("flags a standby whose only function called orchestrator does not carry the tag", () => {
      const stack = mutate(standbyStack(), "standby-orchestrator", (r) => ({
        ...r,
        props: { ...r.props, tags: { Name: "orchestrator" } },
      }));
      assertViolation(checkStack(drStandbyStackComplete, stack), [
        `${STANDBY} an aws.lambda.Function tagged magento-dr:role=promoter`,
      ]);
    });

    it("flags a standby without a search domain", () => {
      assertViolation(
        checkStack(drStandbyStackComplete, without(standbyStack(), "standby-search")),
        [`${STANDBY} an aws.opensearch.Domain`],
      );
    });

    it("flags a standby without the orchestrator", () => {
      assertViolation(
        checkStack(drStandbyStackComplete, without(standbyStack(), "standby-orchestrator")),
        [`${STANDBY} an aws.lambda.Function tagged magento-dr:role=promoter`],
      );
    });
  });

  describe("dr-home-stack-replicates", () => {
    it("passes a home stack replicating EFS, the table and the cache", () => {
      assertNoViolations(checkStack(drHomeStackReplicates, homeStack()));
    });

    it("does not judge a standby stack", () => {
      assertNoViolations(checkStack(drHomeStackReplicates, standbyStack()));
    });

    it("flags a file system without replication", () => {
      assertViolation(
        checkStack(drHomeStackReplicates, without(homeStack(), "home-media-replication")),
        ['efs.FileSystem "home-media-fs" must be replicated to the standby region'],
        urnOf("aws:efs/fileSystem:FileSystem", "home-media-fs"),
      );
    });

    it("flags a table without a replica, unless it is declared regional", () => {
      const stack = mutate(homeStack(), "home-sessions", (r) => ({
        ...r,
        props: { ...sessionsTable, replicas: [] },
      }));
      assertViolation(checkStack(drHomeStackReplicates, stack), [
        'dynamodb.Table "home-sessions" must have a replica in the standby region',
      ]);
      assertNoViolations(
        checkStack(drHomeStackReplicates, stack, { regionalTables: ["home-sessions"] }),
      );
    });

    it("takes a replica list unknown during preview as present", () => {
      const stack = mutate(homeStack(), "home-sessions", (r) => ({
        ...r,
        props: preview({ ...sessionsTable, replicas: U }),
      }));
      assertNoViolations(checkStack(drHomeStackReplicates, stack));
    });

    it("flags a cache group that is not the primary of a Global Datastore", () => {
      assertViolation(checkStack(drHomeStackReplicates, without(homeStack(), "home-global")), [
        'elasticache.ReplicationGroup "home-cache" must be the primary of a Global Datastore',
      ]);
    });
  });
});
