// Global Datastore: make the local replication group writable. A track, off the critical path:
// the shop takes orders on its fallback cache (endpoints.ts) while this runs.
//
// Planned: FailoverGlobalReplicationGroup (the datastore stays global, roles swap); a refusal
// stops the step and leaves the decision to people: a planned switchover never detaches.
// Unplanned:
//  1. FailoverGlobalReplicationGroup: up to `retry.cacheFailoverAttempts` tries while it answers
//     InvalidGlobalReplicationGroupState, up to `retry.cacheFailoverErrorAttempts` while it
//     answers anything else (a 5xx such as InternalFailure, a timeout, an access error). Only a
//     validation error (a bad request, which neither a retry nor a detach can fix) fails the
//     step at once.
//  2. An accepted failover gets half the step's deadline to make the local group primary.
//  3. Otherwise DisassociateGlobalReplicationGroup detaches the local group as a standalone,
//     writable group. "Only one modify operation can be in progress on a global datastore, with
//     the exception of promoting a secondary" (ElastiCache User Guide, "Modifying a global
//     datastore"): while an accepted failover is still modifying the datastore, the detach is
//     refused, so it is asked again after each pause until one of the two makes the group
//     writable or the deadline ends the step.
// Once the group is writable and the shop is ready, Magento is pointed back at it (endpoints.ts).
// At the deadline the step fails: the run alarms and pages, Magento stays on its fallback cache,
// and the next run tries again.
import { GetParametersCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import {
  DescribeReplicationGroupsCommand,
  DisassociateGlobalReplicationGroupCommand,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { backoffMs, DeadlineExceeded, sleep, withDeadline } from "../deadline";
import { errorName, isError } from "../errors";
import {
  callOptions,
  pollUntil,
  retryThrottled,
  type PromotionStep,
  type StepContext,
} from "./context";

/** The cache host that tells the renderer to run Magento on its local file cache and database
 * sessions (components/bootstrap/render-env.php): the shop's fallback while no group is writable. */
export const CACHE_FALLBACK_HOST = "local";

export type CacheRole = "primary" | "secondary" | "standalone";

export interface CacheState {
  role: CacheRole;
  status: string;
  primaryEndpoint?: string;
}

/** The documented refusal while the datastore is not available (API Reference,
 * FailoverGlobalReplicationGroup, Errors): retried up to retry.cacheFailoverAttempts. */
const INVALID_STATE = [
  "InvalidGlobalReplicationGroupStateFault",
  "InvalidGlobalReplicationGroupState",
];

/** Errors that say the request itself is wrong (ElastiCache API Reference, "Common Errors" and
 * each action's Errors): retrying or detaching instead cannot fix them. */
export const CACHE_VALIDATION_ERRORS = [
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "InvalidParameterCombination",
  "InvalidParameterCombinationException",
  "MissingParameter",
  "ValidationError",
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

export const cacheWritable = (s: CacheState) => s.role !== "secondary" && s.status === "available";

const pause = (ctx: StepContext, attempt: number) =>
  sleep(
    backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
    ctx.signal,
  );

/** Returns "accepted", "writable" (a previous run's request finished meanwhile) or "refused". */
async function tryFailover(ctx: StepContext): Promise<"accepted" | "writable" | "refused"> {
  const { globalReplicationGroupId, replicationGroupId } = ctx.settings.cache;
  const { cacheFailoverAttempts, cacheFailoverErrorAttempts } = ctx.settings.retry;
  let errors = 0;
  for (let attempt = 0; attempt < cacheFailoverAttempts; attempt++) {
    try {
      await ctx.clients.elastiCache.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: globalReplicationGroupId,
          PrimaryRegion: ctx.clients.region,
          PrimaryReplicationGroupId: replicationGroupId,
        }),
        callOptions(ctx),
      );
      return "accepted";
    } catch (error) {
      if (isError(error, ...CACHE_VALIDATION_ERRORS)) throw error;
      // The step's own deadline is not a refusal: let it end the step.
      if (ctx.signal.aborted) throw error;
      ctx.log.warn("cache-failover-refused", { attempt, error: errorName(error) });
      if (!isError(error, ...INVALID_STATE) && ++errors >= cacheFailoverErrorAttempts) break;
      if (attempt + 1 < cacheFailoverAttempts) {
        await pause(ctx, attempt);
        if (cacheWritable(await retryThrottled(ctx, () => observeCache(ctx)))) return "writable";
      }
    }
  }
  return "refused";
}

