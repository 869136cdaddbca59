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
import { backoffMs, DeadlineExceeded, sleep, withDeadline } from "../deadline";
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
    const waitWritable = (within: StepContext) =>
      pollUntil(within, () => observeCache(within), writable);
    if (await tryFailover(ctx)) {
      if (ctx.mode === "planned") {
        const after = await waitWritable(ctx);
        return { outcome: "done", detail: `failed over; local group is ${after.role}` };
      }
      // Unplanned: an accepted failover can still hang on an impaired (not fully dead) primary.
      // Give it half the step's deadline, then detach instead of waiting out the whole deadline.
      try {
        const after = await withDeadline(
          "cache-failover-wait",
          Math.floor(ctx.settings.deadlines.cacheMs / 2),
          (signal) => waitWritable({ ...ctx, signal }),
          ctx.signal,
        );
        return { outcome: "done", detail: `failed over; local group is ${after.role}` };
      } catch (error) {
        if (!(error instanceof DeadlineExceeded && error.label === "cache-failover-wait"))
          throw error;
        ctx.log.warn("cache-failover-stuck", { detail: "detaching the local group instead" });
      }
    } else if (ctx.mode === "planned") {
      throw new Error(
        `Global Datastore refused failover ${ctx.settings.retry.cacheFailoverAttempts} times; ` +
          "a planned switchover does not detach the cache",
      );
    }
    const { globalReplicationGroupId, replicationGroupId } = ctx.settings.cache;
    try {
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
    } catch (error) {
      // Refused while the datastore is busy (the failover still running): keep observing;
      // whichever finishes first makes the local group writable.
      if (!isError(error, ...INVALID_STATE)) throw error;
      ctx.log.warn("cache-disassociate-refused", { error: (error as Error).name });
    }
    const after = await waitWritable(ctx);
    return { outcome: "done", detail: `disassociated; local group is ${after.role}` };
  },
};
