// MAZ through the Global Datastore: members inherit failover behaviour from the global group, so
// the Multi-AZ guarantee is judged on the global group and its primary, in the stack that owns them.
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { identifies, isStandbyStack, ofType, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, show, UNKNOWN } from "../lib/values";
import { checkReplicationGroupMultiAz, isGlobalDatastoreMember } from "./multiAz";

export const elasticacheGlobalDatastorePrimaryMultiAz: StackValidationPolicy = {
  name: "elasticache-global-datastore-primary-multi-az",
  description:
    "A Global Datastore keeps automatic failover, and its primary replication group, in the same stack, is Multi-AZ.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const groups = ofType(args.resources, aws.elasticache.ReplicationGroup);
    for (const global of ofType(args.resources, aws.elasticache.GlobalReplicationGroup)) {
      const subject = new Subject(global.resource, report);
      subject.expect({
        property: "automaticFailoverEnabled",
        // Unset, the global group takes the primary's setting, which is checked below.
        read: () => global.props.automaticFailoverEnabled,
        ok: (v) => v !== false,
        must: "must keep automatic failover",
        fix: "Remove automaticFailoverEnabled: false; members inherit it and would stop failing over.",
      });
      const primaryId = known(() => global.props.primaryReplicationGroupId);
      const primary = groups.find((g) =>
        refersTo(
          primaryId,
          global.resource,
          g.resource,
          groups.map((c) => c.resource),
        ),
      );
      if (!primary) {
        subject.fail(
          "must have its primary replication group in the same stack",
          `primaryReplicationGroupId ${show(primaryId)} matches no elasticache.ReplicationGroup here`,
          "Create the primary group in the stack that owns the Global Datastore (the home stack) and pass its id.",
        );
        continue;
      }
      if (isGlobalDatastoreMember(primary.props)) {
        new Subject(primary.resource, report).fail(
          "must not itself join a Global Datastore, being the primary of one",
          "globalReplicationGroupId is set",
          "Remove globalReplicationGroupId from the primary group.",
        );
        continue;
      }
      checkReplicationGroupMultiAz(new Subject(primary.resource, report), primary.props, false);
    }
  },
};

export const elasticacheMemberGlobalGroupExists: StackValidationPolicy = {
  name: "elasticache-member-global-group-exists",
  description:
    "A replication group joining a Global Datastore names one created in this stack or read from the home stack.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const globals = ofType(args.resources, aws.elasticache.GlobalReplicationGroup).map(
      (g) => g.resource,
    );
    const readsHomeStack = isStandbyStack(args.resources);
    for (const member of ofType(args.resources, aws.elasticache.ReplicationGroup)) {
      if (!isGlobalDatastoreMember(member.props)) continue;
      const globalId = known(() => member.props.globalReplicationGroupId);
      if (globalId === UNKNOWN) {
        // Unknown during preview: the output of a resource of this stack (another stack's outputs
        // are known), which can only be its global group.
        if (globals.length > 0) continue;
      } else if (typeof globalId === "string") {
        if (globals.some((g) => identifies(globalId, g))) continue;
        // Not one of ours: it must come from the home stack's outputs.
        if (readsHomeStack) continue;
      }
      new Subject(member.resource, report).fail(
        "must join a Global Datastore that exists",
        globalId === UNKNOWN
          ? "globalReplicationGroupId comes from this stack and no elasticache.GlobalReplicationGroup here matches it"
          : `globalReplicationGroupId ${show(globalId)} is neither created here nor read from another stack`,
        "Create the aws.elasticache.GlobalReplicationGroup in the home stack and pass its globalReplicationGroupId through a StackReference.",
      );
    }
  },
};

export const globalDatastorePolicies = [
  elasticacheGlobalDatastorePrimaryMultiAz,
  elasticacheMemberGlobalGroupExists,
];
