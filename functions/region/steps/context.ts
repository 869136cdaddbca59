// What every promotion step receives, and the retry/poll helpers they share. Steps observe
// before they act, so running one twice, or after a run that died half-way, is always safe.
import type { RegionalClients } from "../clients";
import type { PromotionMode } from "../authority";
import type { Logger } from "../log";
import type { RegionFailoverSettings } from "../settings";
import { backoffMs, sleep } from "../deadline";
import { isThrottling } from "../errors";

export interface StepContext {
  settings: RegionFailoverSettings;
  /** Clients of the local region only: steps have no way to reach another region. */
  clients: RegionalClients;
  mode: PromotionMode;
  /** The lease epoch this run holds; written to SSM so instances reconnect exactly once per epoch. */
  epoch: number;
  /** Fires at the step's deadline or when the whole run is cancelled. */
  signal: AbortSignal;
  /** Epoch milliseconds at which `signal` fires for the deadline. */
  deadlineAt: number;
  log: Logger;
}

export interface StepResult {
  /** The last two are degraded successes: the promotion completes, an alarm or page follows. */
  outcome: "done" | "already-done" | "capacity-not-reached" | "reindex-requested";
  detail: string;
}

export interface PromotionStep {
  name: string;
  deadlineMs(settings: RegionFailoverSettings): number;
  run(ctx: StepContext): Promise<StepResult>;
}

/**
 * A step off the critical path: it starts with the run (or once the critical step named by
 * `startsAfter` succeeded), runs under its own deadline, and never holds maintenance on. When it
 * fails, the run publishes the track alarm metric (dimension Track = its name) and sends a notice
 * saying `whenFailed`. Adding a track is one entry in tracksFor() (steps.ts).
 */
export interface PromotionTrack {
  step: PromotionStep;
  startsAfter?: string;
  /** What the shop runs on meanwhile and what happens next: the notice's text. */
  whenFailed: string;
  /**
   * Runs once the step succeeded and the shop is ready (never racing the endpoints step), under
   * the endpoints deadline; returns what it did, for the record. The cache track points Magento
   * back at the writable group here.
   */
  onShopReady?: (ctx: StepContext) => Promise<string | undefined>;
}

/** Calls `fn` again after a backoff while AWS throttles it; any other error propagates. */
export async function retryThrottled<T>(ctx: StepContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      const delay = backoffMs(
        attempt,
        ctx.settings.retry.baseDelayMs,
        ctx.settings.retry.maxDelayMs,
      );
      ctx.log.warn("throttled", { attempt, delayMs: delay });
      await sleep(delay, ctx.signal);
    }
  }
}

/**
 * Observes until `isDone` holds, pausing with backoff between observations. Returns the last
 * observation; the step's signal ends the wait (with the deadline error) if it never holds.
 */
export async function pollUntil<T>(
  ctx: StepContext,
  observe: () => Promise<T>,
  isDone: (state: T) => boolean,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const state = await retryThrottled(ctx, observe);
    if (isDone(state)) return state;
    await sleep(
      backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
      ctx.signal,
    );
  }
}

export const callOptions = (ctx: StepContext) => ({ abortSignal: ctx.signal });
