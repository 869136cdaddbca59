// Keeps Magento's Redis endpoint parameters right after an ElastiCache failover inside the region.
//
// Error contract (the Lambda is invoked asynchronously by EventBridge):
// - an event that fails validation is *rejected*: one log line, no AWS call, no throw. Throwing
//   would make Lambda retry an event that can never become valid.
// - after validation, a failing AWS call *throws*, so Lambda's retries and the on-failure
//   destination see it: the endpoint may really be wrong and a human must know.
// - a group that is not in a usable state is *skipped* without writing; the next event or the
//   scheduled reconcile finishes the job.
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroup,
} from "@aws-sdk/client-elasticache";
import { SSMClient } from "@aws-sdk/client-ssm";
import { clientConfig, lazy } from "./awsClients";
import { checkCacheEvent } from "./cacheEvent";
import { LOG_TIER_FUNCTIONS } from "./contractLog";
import { logEvent } from "./log";
import {
  modifiedAfter,
  bumpEpoch,
  nextEpoch,
  readParameters,
  StoredParameter,
  writeString,
} from "./ssmParameters";

export { ACCEPTED_CACHE_EVENTS } from "./cacheEvent";

export interface CacheSyncSettings {
  region: string;
  accountId: string;
  replicationGroupId: string;
  /** SSM parameter holding the primary endpoint address Magento writes to. */
  primaryParameterName: string;
  /** SSM parameter holding the reader endpoint address. */
  readerParameterName: string;
  /** SSM parameter the instances' endpoint watcher follows; bumped after any endpoint change. */
  epochParameterName: string;
}

export interface CacheSyncDeps {
  elasticache?: ElastiCacheClient;
  ssm?: SSMClient;
}

export type CacheSyncResult =
  | { outcome: "rejected"; reason: string }
  | { outcome: "skipped"; reason: string }
  | { outcome: "unchanged"; primary: string; reader?: string }
  | { outcome: "updated"; primary: string; reader?: string; epoch: string; written: string[] };

export interface GroupEndpoints {
  primary: string;
  /** Absent when the API reports none; the reader parameter is then left alone. */
  reader?: string;
}

// States in which DescribeReplicationGroups reports the group's current endpoints. "modifying"
// and "snapshotting" keep serving traffic on the same endpoints; creating/deleting/failed do not.
// An array, not a Set: Pulumi's closure serialization copies a module-level Set as a plain object
// whose `has` then throws inside the Lambda (the package-execution test catches it).
const USABLE_STATUSES: readonly string[] = ["available", "modifying", "snapshotting"];

/**
 * The endpoints to publish, from a non-cluster-mode group: NodeGroups[0].PrimaryEndpoint and
 * ReaderEndpoint. ConfigurationEndpoint (cluster mode) is deliberately never read.
 */
export function groupEndpoints(
  group: ReplicationGroup | undefined,
  replicationGroupId: string,
): { ok: true; endpoints: GroupEndpoints } | { ok: false; reason: string } {
  if (group === undefined || group.ReplicationGroupId !== replicationGroupId) {
    return { ok: false, reason: `replication group ${replicationGroupId} not in the response` };
  }
  if (group.Status === undefined || !USABLE_STATUSES.includes(group.Status)) {
    return { ok: false, reason: `replication group status is ${JSON.stringify(group.Status)}` };
  }
  const nodeGroups = group.NodeGroups ?? [];
  if (group.ClusterEnabled === true || nodeGroups.length !== 1) {
    return {
      ok: false,
      reason: `cluster mode (${nodeGroups.length} node groups) has no single primary endpoint`,
    };
  }
  const primary = nodeGroups[0].PrimaryEndpoint?.Address;
  if (!primary) return { ok: false, reason: "NodeGroups[0].PrimaryEndpoint.Address is missing" };
  return {
    ok: true,
    endpoints: { primary, reader: nodeGroups[0].ReaderEndpoint?.Address || undefined },
  };
}