/** Asks to detach until the local group is writable; a refusal is observed again after a pause. */
async function detachUntilWritable(ctx: StepContext): Promise<CacheState> {
  const { globalReplicationGroupId, replicationGroupId } = ctx.settings.cache;
  for (let attempt = 0; ; attempt++) {
    const state = await retryThrottled(ctx, () => observeCache(ctx));
    if (cacheWritable(state)) return state;
    if (state.role === "secondary") {
      try {
        await ctx.clients.elastiCache.send(
          new DisassociateGlobalReplicationGroupCommand({
            GlobalReplicationGroupId: globalReplicationGroupId,
            ReplicationGroupId: replicationGroupId,
            ReplicationGroupRegion: ctx.clients.region,
          }),
          callOptions(ctx),
        );
        ctx.log.info("cache-disassociate-accepted", { attempt });
      } catch (error) {
        if (isError(error, ...CACHE_VALIDATION_ERRORS) || ctx.signal.aborted) throw error;
        // Refused while the datastore is modifying (the failover still running), or a transient
        // error: whichever request finishes first makes the local group writable.
        ctx.log.warn("cache-disassociate-refused", { attempt, error: errorName(error) });
      }
    }
    await pause(ctx, attempt);
  }
}

async function writableGroup(ctx: StepContext): Promise<{ state: CacheState; how: string }> {
  const before = await retryThrottled(ctx, () => observeCache(ctx));
  if (before.role !== "secondary") {
    const state = await pollUntil(ctx, () => observeCache(ctx), cacheWritable);
    return { state, how: "already" };
  }
  const waitWritable = (within: StepContext) =>
    pollUntil(within, () => observeCache(within), cacheWritable);
  const failover = await tryFailover(ctx);
  if (failover === "writable") return { state: await waitWritable(ctx), how: "failed over" };
  if (failover === "accepted") {
    if (ctx.mode === "planned") return { state: await waitWritable(ctx), how: "failed over" };
    // Unplanned: an accepted failover can hang on an impaired (not fully dead) primary.
    try {
      const state = await withDeadline(
        "cache-failover-wait",
        Math.floor(ctx.settings.deadlines.cacheMs / 2),
        (signal) => waitWritable({ ...ctx, signal }),
        ctx.signal,
      );
      return { state, how: "failed over" };
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
  return { state: await detachUntilWritable(ctx), how: "disassociated" };
}

/**
 * Points Magento's cache parameter at the local group once it is writable. Returns true when it
 * wrote (Magento was on its fallback). Only the cache track calls this (repointCache), after the shop is ready,
 * so it never races the endpoints step.
 */
export async function pointCacheHere(ctx: StepContext, state: CacheState): Promise<boolean> {
  const name = ctx.settings.parameters.cachePrimary;
  if (!cacheWritable(state) || !state.primaryEndpoint) return false;
  const current = await retryThrottled(ctx, () =>
    ctx.clients.ssm.send(new GetParametersCommand({ Names: [name] }), callOptions(ctx)),
  );
  if (current.Parameters?.[0]?.Value === state.primaryEndpoint) return false;
  await retryThrottled(ctx, () =>
    ctx.clients.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: state.primaryEndpoint,
        Type: "String",
        Overwrite: true,
      }),
      callOptions(ctx),
    ),
  );
  ctx.log.info("cache-repointed", { host: state.primaryEndpoint });
  return true;
}

export const cacheStep: PromotionStep = {
  name: "cache",
  deadlineMs: (s) => s.deadlines.cacheMs,
  async run(ctx) {
    const { state, how } = await writableGroup(ctx);
    return {
      outcome: how === "already" ? "already-done" : "done",
      detail: `${how === "already" ? "local group was already" : `${how}; local group is`} ${state.role}`,
    };
  },
};

/** The cache track's last move, once the shop is ready: Magento back on the writable group. */
export async function repointCache(ctx: StepContext): Promise<string | undefined> {
  const state = await retryThrottled(ctx, () => observeCache(ctx));
  return (await pointCacheHere(ctx, state)) ? "Magento pointed back at it" : undefined;
}
