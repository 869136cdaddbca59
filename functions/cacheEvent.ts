// Decides whether an incoming event may trigger a cache endpoint sync. Pure: no I/O, no clock.
//
// Accepted triggers (anything else is rejected with a reason):
// - ElastiCache service events on EventBridge (source "aws.elasticache"). The real detail-types are
//   "Cache Created", "Cache Updated", ... (EventBridge event reference); "Cache Updated" is the one
//   that can follow a primary change. Its detail names the resource in SourceIdentifier (the group,
//   or a member cluster such as "<group>-001") and SourceArn.
// - CloudWatch alarm state changes (source "aws.cloudwatch") for an alarm that watches our group:
//   one of its metrics has the dimension ReplicationGroupId = <group> or CacheClusterId = a member.
//   The rule keys on what the alarm measures, not on how it is named.
// - EventBridge scheduled events (source "aws.events"): a periodic reconcile, because ElastiCache
//   delivers its events best effort and node-based clusters announce failovers mainly over SNS.

export interface CacheEventScope {
  region: string;
  accountId: string;
  replicationGroupId: string;
}

/** Source → the detail-types accepted from it; also the EventBridge rule patterns to create. */
export const ACCEPTED_CACHE_EVENTS: Readonly<Record<string, readonly string[]>> = {
  "aws.elasticache": ["Cache Updated"],
  "aws.cloudwatch": ["CloudWatch Alarm State Change"],
  "aws.events": ["Scheduled Event"],
};

// Not a Set: see USABLE_STATUSES in cacheEndpointSync.ts (closure serialization).
const ELASTICACHE_SOURCE_TYPES: readonly string[] = ["replication-group", "cache-cluster"];

export type EventCheck = { ok: true; trigger: string } | { ok: false; reason: string };

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * True for the group itself and its member clusters: "<group>-001" (non-cluster mode) or
 * "<group>-0001-001" (cluster mode). A look-alike group named "<group>-001" would also match;
 * the cost is one harmless reconcile of our own group, never a write for the other one.
 */
export function concernsGroup(identifier: string, replicationGroupId: string): boolean {
  const member = new RegExp(`^${escapeRegExp(replicationGroupId)}(-\\d{4})?(-\\d{3})?$`);
  return member.test(identifier);
}

function checkElastiCacheDetail(detail: Json, scope: CacheEventScope): EventCheck {
  const { SourceIdentifier, SourceType, SourceArn } = detail;
  if (typeof SourceIdentifier !== "string") {
    return { ok: false, reason: "detail.SourceIdentifier missing or not a string" };
  }
  if (SourceType !== undefined && typeof SourceType !== "string") {
    return { ok: false, reason: "detail.SourceType is not a string" };
  }
  if (typeof SourceType === "string" && !ELASTICACHE_SOURCE_TYPES.includes(SourceType)) {
    return { ok: false, reason: `detail.SourceType "${SourceType}" is not a group or cluster` };
  }
  if (SourceArn !== undefined) {
    const expected = `arn:aws:elasticache:${scope.region}:${scope.accountId}:`;
    if (typeof SourceArn !== "string" || !SourceArn.startsWith(expected)) {
      return { ok: false, reason: `detail.SourceArn ${JSON.stringify(SourceArn)} is not ours` };
    }
  }
  if (!concernsGroup(SourceIdentifier, scope.replicationGroupId)) {
    return {
      ok: false,
      reason: `event concerns "${SourceIdentifier}", not replication group ${scope.replicationGroupId}`,
    };
  }
  return { ok: true, trigger: `elasticache:${SourceIdentifier}` };
}

/** The dimension maps of every metric an alarm evaluates (single metric or metric math). */
function alarmDimensions(configuration: unknown): Json[] {
  if (!isRecord(configuration) || !Array.isArray(configuration.metrics)) return [];
  const found: Json[] = [];
  for (const query of configuration.metrics) {
    if (!isRecord(query) || !isRecord(query.metricStat)) continue;
    const metric = query.metricStat.metric;
    if (isRecord(metric) && isRecord(metric.dimensions)) found.push(metric.dimensions);
  }
  return found;
}

function checkAlarmDetail(detail: Json, scope: CacheEventScope): EventCheck {
  const { alarmName, state, configuration } = detail;
  if (typeof alarmName !== "string") {
    return { ok: false, reason: "detail.alarmName missing or not a string" };
  }
  if (!isRecord(state) || typeof state.value !== "string") {
    return { ok: false, reason: "detail.state.value missing or not a string" };
  }
  const watchesGroup = alarmDimensions(configuration).some(
    (d) =>
      d.ReplicationGroupId === scope.replicationGroupId ||
      (typeof d.CacheClusterId === "string" &&
        concernsGroup(d.CacheClusterId, scope.replicationGroupId)),
  );
  if (!watchesGroup) {
    return {
      ok: false,
      reason: `alarm "${alarmName}" does not watch replication group ${scope.replicationGroupId}`,
    };
  }
  return { ok: true, trigger: `alarm:${alarmName}:${state.value}` };
}

/** Validates the envelope (types, source, detail-type, account, region), then the detail. */
export function checkCacheEvent(event: unknown, scope: CacheEventScope): EventCheck {
  if (!isRecord(event)) return { ok: false, reason: "event is not an object" };
  const { source, account, region, detail } = event;
  const detailType = event["detail-type"];
  if (typeof source !== "string") return { ok: false, reason: "source missing or not a string" };
  const acceptedTypes = ACCEPTED_CACHE_EVENTS[source];
  if (acceptedTypes === undefined) return { ok: false, reason: `unexpected source "${source}"` };
  if (typeof detailType !== "string" || !acceptedTypes.includes(detailType)) {
    return { ok: false, reason: `unexpected detail-type ${JSON.stringify(detailType)}` };
  }
  if (account !== scope.accountId) {
    return { ok: false, reason: `foreign account ${JSON.stringify(account)}` };
  }
  if (region !== scope.region)
    return { ok: false, reason: `other region ${JSON.stringify(region)}` };
  if (!isRecord(detail)) return { ok: false, reason: "detail missing or not an object" };
  switch (source) {
    case "aws.elasticache":
      return checkElastiCacheDetail(detail, scope);
    case "aws.cloudwatch":
      return checkAlarmDetail(detail, scope);
    default:
      return { ok: true, trigger: "schedule" };
  }
}