export interface SyncPlan {
  writes: { name: string; value: string }[];
  /** The epoch to write after the endpoint parameters, or undefined when no bump is due. */
  epoch?: string;
}

/**
 * What to write, from the desired endpoints and the stored parameters. The epoch is bumped when an
 * endpoint changes, and also when an endpoint parameter is newer than the epoch: a previous run
 * wrote the endpoint and then failed before the bump, so its retry must still finish the job.
 */
export function planSync(
  settings: CacheSyncSettings,
  desired: GroupEndpoints,
  stored: Map<string, StoredParameter>,
): SyncPlan {
  const wanted: [string, string | undefined][] = [
    [settings.primaryParameterName, desired.primary],
    [settings.readerParameterName, desired.reader],
  ];
  const writes = wanted
    .filter(([name, value]) => value !== undefined && stored.get(name)?.value !== value)
    .map(([name, value]) => ({ name, value: value as string }));
  const epoch = stored.get(settings.epochParameterName);
  const bumpPending =
    epoch !== undefined && wanted.some(([name]) => modifiedAfter(stored.get(name), epoch));
  if (writes.length === 0 && !bumpPending) return { writes };
  return { writes, epoch: nextEpoch(settings.epochParameterName, epoch?.value) };
}

function eventId(event: unknown): unknown {
  return typeof event === "object" && event !== null ? (event as { id?: unknown }).id : undefined;
}

/**
 * The Lambda handler. Build it once per container (e.g. in a CallbackFunction's callbackFactory);
 * clients are created on first use with bounded timeouts unless given in `deps` (tests).
 */
export function createCacheEndpointSyncHandler(
  settings: CacheSyncSettings,
  deps: CacheSyncDeps = {},
): (event: unknown) => Promise<CacheSyncResult> {
  const elasticache = lazy(
    () => deps.elasticache ?? new ElastiCacheClient(clientConfig(settings.region)),
  );
  const ssm = lazy(() => deps.ssm ?? new SSMClient(clientConfig(settings.region)));
  const logBase = {
    fn: LOG_TIER_FUNCTIONS.cacheEndpointSync,
    replicationGroupId: settings.replicationGroupId,
  };

  const finish = (result: CacheSyncResult, fields: Record<string, unknown>): CacheSyncResult => {
    const level = result.outcome === "rejected" || result.outcome === "skipped" ? "warn" : "info";
    logEvent({ ...logBase, level, ...fields, ...result });
    return result;
  };

  return async (event: unknown): Promise<CacheSyncResult> => {
    const check = checkCacheEvent(event, settings);
    if (!check.ok) {
      return finish({ outcome: "rejected", reason: check.reason }, { eventId: eventId(event) });
    }
    const context = { eventId: eventId(event), trigger: check.trigger };

    const { ReplicationGroups = [] } = await elasticache().send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: settings.replicationGroupId }),
    );
    const found = groupEndpoints(ReplicationGroups[0], settings.replicationGroupId);
    if (!found.ok) return finish({ outcome: "skipped", reason: found.reason }, context);
    const { primary, reader } = found.endpoints;

    const stored = await readParameters(ssm(), [
      settings.primaryParameterName,
      settings.readerParameterName,
      settings.epochParameterName,
    ]);
    const plan = planSync(settings, found.endpoints, stored);
    if (plan.epoch === undefined) {
      return finish({ outcome: "unchanged", primary, reader }, context);
    }
    // Endpoints first, epoch last: the watcher reloads on the epoch and must see the new values.
    for (const write of plan.writes) await writeString(ssm(), write.name, write.value);
    const epoch = await bumpEpoch(ssm(), settings.epochParameterName, {
      current: stored.get(settings.epochParameterName)?.value,
    });
    const written = plan.writes.map((w) => w.name);
    return finish(
      { outcome: "updated", primary, reader, epoch, written },
      { ...context, previousPrimary: stored.get(settings.primaryParameterName)?.value },
    );
  };
}
