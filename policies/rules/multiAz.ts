// MAZ: every tier survives the loss of one Availability Zone without a regional failover.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { integer, settings } from "../lib/config";
import { Subject } from "../lib/subject";
import { known, knownList, show, UNKNOWN } from "../lib/values";

export const rdsInstanceMultiAz: ResourceValidationPolicy = {
  name: "rds-instance-multi-az",
  description: "RDS instances, cross-region replicas included, run Multi-AZ.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    new Subject(args, report).expect({
      property: "multiAz",
      read: () => db.multiAz,
      ok: (v) => v === true,
      must: "must run Multi-AZ",
      fix: "Set multiAz: true so RDS keeps a synchronous standby in another AZ (a promoted replica needs one too).",
    });
  }),
};

/**
 * A member of a Global Datastore (`globalReplicationGroupId` set) takes its failover behaviour from
 * the global group, so an unset value there is inherited, not missing: only an explicit setting that
 * breaks Multi-AZ is flagged. The primary is judged here and through
 * `elasticache-global-datastore-primary-multi-az`.
 */
/**
 * The Multi-AZ settings of one replication group. `inherits` is true for a member of a Global
 * Datastore: it takes its failover behaviour from the global group, so an unset value is inherited,
 * not missing, and only an explicit setting that breaks Multi-AZ is flagged.
 */
export function checkReplicationGroupMultiAz(
  subject: Subject,
  group: Unwrap<aws.elasticache.ReplicationGroupArgs>,
  inherits: boolean,
): void {
  const acceptable = (v: boolean | undefined) => v === true || (inherits && v === undefined);
  subject.expect({
    property: "automaticFailoverEnabled",
    read: () => group.automaticFailoverEnabled,
    ok: acceptable,
    must: "must fail over automatically",
    fix: "Set automaticFailoverEnabled: true so a replica is promoted when the primary node fails.",
  });
  subject.expect({
    property: "multiAzEnabled",
    read: () => group.multiAzEnabled,
    ok: acceptable,
    must: "must place its nodes in several AZs",
    fix: "Set multiAzEnabled: true so the primary and its replicas live in different AZs.",
  });
  const replicas = known(() => group.replicasPerNodeGroup);
  const nodes = known(() => group.numCacheClusters);
  if (replicas === UNKNOWN || nodes === UNKNOWN) {
    subject.cannotVerify("must have at least one replica", "numCacheClusters/replicasPerNodeGroup");
    return;
  }
  const replicaCount = replicas ?? (nodes === undefined ? undefined : nodes - 1);
  if (replicaCount === undefined ? !inherits : replicaCount < 1) {
    subject.fail(
      "must have at least one replica",
      `numCacheClusters is ${show(nodes)} and replicasPerNodeGroup is ${show(replicas)}`,
      "Set numCacheClusters to 2 or more (or replicasPerNodeGroup to 1 or more in cluster mode).",
    );
  }
}

/** True when the group joins a Global Datastore (an unknown id is another resource's output). */
export function isGlobalDatastoreMember(
  group: Unwrap<aws.elasticache.ReplicationGroupArgs>,
): boolean {
  const id = known(() => group.globalReplicationGroupId);
  return id === UNKNOWN || (typeof id === "string" && id !== "");
}

export const elasticacheReplicationGroupMultiAz: ResourceValidationPolicy = {
  name: "elasticache-replication-group-multi-az",
  description:
    "ElastiCache replication groups have automatic failover, Multi-AZ and a replica; Global Datastore members inherit them.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      checkReplicationGroupMultiAz(
        new Subject(args, report),
        group,
        isGlobalDatastoreMember(group),
      );
    },
  ),
};

const openSearchZoneSchema = {
  properties: {
    minAvailabilityZones: integer("Fewest AZs the data nodes span (2 or 3).", 2, 2),
    minDataNodes: integer("Fewest data nodes.", 3, 1),
  },
};

export const opensearchDomainZoneAwareness: ResourceValidationPolicy = {
  name: "opensearch-domain-zone-awareness",
  description: "OpenSearch domains spread at least three data nodes across several AZs.",
  enforcementLevel: "advisory",
  configSchema: openSearchZoneSchema,
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const { minAvailabilityZones, minDataNodes } = settings<{
      minAvailabilityZones: number;
      minDataNodes: number;
    }>(args, openSearchZoneSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "clusterConfig.zoneAwarenessEnabled",
      read: () => domain.clusterConfig?.zoneAwarenessEnabled,
      ok: (v) => v === true,
      must: "must enable zone awareness",
      fix: "Set clusterConfig.zoneAwarenessEnabled: true so shard replicas land in other AZs.",
    });
    subject.expect({
      property: "clusterConfig.zoneAwarenessConfig.availabilityZoneCount",
      // AWS uses 2 AZs when zone awareness is on and no count is given.
      read: () => domain.clusterConfig?.zoneAwarenessConfig?.availabilityZoneCount ?? 2,
      ok: (v) => v >= minAvailabilityZones,
      must: `must span at least ${minAvailabilityZones} AZs`,
      fix: `Set clusterConfig.zoneAwarenessConfig.availabilityZoneCount to ${Math.max(minAvailabilityZones, 3)} (3 is preferred) with a subnet per AZ.`,
    });
    subject.expect({
      property: "clusterConfig.instanceCount",
      read: () => domain.clusterConfig?.instanceCount ?? 1,
      ok: (v) => v >= minDataNodes,
      must: `must run at least ${minDataNodes} data nodes`,
      fix: `Set clusterConfig.instanceCount to ${minDataNodes} or more, a multiple of the AZ count.`,
    });
  }),
};

