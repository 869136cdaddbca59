// The promotion steps and the order they run in.
//
// The critical path ends when the shop takes orders: the database is writable and the app tier
// can serve, then the endpoints step points Magento here and turns maintenance off. Steps in one
// phase are independent and run in parallel; a phase starts only when every step of the previous
// one succeeded. Everything else is a track (tracksFor): it starts with the run, or after the
// critical step it needs, runs under its own deadline, and alarms and pages on its own when it
// fails, without ever holding the shop in maintenance.
//
// Unplanned failover: the old region is down and, from the moment the lease was taken, fenced
// (its instances read the authority record and go into maintenance). Nothing is gained by holding
// traffic back, so the region gate trips in the first phase, alongside the database: Route 53's
// health checks and the record TTL then run concurrently with the database promotion. The cache
// is a track (Magento runs on its fallback cache until it is writable), as are media and the
// capacity beyond what serving needs.
// Planned switchover: the old region still serves correctly, so traffic moves last, once the data
// tier is promoted (the cache too: a planned switchover swaps its roles, it never falls back),
// the endpoints point here and the app tier serves.
// Search is a track of its own (steps/search.ts): nothing waits for it, and a failure there never
// keeps the shop in maintenance.
import type { PromotionMode } from "./authority";
import { cacheStep, repointCache } from "./steps/cache";
import { appTierStep, capacityStep } from "./steps/capacity";
import type { PromotionStep, PromotionTrack } from "./steps/context";
import { databaseStep } from "./steps/database";
import { endpointsStep } from "./steps/endpoints";
import { gateStep } from "./steps/gate";
import { mediaStep } from "./steps/media";
import { searchStep } from "./steps/search";

export type { PromotionStep, PromotionTrack, StepContext, StepResult } from "./steps/context";
export {
  cacheStep,
  cacheWritable,
  CACHE_FALLBACK_HOST,
  observeCache,
  pointCacheHere,
  repointCache,
} from "./steps/cache";
export { appTierStep, capacityStep, observeCapacity, servingInstances } from "./steps/capacity";
export { databaseStep, observeDatabase } from "./steps/database";
export { endpointsStep } from "./steps/endpoints";
export { gateStep, gateMetricCommand, publishGate, GATE_CLOSED_VALUE } from "./steps/gate";
export { mediaStep, mediaWritable, observeMedia } from "./steps/media";
export { notify } from "./steps/notify";
export { searchStep } from "./steps/search";

export const ALL_STEPS: PromotionStep[] = [
  cacheStep,
  databaseStep,
  mediaStep,
  appTierStep,
  capacityStep,
  endpointsStep,
  gateStep,
  searchStep,
];

/** The critical path, phase by phase. */
export function phasesFor(mode: PromotionMode): PromotionStep[][] {
  if (mode === "unplanned") {
    return [[databaseStep, appTierStep, gateStep], [endpointsStep]];
  }
  return [[cacheStep, databaseStep, appTierStep], [endpointsStep], [gateStep]];
}

const CACHE_TRACK: PromotionTrack = {
  step: cacheStep,
  onShopReady: repointCache,
  whenFailed:
    "the cache is not writable: Magento runs on its local file cache and database sessions " +
    "(slower, per-instance caches); the next run retries the failover, then the detach, and " +
    "points Magento back at the cache once it is writable",
};
const MEDIA_TRACK: PromotionTrack = {
  step: mediaStep,
  whenFailed:
    "the media file system is still read-only (replication overwrite protection not ENABLED), " +
    "or writable without automatic backups (the error says which): uploads fail while it is " +
    "read-only, existing media is served; the next run retries",
};
const SEARCH_TRACK: PromotionTrack = {
  step: searchStep,
  whenFailed:
    "search still follows the old region or its indices are not ready: the catalog search and " +
    "layered navigation are degraded, checkout works; the next run retries (docs/search.md)",
};
const CAPACITY_TRACK: PromotionTrack = {
  step: capacityStep,
  startsAfter: "app-tier",
  whenFailed:
    "the app tier serves with fewer instances than desired; the next run keeps raising it",
};

/** The tracks: off the critical path, each with its own deadline, alarm and notice. */
export function tracksFor(mode: PromotionMode): PromotionTrack[] {
  return mode === "unplanned"
    ? [CACHE_TRACK, MEDIA_TRACK, CAPACITY_TRACK, SEARCH_TRACK]
    : // Planned: the replication keeps copying until the database is promoted (after the CLI's
      // quiesce), so media written just before the fence is not cut off.
      // Search likewise: its follower indices copy until the database is promoted.
      [
        { ...MEDIA_TRACK, startsAfter: "database" },
        CAPACITY_TRACK,
        { ...SEARCH_TRACK, startsAfter: "database" },
      ];
}
