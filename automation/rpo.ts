// The RPO as the operator CLI decides it: the loss window measured by the RPO heartbeat (the
// standby's reader function, docs/rpo.md) decides for the database, with the orchestrator's own
// code (functions/region/lossWindow.ts); the database's lag metric is then a secondary signal,
// the cache's lag still decides for the cache. One difference, on purpose: a window the CLI
// cannot read (the reader failed, timed out, was denied, found no beat) falls back to the lag
// metric, which then decides as it does for a stack without a reader (unknown lag = over), where
// the orchestrator refuses outright. An operator is in the loop here and sees which signal
// decided and why.
import type { RegionalClients } from "../functions/region/clients";
import { lagVerdict } from "../functions/region/lag";
import {
  invokedLossWindowReader,
  measureLossWindow,
  rpoVerdict,
  type LossWindow,
  type LossWindowReader,
  type RpoVerdict,
} from "../functions/region/lossWindow";
import type { RegionFailoverSettings } from "../functions/region/settings";
import type { TierReading } from "./lag";

/** The stack's heartbeat reader (its `heartbeatReaderFunctionName` output), if it deploys one. */
export function lossWindowReader(
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  now: () => number,
): LossWindowReader | undefined {
  return settings.heartbeat
    ? invokedLossWindowReader(clients.lambda, settings.heartbeat.readerFunctionName, now)
    : undefined;
}

/**
 * The loss window of `fromRegion` on the replica of `settings`' stack, bounded like the
 * orchestrator's (deadlines.lossWindowMs); a failed read is an unknown window, never a throw.
 * Undefined when the stack has no reader (the home stack).
 */
export async function readLossWindow(
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  fromRegion: string,
  now: () => number,
): Promise<LossWindow | undefined> {
  const reader = lossWindowReader(settings, clients, now);
  return reader && measureLossWindow(reader, fromRegion, settings.deadlines.lossWindowMs, now);
}

/**
 * The RPO gate on what the CLI read: the window and the RPO tiers' lag (database, cache; media
 * has its own 15-minute budget and is judged apart, as the step library's gate never reads it).
 */
export function cliRpoVerdict(
  lossWindow: LossWindow | undefined,
  lag: TierReading[],
  budgetSeconds: number,
): RpoVerdict {
  const rpoTiers = lag.filter((r) => r.tier !== "media");
  return rpoVerdict(lossWindow, lagVerdict(rpoTiers, budgetSeconds), budgetSeconds, "lag-decides");
}

/**
 * Why a planned switchover would be refused on data grounds (the RPO gate, and media against its
 * own budget), or undefined when it holds.
 */
export function rpoRefusal(
  lossWindow: LossWindow | undefined,
  lag: TierReading[],
  budgetSeconds: number,
): string | undefined {
  const rpo = cliRpoVerdict(lossWindow, lag, budgetSeconds);
  const reasons = [
    ...(rpo.withinBudget ? [] : [rpo.reason]),
    ...lag
      .filter((r) => r.tier === "media" && !r.withinBudget)
      .map((r) => `media ${r.detail} (budget ${r.budgetSeconds} s)`),
  ];
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

/** One line for the operator: the window against the budget, or why it is not known. */
export function formatLossWindow(
  lossWindow: LossWindow | undefined,
  budgetSeconds: number,
): string {
  if (!lossWindow) {
    return "loss window not measured: this stack deploys no heartbeat reader (the lag metric decides)";
  }
  if (lossWindow.seconds === undefined) {
    return `loss window UNKNOWN, falling back to the lag metric: ${lossWindow.detail}`;
  }
  const verdict = lossWindow.seconds <= budgetSeconds ? "ok" : "OVER BUDGET";
  return `loss window ${lossWindow.seconds} s  budget ${budgetSeconds} s  ${verdict}  (${lossWindow.detail})`;
}

/** "up to 40 s (heartbeat)" or "unknown": what an unplanned failover would lose. */
export function lossWindowShort(lossWindow: LossWindow | undefined): string | undefined {
  if (!lossWindow) return undefined;
  return lossWindow.seconds === undefined
    ? "loss window unknown (heartbeat unread)"
    : `writes after ${lossWindow.heartbeatAt} (loss window ${lossWindow.seconds} s, measured)`;
}