const dedicatedMastersSchema = {
  properties: { masterCount: integer("Dedicated master nodes required (an odd quorum).", 3, 3) },
};

export const opensearchDedicatedMasters: ResourceValidationPolicy = {
  name: "opensearch-dedicated-masters",
  description:
    "OpenSearch domains run three dedicated master nodes so the cluster keeps a quorum when an AZ fails.",
  enforcementLevel: "advisory",
  configSchema: dedicatedMastersSchema,
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const { masterCount } = settings<{ masterCount: number }>(args, dedicatedMastersSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "clusterConfig.dedicatedMasterEnabled",
      read: () => domain.clusterConfig?.dedicatedMasterEnabled,
      ok: (v) => v === true,
      must: "must run dedicated master nodes",
      fix: "Set clusterConfig.dedicatedMasterEnabled: true with a dedicatedMasterType.",
    });
    subject.expect({
      property: "clusterConfig.dedicatedMasterCount",
      read: () => domain.clusterConfig?.dedicatedMasterCount,
      ok: (v) => v === masterCount,
      must: `must run exactly ${masterCount} dedicated masters`,
      fix: `Set clusterConfig.dedicatedMasterCount: ${masterCount}: one per AZ, and an odd number for the quorum.`,
    });
  }),
};

export const efsFileSystemRegional: ResourceValidationPolicy = {
  name: "efs-file-system-regional",
  description: "EFS file systems use Regional storage, not One Zone.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.efs.FileSystem, (fs, args, report) => {
    new Subject(args, report).expect({
      property: "availabilityZoneName",
      read: () => fs.availabilityZoneName,
      ok: (v) => v === undefined || v === "",
      must: "must use Regional (multi-AZ) storage",
      fix: "Remove availabilityZoneName: a One Zone file system is lost with its AZ.",
    });
  }),
};

const subnetSchema = {
  properties: { minSubnets: integer("Fewest subnets, each in its own AZ.", 2, 2) },
};

export const loadBalancerMultiAz: ResourceValidationPolicy = {
  name: "lb-multi-az",
  description: "Load balancers are attached to subnets in at least two AZs.",
  enforcementLevel: "advisory",
  configSchema: subnetSchema,
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, report) => {
    const { minSubnets } = settings<{ minSubnets: number }>(args, subnetSchema);
    // A subnet id unknown during preview is still a subnet: the count is what is judged.
    const subnets = knownList(() => lb.subnets);
    const mappings = knownList(() => lb.subnetMappings);
    new Subject(args, report).expect({
      property: "subnets",
      read: () =>
        subnets === UNKNOWN || mappings === UNKNOWN
          ? UNKNOWN
          : [...(subnets ?? []), ...(mappings ?? [])],
      ok: (list) => list.length >= minSubnets,
      must: `must span at least ${minSubnets} subnets in different AZs`,
      fix: "Pass one public subnet per AZ in subnets (or subnetMappings).",
    });
  }),
};

export const autoscalingGroupMultiAz: ResourceValidationPolicy = {
  name: "autoscaling-group-multi-az",
  description: "Auto Scaling groups launch into subnets in at least two AZs.",
  enforcementLevel: "advisory",
  configSchema: subnetSchema,
  validateResource: validateResourceOfType(aws.autoscaling.Group, (group, args, report) => {
    const { minSubnets } = settings<{ minSubnets: number }>(args, subnetSchema);
    const subnets = knownList(() => group.vpcZoneIdentifiers ?? group.availabilityZones);
    new Subject(args, report).expect({
      property: "vpcZoneIdentifiers",
      read: () => subnets ?? [],
      ok: (list) => list.length >= minSubnets,
      must: `must launch into at least ${minSubnets} AZs`,
      fix: "Pass one private subnet per AZ in vpcZoneIdentifiers.",
    });
  }),
};

export const autoscalingGroupElbHealthCheck: ResourceValidationPolicy = {
  name: "autoscaling-group-elb-health-check",
  description:
    "Auto Scaling groups replace instances the load balancer finds unhealthy, after a grace period.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.autoscaling.Group, (group, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "healthCheckType",
      read: () => group.healthCheckType,
      ok: (v) => v === "ELB",
      must: "must use the load balancer's health checks",
      fix: 'Set healthCheckType: "ELB" so an instance whose application is down is replaced, not only one whose VM is.',
    });
    subject.expect({
      property: "healthCheckGracePeriod",
      read: () => group.healthCheckGracePeriod,
      ok: (v) => v !== undefined && v > 0,
      must: "must give new instances a health-check grace period",
      fix: "Set healthCheckGracePeriod to the seconds Magento needs to boot (e.g. 300).",
    });
  }),
};

export const multiAzPolicies = [
  rdsInstanceMultiAz,
  elasticacheReplicationGroupMultiAz,
  opensearchDomainZoneAwareness,
  opensearchDedicatedMasters,
  efsFileSystemRegional,
  loadBalancerMultiAz,
  autoscalingGroupMultiAz,
  autoscalingGroupElbHealthCheck,
];
