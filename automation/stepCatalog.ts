// What each promotion step calls, where, and on what: the lines a dry run prints and the detail
// of each progress line. Kept next to nothing else so the text cannot drift from one to the other.
import type { PromotionMode } from "../functions/region/authority";
import type { RegionFailoverSettings } from "../functions/region/settings";

export interface PlannedCall {
  api: string;
  region: string;
  resource: string;
}

export interface CatalogContext {
  settings: RegionFailoverSettings;
  mode: PromotionMode;
  /** Where the gate step publishes, and the value: 1 trips the PRIMARY record, 0 reopens it. */
  gate: { region: string; value: 0 | 1 };
}

export function callsOf(step: string, c: CatalogContext): PlannedCall[] {
  const s = c.settings;
  const local = s.localRegion;
  switch (step) {
    case "lease":
      return [
        {
          api: "dynamodb:UpdateItem (conditional on the epoch)",
          region: s.authority.region,
          resource: `${s.authority.tableName} item "authority": epoch +1, activeRegion ${local}, holder operator`,
        },
      ];
    case "quiesce":
      return [
        ...(s.heartbeat
          ? [
              {
                api: "lambda:Invoke (poll until a heartbeat written after the fence is on the replica)",
                region: local,
                resource: s.heartbeat.readerFunctionName,
              },
            ]
          : []),
        {
          api: `cloudwatch:GetMetricData (poll until 0${s.heartbeat ? "; decides only where the heartbeat cannot" : ""})`,
          region: local,
          resource: `AWS/RDS ReplicaLag of ${s.database.instanceId}, measured after the fence`,
        },
      ];
    case "cache":
      return [
        {
          api: "elasticache:FailoverGlobalReplicationGroup",
          region: local,
          resource: `${s.cache.globalReplicationGroupId} -> primary ${s.cache.replicationGroupId}`,
        },
        ...(c.mode === "unplanned"
          ? [
              {
                api: `elasticache:DisassociateGlobalReplicationGroup (after ${s.retry.cacheFailoverAttempts} refusals or ${s.retry.cacheFailoverErrorAttempts} errors; asked again while the datastore is modifying)`,
                region: local,
                resource: s.cache.replicationGroupId,
              },
            ]
          : []),
      ];
    case "database":
      return [
        { api: "rds:PromoteReadReplica", region: local, resource: s.database.instanceId },
        ...((s.database.standbyAlarmNames ?? []).length > 0
          ? [
              {
                api: "cloudwatch:DisableAlarmActions (once standalone, if still acting; best effort)",
                region: local,
                resource: (s.database.standbyAlarmNames ?? []).join(", "),
              },
            ]
          : []),
      ];
    case "media":
      return s.media
        ? [
            {
              api: `elasticfilesystem:DeleteReplicationConfiguration${c.mode === "unplanned" ? " (LOCAL_CONFIGURATION_ONLY if refused or stuck in DELETING)" : ""}, until DescribeFileSystems says ReplicationOverwriteProtection ENABLED`,
              region: local,
              resource: `replication into ${s.media.fileSystemId}`,
            },
            {
              api: "elasticfilesystem:PutBackupPolicy ENABLED (once writable)",
              region: local,
              resource: s.media.fileSystemId,
            },
          ]
        : [];
    case "app-tier":
    case "capacity":
      return [
        {
          api: "autoscaling:UpdateAutoScalingGroup",
          region: local,
          resource: `${s.capacity.autoScalingGroupName} min ${s.capacity.min} desired ${s.capacity.desired} max ${s.capacity.max}`,
        },
      ];
    case "endpoints":
      return [
        {
          api: "ssm:PutParameter (only values that differ; epoch last)",
          region: local,
          resource: Object.values(s.parameters).join(", "),
        },
      ];
    case "gate":
      return [
        {
          api: "cloudwatch:PutMetricData",
          region: c.gate.region,
          resource: `${s.gate.namespace}/${s.gate.metricName} = ${c.gate.value} (${c.gate.value === 1 ? "trips the PRIMARY record's health check" : "reopens the PRIMARY record"})`,
        },
      ];
    case "search":
      return s.search
        ? [
            {
              api: 'lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents)',
              region: local,
              resource: s.search.replicationFunctionName,
            },
            {
              api: "ssm:PutParameter (only if the indices are missing or empty)",
              region: local,
              resource: `${s.search.reindexParameter} = the lease epoch`,
            },
          ]
        : [];
    case "audit":
      return [
        {
          api: "dynamodb:UpdateItem",
          region: s.authority.region,
          resource: `${s.authority.tableName} item "incident#<id>": the run and its step timings`,
        },
        { api: "sns:Publish", region: local, resource: s.notifyTopicArn },
      ];
    default:
      return [];
  }
}

export function describeCalls(calls: PlannedCall[]): string {
  return calls.map((c) => `${c.api} [${c.region}] ${c.resource}`).join("; ");
}
