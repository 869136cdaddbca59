// DR, IaC safety through a failover: a failover changes some properties behind Pulumi's back, and
// the next `pulumi up` must neither undo the failover nor replace the data it just promoted.
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Resource } from "@pulumi/pulumi";
import { settings } from "../lib/config";
import { ofType } from "../lib/stack";
import { Subject } from "../lib/subject";
import { isSet, known } from "../lib/values";
import { isGlobalDatastoreMember } from "./multiAz";

interface DriftingProperty {
  resource: PolicyResource;
  property: string;
  why: string;
}

/** The properties a failover rewrites, on the resources that have them. */
function driftingProperties(resources: PolicyResource[]): DriftingProperty[] {
  return [
    ...ofType(resources, aws.rds.Instance)
      .filter((db) => isSet(known(() => db.props.replicateSourceDb)))
      .map((db) => ({
        resource: db.resource,
        property: "replicateSourceDb",
        why: "promotion detaches the replica, and an update would otherwise replace the promoted database",
      })),
    ...ofType(resources, aws.elasticache.GlobalReplicationGroup).map((g) => ({
      resource: g.resource,
      property: "primaryReplicationGroupId",
      why: "a Global Datastore failover makes another region's group the primary",
    })),
    ...ofType(resources, aws.elasticache.ReplicationGroup)
      .filter((g) => isGlobalDatastoreMember(g.props))
      .map((g) => ({
        resource: g.resource,
        property: "globalReplicationGroupId",
        why: "an unplanned failover disassociates the member from the Global Datastore",
      })),
    ...ofType(resources, aws.efs.ReplicationConfiguration).map((r) => ({
      resource: r.resource,
      property: "destination",
      why: "promotion deletes the replication to make the replica writable",
    })),
  ];
}

function ignores(ignoreChanges: readonly string[], property: string): boolean {
  return ignoreChanges.some((p) => p === "*" || p === property || property.startsWith(`${p}.`));
}

export const drFailoverIgnoreChanges: StackValidationPolicy = {
  name: "dr-failover-ignore-changes",
  description:
    "Properties a failover changes (replica source, Global Datastore primary and membership, EFS replication) are in ignoreChanges.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const { resource, property, why } of driftingProperties(args.resources)) {
      if (ignores(resource.opts.ignoreChanges ?? [], property)) continue;
      new Subject(resource, report).fail(
        `must ignore changes to ${property}`,
        `ignoreChanges is ${JSON.stringify(resource.opts.ignoreChanges ?? [])}`,
        `Add "${property}" to its ignoreChanges: ${why}.`,
      );
    }
  },
};

/** Resources whose deletion loses data or the identity other regions replicate from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- isType's own constructor shape
export const STATEFUL_TYPES: (new (...rest: any[]) => Resource)[] = [
  aws.rds.Instance,
  aws.elasticache.ReplicationGroup,
  aws.elasticache.GlobalReplicationGroup,
  aws.dynamodb.Table,
  aws.efs.FileSystem,
  aws.opensearch.Domain,
  aws.kms.Key,
];

const protectSchema = {
  properties: {
    requireProtect: {
      type: "boolean" as const,
      default: true,
      description: "Require `protect`; false for throwaway stacks.",
    },
  },
};

export const drStatefulResourcesProtected: StackValidationPolicy = {
  name: "dr-stateful-resources-protected",
  description:
    "Stateful resources (databases, caches, tables, file systems, search domains, KMS keys) are protected from deletion by Pulumi.",
  enforcementLevel: "advisory",
  configSchema: protectSchema,
  validateStack: (args, report) => {
    const { requireProtect } = settings<{ requireProtect: boolean }>(args, protectSchema);
    if (!requireProtect) return;
    for (const resource of args.resources) {
      if (!STATEFUL_TYPES.some((cls) => resource.isType(cls))) continue;
      if (resource.opts.protect) continue;
      new Subject(resource, report).fail(
        "must be protected",
        "protect is false",
        "Pass { protect: true } (from config, so throwaway stacks can turn it off); a rename or a replacement diff would otherwise delete it.",
      );
    }
  },
};

export const failoverSafetyPolicies = [drFailoverIgnoreChanges, drStatefulResourcesProtected];
