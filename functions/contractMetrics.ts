// CloudWatch namespaces and metric names that cross a boundary: published by a Lambda, an instance
// or the operator CLI, and alarmed on, filtered into or read by the components and the automation.
// Defined once here, in plain TypeScript (no Pulumi import); test/contractMetrics.test.ts pins the
// values and checks the plan's alarms, the instance script and the functions' defaults against them.

/** The namespaces of the metrics this program publishes (the region gate's is per project). */
export const METRIC_NAMESPACES = {
  /** The search checker and the search replication function publish here. */
  search: "MagentoDR/Search",
  /** The instances publish here (magento-dr.sh `count_metric`), dimension Stack. */
  instances: "MagentoDR/Instances",
  /** The orchestrator's refused requests, counted from its log group by a metric filter. */
  failoverRequests: "MagentoDR/FailoverRequests",
} as const;

/**
 * The region gate's namespace: `<project>/RegionGate`, in the standby (authority) region. The
 * promotion, the detector and the operator CLI publish there; the home stack's gate alarm, the
 * capacity and track alarms and the PutMetricData condition read it.
 */
export function regionGateNamespace(project: string): string {
  return `${project}/RegionGate`;
}

/** Metrics in the region gate's namespace. */
export const REGION_GATE_METRICS = {
  /** 1 while a promotion holds the gate closed: the PRIMARY record's health check fails. */
  failoverActive: "FailoverActive",
  /** Published when the ASG does not reach its desired InService count in time. */
  capacityNotReached: "PromotionCapacityNotReached",
  /** Published (no dimension, and dimension Track) when a promotion track fails. */
  trackFailed: "PromotionTrackFailed",
} as const;

/** The search checker's metrics (namespace METRIC_NAMESPACES.search). */
export const SEARCH_METRICS = {
  /** 1 when the endpoint (dimension "Endpoint") answered healthy, else 0. */
  endpointHealth: "EndpointHealth",
  /** 1 when the endpoint Magento currently uses answered healthy, else 0. No dimensions. */
  tierHealth: "TierHealth",
} as const;

/** The search replication function's metrics (namespace METRIC_NAMESPACES.search). */
export const REPLICATION_METRICS = {
  /** 1 when the domain follows the active region as it should (or leads), else 0. */
  healthy: "ReplicationHealthy",
  /** Largest leader_checkpoint - follower_checkpoint over the follower indices. */
  lag: "ReplicationLagOperations",
  followingIndices: "FollowingIndices",
} as const;

/** The instances' metrics (namespace METRIC_NAMESPACES.instances). */
export const INSTANCE_METRICS = {
  /** An instance refused an endpoint parameter naming a host the stack did not create. */
  endpointRejected: "EndpointRejected",
} as const;

/** The metric the orchestrator's refused requests are counted into (its log metric filter). */
export const FAILOVER_REQUEST_METRICS = {
  rejected: "RejectedFailoverRequests",
  /** Detector runs that could not complete (its log metric filter). */
  detectorErrors: "DetectorErrors",
} as const;

/**
 * AWS's own metrics that both sides name: the program alarms on them and draws them
 * (components/monitoring.ts), the promotion and the operator CLI read them as lag signals
 * (functions/region/lag.ts, automation/lag.ts).
 */
export const AWS_METRICS = {
  /** RDS publishes it for the cross-region replica instance (dimension DBInstanceIdentifier). */
  rdsReplicaLag: { namespace: "AWS/RDS", metricName: "ReplicaLag" },
  /** ElastiCache publishes it on the secondary group's nodes (dimension CacheClusterId). */
  globalDatastoreLag: { namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag" },
} as const;

/** Dimension names of our metrics, as the publishers send them and the alarms select them. */
export const METRIC_DIMENSIONS = {
  /** The capacity shortfall (REGION_GATE_METRICS.capacityNotReached): the alarm selects it. */
  autoScalingGroup: "AutoScalingGroupName",
  /** A failed track (REGION_GATE_METRICS.trackFailed), for the dashboard; the alarm uses none. */
  track: "Track",
  /** The instances' metrics (magento-dr.sh `count_metric`): the alarm selects it. */
  stack: "Stack",
  /** The search checker's per-endpoint health (SEARCH_METRICS.endpointHealth). */
  endpoint: "Endpoint",
  /** The search replication metrics (REPLICATION_METRICS): the alarms select it. */
  domainName: "DomainName",
} as const;
