// Failback, part 1: is every tier replicating towards the target (the standby-to-be)? One verdict
// per tier, from read calls only: converged, fixable by this run (media), or blocking until a
// human does the printed steps (database; a cache outside the Global Datastore).
import type { CacheState } from "../functions/region/steps/cache";
import type { DatabaseState } from "../functions/region/steps/database";
import { observeCache, observeDatabase } from "../functions/region/steps";
import type { RegionFailoverSettings } from "../functions/region/settings";
import type { Run } from "./context";
import { Refused } from "./errors";
import { databaseRebuildSteps } from "./failbackManual";
import { observeMediaTowards, type MediaConvergence, type MediaEnds } from "./mediaReplication";
import { observe, type Observed } from "./observe";
import type { Prepared } from "./switchover";
import { stackInRegion } from "./topology";

/**
 * ok: replicating towards the target; auto: this run fixes it (after the confirmation); accept:
 * cannot replicate, its loss is accepted at the confirmation; manual: blocks until a human does
 * the printed steps; wait: blocks until AWS finishes something, rerun later.
 */
export type TierStatus = "ok" | "auto" | "accept" | "manual" | "wait";

export interface TierVerdict {
  tier: string;
  status: TierStatus;
  detail: string;
  manual: string[];
}

export const blocks = (t: TierVerdict) => t.status === "manual" || t.status === "wait";

export interface Convergence {
  tiers: TierVerdict[];
  media?: { ends: MediaEnds; state: MediaConvergence };
  /** The target's cache is a primary nothing replicates into (after an unplanned failover). */
  cacheWasDetached: boolean;
}

export async function observeConvergence(run: Run, prepared: Prepared): Promise<Convergence> {
  const { deps } = run;
  const target = prepared.target.settings;
  const activeStack = stackInRegion(deps.topology, prepared.fromRegion);
  if (!activeStack) {
    throw new Refused(
      `no stack file deploys the active region ${prepared.fromRegion}`,
      "check Pulumi.*.yaml",
    );
  }
  const active = await deps.settings.settingsFor(activeStack);
  const timeout = deps.timings.observeTimeoutMs;
  const [database, cache] = await Promise.all([
    observe("database", timeout, target, prepared.clients, observeDatabase),
    observe("cache", timeout, target, prepared.clients, observeCache),
  ]);
  const tiers = [databaseVerdict(database, target, active), cacheVerdict(cache, target)];
  let media: Convergence["media"];
  if (target.media && active.media) {
    const ends: MediaEnds = {
      source: {
        region: active.localRegion,
        fileSystemId: active.media.fileSystemId,
        clients: deps.aws.regional(active.localRegion, active),
      },
      target: {
        region: target.localRegion,
        fileSystemId: target.media.fileSystemId,
        clients: prepared.clients,
      },
    };
    const state = await observeMediaTowards(ends);
    media = { ends, state };
    tiers.push(mediaVerdict(state));
  }
  const cacheWasDetached = cache.ok && cache.value.role === "primary";
  return { tiers, media, cacheWasDetached };
}

function unreadable(tier: string, error: string): TierVerdict {
  return { tier, status: "manual", detail: `unreadable: ${error}`, manual: [] };
}

function databaseVerdict(
  observed: Observed<DatabaseState>,
  target: RegionFailoverSettings,
  active: RegionFailoverSettings,
): TierVerdict {
  if (!observed.ok) return unreadable("database", observed.error);
  const db = observed.value;
  const activeDb = `arn:aws:rds:${active.localRegion}:${active.accountId}:db:${active.database.instanceId}`;
  const replicaOfActive = db.source === activeDb || db.source === active.database.instanceId;
  const id = target.database.instanceId;
  return {
    tier: "database",
    status: replicaOfActive ? "ok" : "manual",
    detail: replicaOfActive
      ? `${id} replicates ${activeDb} (${db.status})`
      : `${id} is ${db.source ? `a replica of ${db.source}` : "standalone"}, not a replica of ${activeDb}`,
    manual: replicaOfActive ? [] : databaseRebuildSteps(target, activeDb),
  };
}

function cacheVerdict(observed: Observed<CacheState>, target: RegionFailoverSettings): TierVerdict {
  if (!observed.ok) return unreadable("cache", observed.error);
  switch (observed.value.role) {
    case "secondary":
      return {
        tier: "cache",
        status: "ok",
        detail: "Global Datastore secondary: fails over with no loss",
        manual: [],
      };
    case "primary":
      return {
        tier: "cache",
        status: "accept",
        detail:
          "primary of a Global Datastore nothing replicates into (the other side was detached): " +
          "content is stale, accepted at the confirmation",
        manual: [],
      };
    case "standalone":
      return {
        tier: "cache",
        status: "manual",
        detail: "standalone: not in the Global Datastore",
        manual: [
          `cache: rejoin ${target.cache.replicationGroupId} to ${target.cache.globalReplicationGroupId} (README runbook, "After a failback")`,
        ],
      };
  }
}

function mediaVerdict(state: MediaConvergence): TierVerdict {
  return {
    tier: "media",
    status: state.state === "replicating" ? "ok" : state.state === "deleting" ? "wait" : "auto",
    detail:
      state.state === "missing"
        ? `${state.detail}: this run starts it (after the confirmation)`
        : state.detail,
    manual:
      state.state === "deleting"
        ? ["media: EFS finishes deleting a replication within minutes; rerun failback then"]
        : [],
  };
}
