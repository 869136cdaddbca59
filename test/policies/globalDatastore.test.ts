import * as aws from "@pulumi/aws";
import {
  elasticacheGlobalDatastorePrimaryMultiAz,
  elasticacheMemberGlobalGroupExists,
} from "../../policies/rules/globalDatastore";
import {
  cacheGroup,
  homeStack,
  memberCacheGroup,
  mutate,
  withProps,
  standbyStack,
  without,
} from "./fixtures";
import {
  assertNoViolations,
  assertViolation,
  checkStack,
  Declared,
  preview,
  U,
  urnOf,
} from "./util";

const member: Declared = {
  cls: aws.elasticache.ReplicationGroup,
  name: "west-cache",
  props: memberCacheGroup,
};

describe("policies: Global Datastore", () => {
  describe("elasticache-global-datastore-primary-multi-az", () => {
    it("passes a global group whose primary is Multi-AZ", () => {
      assertNoViolations(checkStack(elasticacheGlobalDatastorePrimaryMultiAz, homeStack()));
    });

    it("finds the primary by Pulumi's auto-name when replicationGroupId is not set", () => {
      const stack = withProps(
        withProps(homeStack(), "home-cache", { replicationGroupId: undefined }),
        "home-global",
        { primaryReplicationGroupId: "home-cache-0a1b2c3" },
      );
      assertNoViolations(checkStack(elasticacheGlobalDatastorePrimaryMultiAz, stack));
    });

    it("flags the primary, through the global group, when it has no replica", () => {
      const stack = mutate(homeStack(), "home-cache", (r) => ({
        ...r,
        props: { ...cacheGroup, numCacheClusters: 1 },
      }));
      assertViolation(
        checkStack(elasticacheGlobalDatastorePrimaryMultiAz, stack),
        ['elasticache.ReplicationGroup "home-cache" must have at least one replica'],
        urnOf("aws:elasticache/replicationGroup:ReplicationGroup", "home-cache"),
      );
    });

    it("flags a global group that turns automatic failover off", () => {
      const stack = withProps(homeStack(), "home-global", { automaticFailoverEnabled: false });
      assertViolation(checkStack(elasticacheGlobalDatastorePrimaryMultiAz, stack), [
        'elasticache.GlobalReplicationGroup "home-global" must keep automatic failover',
      ]);
    });

    it("flags a global group whose primary is not in the stack", () => {
      const stack = without(homeStack(), "home-cache");
      assertViolation(checkStack(elasticacheGlobalDatastorePrimaryMultiAz, stack), [
        "must have its primary replication group in the same stack",
        'primaryReplicationGroupId "magento-home" matches no elasticache.ReplicationGroup here',
      ]);
    });

    it("reports the primary's failover setting unknown during preview", () => {
      const stack = mutate(homeStack(), "home-cache", (r) => ({
        ...r,
        props: preview({ ...cacheGroup, automaticFailoverEnabled: U }),
      }));
      assertViolation(checkStack(elasticacheGlobalDatastorePrimaryMultiAz, stack), [
        "automaticFailoverEnabled is unknown during preview",
      ]);
    });
  });

  describe("elasticache-member-global-group-exists", () => {
    it("passes a standby member whose global group comes from the home stack", () => {
      assertNoViolations(checkStack(elasticacheMemberGlobalGroupExists, standbyStack()));
    });

    it("passes a member joining a global group of the same stack", () => {
      assertNoViolations(checkStack(elasticacheMemberGlobalGroupExists, [...homeStack(), member]));
    });

    it("passes a member whose global id is the unknown output of the stack's global group", () => {
      const unknownMember = {
        ...member,
        props: preview({ ...memberCacheGroup, globalReplicationGroupId: U }),
      };
      assertNoViolations(
        checkStack(elasticacheMemberGlobalGroupExists, [
          ...homeStack(),
          { ...unknownMember, parent: undefined },
        ]),
      );
    });

    it("flags a member of a global group that is nowhere", () => {
      assertViolation(
        checkStack(elasticacheMemberGlobalGroupExists, [
          ...without(homeStack(), "home-global"),
          member,
        ]),
        [
          'elasticache.ReplicationGroup "west-cache" must join a Global Datastore that exists',
          'globalReplicationGroupId "ldgnf-magento" is neither created here nor read from another stack',
        ],
      );
    });

    it("flags a member referencing an output of this stack when no global group is here", () => {
      const unknownMember = {
        ...member,
        props: preview({ ...memberCacheGroup, globalReplicationGroupId: U }),
      };
      assertViolation(
        checkStack(elasticacheMemberGlobalGroupExists, [
          ...without(homeStack(), "home-global"),
          unknownMember,
        ]),
        [
          "globalReplicationGroupId comes from this stack and no elasticache.GlobalReplicationGroup here matches it",
        ],
      );
    });
  });
});
