// DR, topology: each data tier has its copy in the standby region before the disaster, because it
// cannot be made after. The home stack owns the replication sources and the global singletons; a
// standby stack (one that reads the home stack through a StackReference) holds the copies.
import * as aws from "@pulumi/aws";
import { PROMOTION_ROLE_TAG, PROMOTION_ROLES } from "../../functions/contract";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { stringList, settings } from "../lib/config";
import {
  isStandbyStack,
  ofType,
  promotingFunctions,
  refersTo,
  STACK_REFERENCE_TYPE,
} from "../lib/stack";
import { Subject } from "../lib/subject";
import { isSet, known, knownList, UNKNOWN } from "../lib/values";
import { isGlobalDatastoreMember } from "./multiAz";

/** Whether the mount target mounts a file system created by this stack (by id, or as a sibling). */
function mountsOwnFileSystem(mount: PolicyResource, fileSystems: PolicyResource[]): boolean {
  const id = known(() => mount.props["fileSystemId"]);
  return fileSystems.some((fs) => refersTo(id, mount, fs, fileSystems));
}

export const drStandbyStackComplete: StackValidationPolicy = {
  name: "dr-standby-stack-complete",
  description:
    "A standby stack has the database replica, the cache group in the Global Datastore, a mount of the replicated EFS, a search domain and the failover orchestrator.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    if (!isStandbyStack(args.resources)) return;
    const reference = args.resources.find((r) => r.type === STACK_REFERENCE_TYPE)!;
    // A missing resource has no URN: these are findings about the stack as a whole.
    const missing = (what: string, fix: string) =>
      report(
        `Standby stack (it reads ${reference.name} through a StackReference) must have ${what}, but has none. ${fix}`,
      );

    const replicas = ofType(args.resources, aws.rds.Instance).filter((db) =>
      isSet(known(() => db.props.replicateSourceDb)),
    );
    if (replicas.length === 0) {
      missing(
        "an aws.rds.Instance with replicateSourceDb (the cross-region read replica)",
        "Create the replica with replicateSourceDb set to the home database's ARN.",
      );
    }
    const members = ofType(args.resources, aws.elasticache.ReplicationGroup).filter((g) =>
      isGlobalDatastoreMember(g.props),
    );
    if (members.length === 0) {
      missing(
        "an aws.elasticache.ReplicationGroup with globalReplicationGroupId (the Global Datastore member)",
        "Create the cache group with globalReplicationGroupId read from the home stack.",
      );
    }
    // The replica file system is created by the home stack's efs.ReplicationConfiguration, so the
    // standby mounts a file system it does not create; mounting one of its own means an empty one.
    const fileSystems = ofType(args.resources, aws.efs.FileSystem).map((f) => f.resource);
    const mounts = ofType(args.resources, aws.efs.MountTarget).map((m) => m.resource);
    if (!mounts.some((m) => !mountsOwnFileSystem(m, fileSystems))) {
      missing(
        "an aws.efs.MountTarget on the EFS replica the home stack's replication created",
        "Mount the replica's file system id (a home stack output); do not create a new, empty file system.",
      );
    }
    // Search is rebuilt, not replicated, by default: the domain must exist before the disaster so
    // the promotion only reindexes into it. (The table replica has no resource in the standby: the
    // home stack's Table.replicas creates it, which dr-home-stack-replicates and
    // dr-replication-targets-standby check.)
    if (ofType(args.resources, aws.opensearch.Domain).length === 0) {
      missing(
        "an aws.opensearch.Domain (the standby's search domain)",
        "Deploy the search tier in the standby region too (components/search.ts).",
      );
    }
    if (promotingFunctions(args.resources, [PROMOTION_ROLES.promoter]).length === 0) {
      missing(
        `an aws.lambda.Function tagged ${PROMOTION_ROLE_TAG}=${PROMOTION_ROLES.promoter} (the region failover orchestrator)`,
        "Deploy the failover orchestrator in the standby region (components/regionFailover.ts tags it).",
      );
    }
  },
};

const homeSchema = {
  properties: {
    regionalTables: stringList(
      "Resource names of DynamoDB tables that are regional on purpose (e.g. a lock table).",
      [],
    ),
  },
};

export const drHomeStackReplicates: StackValidationPolicy = {
  name: "dr-home-stack-replicates",
  description:
    "The home stack replicates its data to the standby: EFS replication, a DynamoDB table replica and a Global Datastore for the cache.",
  enforcementLevel: "advisory",
  configSchema: homeSchema,
  validateStack: (args, report) => {
    if (isStandbyStack(args.resources)) return;
    const { regionalTables } = settings<{ regionalTables: string[] }>(args, homeSchema);

    const fileSystems = ofType(args.resources, aws.efs.FileSystem).map((f) => f.resource);
    const replications = ofType(args.resources, aws.efs.ReplicationConfiguration);
    for (const fs of fileSystems) {
      const replicated = replications.some((r) =>
        refersTo(
          known(() => r.props.sourceFileSystemId),
          r.resource,
          fs,
          fileSystems,
        ),
      );
      if (replicated) continue;
      new Subject(fs, report).fail(
        "must be replicated to the standby region",
        "no aws.efs.ReplicationConfiguration has it as sourceFileSystemId",
        "Add an aws.efs.ReplicationConfiguration with destination: { region: <standby region> }.",
      );
    }

    for (const table of ofType(args.resources, aws.dynamodb.Table)) {
      if (regionalTables.includes(table.resource.name)) continue;
      const replicas = knownList(() => table.props.replicas);
      if (replicas === UNKNOWN || (replicas ?? []).length > 0) continue;
      new Subject(table.resource, report).fail(
        "must have a replica in the standby region",
        "replicas is empty",
        `Add replicas: [{ regionName: <standby region>, pointInTimeRecovery: true }], or list the table in this policy's regionalTables if it is regional on purpose.`,
      );
    }

    const globals = ofType(args.resources, aws.elasticache.GlobalReplicationGroup).map(
      (g) => g.resource,
    );
    const groups = ofType(args.resources, aws.elasticache.ReplicationGroup).map((g) => g.resource);
    for (const group of ofType(args.resources, aws.elasticache.ReplicationGroup)) {
      if (isGlobalDatastoreMember(group.props)) continue;
      const primaryIds = globals.map((g) => known(() => g.props["primaryReplicationGroupId"]));
      const isPrimary = globals.some((g, i) => refersTo(primaryIds[i], g, group.resource, groups));
      if (isPrimary) continue;
      new Subject(group.resource, report).fail(
        "must be the primary of a Global Datastore",
        "no aws.elasticache.GlobalReplicationGroup names it as primaryReplicationGroupId",
        "Create an aws.elasticache.GlobalReplicationGroup with primaryReplicationGroupId: group.id; the standby joins it.",
      );
    }
  },
};

export const standbyPolicies = [drStandbyStackComplete, drHomeStackReplicates];
