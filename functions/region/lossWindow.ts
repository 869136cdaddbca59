// The RPO, measured: how much of the region being left may be lost. The instances of the active
// region stamp a heartbeat row in its database every 5 s (components/bootstrap/heartbeat.php);
// the newest beat that reached this region's replica bounds what the replica holds: writes after
// it may be lost. The loss window is now minus that beat. It decides the RPO gate; the replica's
// lag metric (lag.ts) is only a secondary signal, recorded beside it: ReplicaLag is apply lag,
// 0 on a slow link and -1 when replication is broken, so it does not bound the loss.
//
// Read by invoking the region's heartbeat reader function (functions/heartbeat/), the only thing
// that reaches the database inside the VPC. What makes the window an over-estimate, never an
// under-estimate: the beat is the source database's clock at the write (UTC_TIMESTAMP), compared
// with this function's clock (both NTP-synchronised by AWS); beats stop when the app tier stops
// (then nothing was written either, yet the window keeps growing); the window is read before the
// replica is promoted, which still applies what it had received.
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { HeartbeatReport } from "../heartbeat/reader";
import { withDeadline } from "./deadline";
import type { LagReading, LagVerdict } from "./lag";

export interface LossWindow {
  source: "heartbeat";
  /** Seconds from the newest replicated beat to the read; undefined when unknown. */
  seconds?: number;
  /** The newest replicated beat of the region being left (ISO 8601, its database's clock). */
  heartbeatAt?: string;
  /** When the window was read (ISO 8601, the orchestrator's clock). */
  measuredAt: string;
  /**
   * The replica's own clock at the read (the reader's `readAt`), when it answered one: the clock
   * a beat can be compared with whatever the reading machine's clock says (the operator CLI's
   * quiesce wait).
   */
  replicaClockAt?: string;
  detail: string;
}

export type LossWindowReader = (fromRegion: string, signal?: AbortSignal) => Promise<LossWindow>;

/** The window from a reader report: the beat of `fromRegion`, or unknown. */
export function lossWindowFrom(
  report: HeartbeatReport,
  fromRegion: string,
  now: number,
): LossWindow {
  const measuredAt = new Date(now).toISOString();
  const clock = report.readAt ? { replicaClockAt: report.readAt } : {};
  const beat = report.beats.find((b) => b.region === fromRegion);
  if (!beat) {
    return {
      source: "heartbeat",
      measuredAt,
      ...clock,
      detail: `no heartbeat of ${fromRegion} on this replica (${report.detail})`,
    };
  }
  const at = Date.parse(beat.beatAt);
  if (Number.isNaN(at)) {
    return {
      source: "heartbeat",
      measuredAt,
      ...clock,
      detail: `unreadable beat time ${beat.beatAt}`,
    };
  }
  // A beat "from the future" is clock skew between the two clocks: the window is then ~0.
  const seconds = Math.max(0, Math.round((now - at) / 100) / 10);
  return {
    source: "heartbeat",
    seconds,
    heartbeatAt: beat.beatAt,
    measuredAt,
    ...clock,
    detail: `newest replicated heartbeat of ${fromRegion} at ${beat.beatAt} (${beat.writer}), ${seconds} s before ${measuredAt}`,
  };
}

/** Invokes the heartbeat reader function; anything but a report is an unknown window. */
export function invokedLossWindowReader(
  lambda: LambdaClient,
  functionName: string,
  now: () => number,
): LossWindowReader {
  return async (fromRegion, signal) => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from("{}") }),
      { abortSignal: signal },
    );
    const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
    if (out.FunctionError) {
      throw new Error(`heartbeat reader failed (${out.FunctionError}): ${text.slice(0, 300)}`);
    }
    const report = JSON.parse(text) as Partial<HeartbeatReport>;
    if (!Array.isArray(report.beats)) {
      throw new Error(`heartbeat reader answered without beats: ${text.slice(0, 200)}`);
    }
    return lossWindowFrom(report as HeartbeatReport, fromRegion, now());
  };
}

