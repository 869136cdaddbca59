// Global Datastore: make the local replication group writable.
// Planned: FailoverGlobalReplicationGroup (the datastore stays global, roles swap).
// Unplanned: the same call first, retried a bounded number of times while ElastiCache answers
// InvalidGlobalReplicationGroupState (the datastore is not "available" when its primary region is
// down); then DisassociateGlobalReplicationGroup, which detaches the local group as a standalone,
// writable group. A planned switchover never detaches: it fails and leaves the decision to people.
import {
  DescribeReplicationGroupsCommand,
  DisassociateGlobalReplicationGroupCommand,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { backoffMs, sleep } from "../deadline";
import { isError, isThrottling } from "../errors";
import {
  callOptions,
  pollUntil,
  retryThrottled,
  type PromotionStep,
  type StepContext,
} from "./context";

export type CacheRole = "primary" | "secondary" | "standalone";

export interface CacheState {
  role: CacheRole;
  status: string;
  primaryEndpoint?: string;
}

const INVALID_STATE = [
  "InvalidGlobalReplicationGroupStateFault",
  "InvalidGlobalReplicationGroupState",
];

/** The local group's own view of its role: readable even when the other region is gone. */
export async function observeCache(ctx: StepContext): Promise<CacheState> {
  const out = await ctx.clients.elastiCache.send(
    new DescribeReplicationGroupsCommand({
      ReplicationGroupId: ctx.settings.cache.replicationGroupId,
    }),
    callOptions(ctx),
  );
  const group = out.ReplicationGroups?.[0];
  if (!group)
    throw new Error(`replication group ${ctx.settings.cache.replicationGroupId} not found`);
  const info = group.GlobalReplicationGroupInfo;
  const role: CacheRole = !info?.GlobalReplicationGroupId
    ? "standalone"
    : info.GlobalReplicationGroupMemberRole?.toUpperCase() === "PRIMARY"
      ? "primary"
      : "secondary";
  return {
    role,
    status: group.Status ?? "unknown",
    primaryEndpoint: group.NodeGroups?.[0]?.PrimaryEndpoint?.Address,
  };
}

const writable = (s: CacheState) => s.role !== "secondary" && s.status === "available";

async function tryFailover(ctx: StepContext): Promise<boolean> {
  const { globalReplicationGroupId, replicationGroupId } = ctx.settings.cache;
  const attempts = ctx.settings.retry.cacheFailoverAttempts;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      await ctx.clients.elastiCache.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: globalReplicationGroupId,
          PrimaryRegion: ctx.clients.region,
          PrimaryReplicationGroupId: replicationGroupId,
        }),
        callOptions(ctx),
      );
      return true;
    } catch (error) {
      if (!isError(error, ...INVALID_STATE) && !isThrottling(error)) throw error;
      ctx.log.warn("cache-failover-refused", { attempt, error: (error as Error).name });
      if (attempt + 1 < attempts) {
        await sleep(
          backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
          ctx.signal,
        );
        // A previous run's failover may have finished meanwhile.
        if (writable(await retryThrottled(ctx, () => observeCache(ctx)))) return true;
      }
    }
  }
  return false;
}

export const cacheStep: PromotionStep = {
  name: "cache",
  deadlineMs: (s) => s.deadlines.cacheMs,
  async run(ctx) {
    const before = await retryThrottled(ctx, () => observeCache(ctx));
    if (before.role !== "secondary") {
      const after = await pollUntil(ctx, () => observeCache(ctx), writable);
      return { outcome: "already-done", detail: `local group is ${after.role}` };
    }
    let action = "failed over";
    if (!(await tryFailover(ctx))) {
      if (ctx.mode === "planned") {
        throw new Error(
          `Global Datastore refused failover ${ctx.settings.retry.cacheFailoverAttempts} times; ` +
            "a planned switchover does not detach the cache",
        );
      }
      action = "disassociated";
      const { globalReplicationGroupId, replicationGroupId } = ctx.settings.cache;
      await retryThrottled(ctx, () =>
        ctx.clients.elastiCache.send(
          new DisassociateGlobalReplicationGroupCommand({
            GlobalReplicationGroupId: globalReplicationGroupId,
            ReplicationGroupId: replicationGroupId,
            ReplicationGroupRegion: ctx.clients.region,
          }),
          callOptions(ctx),
        ),
      );
    }
    const after = await pollUntil(ctx, () => observeCache(ctx), writable);
    return { outcome: "done", detail: `${action}; local group is ${after.role}` };
  },
};
