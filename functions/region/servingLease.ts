// The promoting side of the serving lease (authority.ts): an unplanned promotion waits until the
// old region's serving lease has run out (plus the skew allowance) before it takes the authority
// lease, so the old region's instances have stopped taking writes (they fail closed when they
// cannot confirm the lease: components/bootstrap/magento-dr.sh) before this region starts.
// The take's condition enforces the same rule atomically; this wait only avoids a refused take.
import { SERVING_SKEW_MS, type AuthorityRecord, type AuthorityStore } from "./authority";
import { sleep } from "./deadline";
import type { Logger } from "./log";

export type ServingWait =
  { ok: true; record: AuthorityRecord; waitedMs: number } | { ok: false; reason: string };

/** Epoch ms from which `targetRegion` may take over, or 0 when it may now. */
export function servingFreeAt(record: AuthorityRecord, targetRegion: string): number {
  if (!record.servingRegion || record.servingRegion === targetRegion) return 0;
  return (record.servingExpiresAt ?? 0) + SERVING_SKEW_MS;
}

export async function awaitServingLeaseExpiry(options: {
  authority: AuthorityStore;
  current: AuthorityRecord;
  targetRegion: string;
  now: () => number;
  /** Longest real wait: a serving lease still renewed after it means the old region is alive. */
  maxWaitMs: number;
  log: Logger;
  pollMs?: number;
}): Promise<ServingWait> {
  const { authority, targetRegion, now, log } = options;
  const started = Date.now();
  let record = options.current;
  for (;;) {
    const freeAt = servingFreeAt(record, targetRegion);
    const remaining = freeAt - now();
    if (remaining <= 0) return { ok: true, record, waitedMs: Date.now() - started };
    const waited = Date.now() - started;
    if (waited >= options.maxWaitMs) {
      return {
        ok: false,
        reason:
          `${record.servingRegion} still holds its serving lease (until ` +
          `${new Date(record.servingExpiresAt ?? 0).toISOString()}): its fence keeps renewing it, ` +
          `so it is not cut off; promoting now would make two writers`,
      };
    }
    log.info("serving-lease-wait", {
      servingRegion: record.servingRegion,
      servingExpiresAt: record.servingExpiresAt,
      remainingMs: remaining,
    });
    await sleep(Math.min(remaining, options.pollMs ?? 5_000, options.maxWaitMs - waited));
    record = await authority.read();
  }
}