export interface RpoVerdict {
  withinBudget: boolean;
  reason: string;
  /** Undefined when no heartbeat reader is configured (the lag metric then decides). */
  lossWindow?: LossWindow;
  /** The lag metrics: the database's is secondary beside a loss window; other tiers' decide. */
  readings: LagReading[];
}

/**
 * The RPO gate. With a loss window, it decides for the database: within budget only when the
 * window is known and at or under the budget (unknown = not shown to hold, the pessimistic side).
 * The database's lag reading is then recorded as a secondary signal, and named in the reason when
 * it disagrees; other tiers' readings (the operator CLI reads the cache's) still each decide.
 * Without a loss window (no reader configured) every lag reading decides, as checkLag does.
 *
 * `unknownWindow: "lag-decides"` is the operator CLI's rule: a window that could not be read
 * (the reader failed, timed out, found no beat) falls back to the lag metric, which then decides
 * exactly as without a reader (unknown lag = over). The orchestrator keeps the default, "refuse":
 * with no human in the loop an unread window is the RPO not shown to hold.
 */
export function rpoVerdict(
  lossWindow: LossWindow | undefined,
  lag: LagVerdict,
  budgetSeconds: number,
  // Stryker disable next-line StringLiteral: any default but "lag-decides" refuses alike.
  unknownWindow: "refuse" | "lag-decides" = "refuse",
): RpoVerdict {
  if (!lossWindow) {
    return {
      withinBudget: lag.withinBudget,
      reason: `${lag.reason} (no RPO heartbeat configured: the lag metric decides)`,
      readings: lag.readings,
    };
  }
  if (lossWindow.seconds === undefined && unknownWindow === "lag-decides") {
    return {
      withinBudget: lag.withinBudget,
      reason: `loss window unknown (${lossWindow.detail}), falling back to the lag metric: ${lag.reason}`,
      lossWindow,
      readings: lag.readings,
    };
  }
  const over = (r: LagReading) => r.seconds === undefined || r.seconds > budgetSeconds;
  const database = lag.readings.filter((r) => r.source === "database");
  const others = lag.readings.filter((r) => r.source !== "database" && over(r));
  const seconds = lossWindow.seconds;
  // An unknown window is never within the budget.
  const windowOk = (seconds ?? Number.POSITIVE_INFINITY) <= budgetSeconds;
  const parts = [
    seconds === undefined
      ? `loss window unknown, the RPO is not shown to hold: ${lossWindow.detail}`
      : `loss window ${seconds} s ${windowOk ? "within" : "over"} the ${budgetSeconds} s budget (${lossWindow.detail})`,
    ...others.map((r) => `${r.source}: ${r.detail} (budget ${budgetSeconds} s)`),
  ];
  const disagreeing = database.filter((r) => over(r) === windowOk);
  if (disagreeing.length > 0) {
    parts.push(
      `secondary signal, not deciding: ${disagreeing.map((r) => `${r.source} lag metric ${r.detail}`).join("; ")}`,
    );
  }
  return {
    withinBudget: windowOk && others.length === 0,
    reason: parts.join("; "),
    lossWindow,
    readings: lag.readings,
  };
}

/**
 * Reads the window under a deadline (and `parent`, a step's own signal, when given); a failed or
 * slow read is an unknown window, never a throw.
 */
export async function measureLossWindow(
  reader: LossWindowReader,
  fromRegion: string,
  deadlineMs: number,
  now: () => number,
  parent?: AbortSignal,
): Promise<LossWindow> {
  try {
    return await withDeadline(
      "loss window",
      deadlineMs,
      (signal) => reader(fromRegion, signal),
      parent,
    );
  } catch (error) {
    return {
      source: "heartbeat",
      measuredAt: new Date(now()).toISOString(),
      detail: `heartbeat unreadable: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}
