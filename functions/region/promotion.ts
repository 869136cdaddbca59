// The promotion run.
//
// promoteRegion() is the one entry point for the automatic path and the operator CLI alike:
//   admit the request against the authority record (stale, replayed, already active → nothing
//   is written) → for a new promotion: confirm detection (automatic path) and check replication
//   lag against the RPO budget (stop and ask for approval unless forced) → take the lease (one
//   conditional write; the loser stops) → run the critical path's phases (the shop takes orders
//   when they end: `shopReadyMs`) and, alongside, the tracks (cache, media, capacity...), each
//   step under its own deadline and the run under an overall one, a heartbeat renewing the short
//   lease; a failed track alarms and pages on its own → complete (every step done) or release (the
//   next run resumes what is left) → append the audit record → notify.
//
// NO AUTOMATIC FAILBACK, and what keeps the old primary fenced once it comes back:
//  - the authority record names this region active from the moment the lease is taken; the old
//    region's instances read it (endpoint watcher) and stay in maintenance, and its fence Lambda
//    (fence.ts) holds its Auto Scaling group at standby size; nothing automatic ever writes the
//    record back: a request whose target is not this region is rejected, a request for the
//    region that is already active is a no-op;
//  - the region gate metric lives in THIS region and only moves to 1 here; the detector
//    re-publishes it every run while this region is active, so the alarm behind the PRIMARY
//    record's health check stays in ALARM and Route 53 keeps traffic here;
//  - the data tier cannot drift back: the replica is standalone, the cache detached or primary.
// Failback is an operator's planned switchover in the other direction, with its own lease.
import { METRIC_DIMENSIONS } from "../contractMetrics";
import {
  admit,
  AuthorityStore,
  DEFAULT_SERVING_TTL_MS,
  SERVING_SKEW_MS,
  LeaseConflict,
  type AuthorityRecord,
  type PromotionMode,
} from "./authority";
import { IncidentLog, type StepRecord, type RunRecord } from "./audit";
import type { RegionalClients } from "./clients";
import { DeadlineExceeded, withDeadline } from "./deadline";
import { describeError } from "./errors";
import { checkLag, type LagReader } from "./lag";
import {
  measureLossWindow,
  rpoVerdict,
  type LossWindow,
  type LossWindowReader,
} from "./lossWindow";
import { LeaseHeartbeat } from "./leaseHeartbeat";
import { awaitServingLeaseExpiry } from "./servingLease";
import type { Logger } from "./log";
import { leaseHeartbeatMs, type RegionFailoverSettings } from "./settings";
import { notify, phasesFor, tracksFor, type PromotionStep, type PromotionTrack } from "./steps";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

export interface PromotionRequest {
  incidentId: string;
  mode: PromotionMode;
  /** The authority epoch the request was decided against. */
  epoch: number;
  /** The region being left. */
  fromRegion: string;
  /** What asked: "detector", "operator:<user>", ... (audit only). */
  trigger: string;
  /** Lease holder: unique per Lambda invocation, "operator:<user>" for the CLI. */
  holder: string;
  /** Operator only: proceed although replication lag is over the RPO budget. */
  force?: boolean;
  /** Automatic path: a new promotion needs the detector's persisted quorum decision. */
  requireDetection?: boolean;
}

export type PromotionOutcome =
  "completed" | "incomplete" | "awaiting-approval" | "lease-conflict" | "fenced" | "ignored";

export interface PromotionReport {
  outcome: PromotionOutcome;
  reason: string;
  incidentId: string;
  epoch?: number;
  steps: StepRecord[];
  /** Milliseconds from the lease to the end of the critical path (maintenance off). */
  shopReadyMs?: number;
  /** What may be lost: the RPO heartbeat's loss window, when a reader is configured. */
  lossWindow?: LossWindow;
}

export interface PromotionDeps {
  settings: RegionFailoverSettings;
  /** Local-region clients; the only AWS endpoints the steps can reach. */
  clients: RegionalClients;
  authority: AuthorityStore;
  incidents: IncidentLog;
  lagReaders: LagReader[];
  /**
   * The RPO heartbeat's loss window (lossWindow.ts): decides the RPO gate for the database, the
   * lag metric then only a secondary signal. Absent (no reader configured): the lag decides.
   */
  lossWindow?: LossWindowReader;
  /**
   * What an unknown loss window means at the gate (rpoVerdict): "refuse" for the automatic path,
   * "lag-decides" for the operator CLI, whose operator saw the window and the lag.
   * @default "refuse"
   */
  unknownLossWindow?: "refuse" | "lag-decides";
  log: Logger;
  now: () => number;
  /** Reads the detector's persisted decision (automatic path only). */
  confirmDetection: (request: PromotionRequest) => Promise<{ confirmed: boolean; reason: string }>;
  /** The step phases; the default is phasesFor(mode). Benchmarks and tests substitute. */
  phases?: (mode: PromotionMode) => PromotionStep[][];
  /** The tracks; the default is tracksFor(mode). */
  tracks?: (mode: PromotionMode) => PromotionTrack[];
}

const ok = (r: StepRecord) =>
  r.outcome === "done" ||
  r.outcome === "already-done" ||
  r.outcome === "capacity-not-reached" ||
  r.outcome === "reindex-requested";

export async function promoteRegion(
  deps: PromotionDeps,
  request: PromotionRequest,
): Promise<PromotionReport> {
  const { settings, authority, incidents } = deps;
  const local = deps.clients.region;
  const log = deps.log.child({ incidentId: request.incidentId, trigger: request.trigger });
  const report = (
    outcome: PromotionOutcome,
    reason: string,
    extra: Partial<PromotionReport> = {},
  ) => {
    const result: PromotionReport = {
      outcome,
      reason,
      incidentId: request.incidentId,
      steps: [],
      ...extra,
    };
    log.info("promotion-decision", { outcome, reason, epoch: result.epoch });
    return result;
  };

  const current = await authority.read();
  const admission = admit(
    current,
    { incidentId: request.incidentId, epoch: request.epoch, targetRegion: local },
    deps.now(),
  );
  if (admission.kind === "reject") {
    return report(
      admission.reason === "lease-held" ? "lease-conflict" : "ignored",
      `${admission.reason}: ${admission.detail}`,
    );
  }
  const incident = await incidents.read(request.incidentId);
  if (incident?.status === "completed")
    return report("ignored", "replayed: incident already completed");

  const readLossWindow = async (): Promise<LossWindow | undefined> => {
    if (!deps.lossWindow) return undefined;
    const window = await measureLossWindow(
      deps.lossWindow,
      request.fromRegion,
      settings.deadlines.lossWindowMs,
      deps.now,
    );
    log.info("loss-window", { ...window });
    return window;
  };
  let lossWindow: LossWindow | undefined;

  if (admission.kind === "new") {
    if (current.activeRegion !== request.fromRegion) {
      return report(
        "ignored",
        `the authority names ${current.activeRegion} active, not ${request.fromRegion}`,
      );
    }
    if (request.requireDetection) {
      const detection = await deps.confirmDetection(request);
      if (!detection.confirmed)
        return report("ignored", `detection not confirmed: ${detection.reason}`);
    }
    // Measured for every new promotion, forced or not: the audit and the notice carry it.
    lossWindow = await readLossWindow();
    if (!request.force) {
      const rpo = rpoVerdict(
        lossWindow,
        await checkLag(deps.lagReaders, settings.rpoBudgetSeconds),
        settings.rpoBudgetSeconds,
        deps.unknownLossWindow,
      );
      log.info("rpo-gate", { withinBudget: rpo.withinBudget, reason: rpo.reason });
      if (!rpo.withinBudget) {
        const first = await incidents.requestApprovalOnce(request.incidentId, rpo.reason);
        if (first) {
          await bestEffort(log, "approval-request", settings.deadlines.notifyMs, (signal) =>
            notify(
              deps.clients,
              settings,
              `Approval needed: promote ${local} (RPO budget exceeded)`,
              {
                incidentId: request.incidentId,
                fromRegion: request.fromRegion,
                toRegion: local,
                reason: rpo.reason,
                lossWindow: rpo.lossWindow,
                readings: rpo.readings,
                howToProceed: `once the data loss is accepted: npm run promote -- unplanned --to <the ${local} stack>`,
              },
              signal,
            ),
          );
        }
        return report("awaiting-approval", rpo.reason);
      }
    }
  }
  // A resumed run measures again, for its own record: the beat is the same (the replica no
  // longer receives any), the window only longer.
  lossWindow ??= await readLossWindow();

  if (request.mode === "unplanned") {
    // Never two writers: the old region stops on its own when its serving lease runs out.
    const serving = await awaitServingLeaseExpiry({
      authority,
      current,
      targetRegion: local,
      now: deps.now,
      maxWaitMs: DEFAULT_SERVING_TTL_MS + SERVING_SKEW_MS + 5_000,
      log,
    });
    if (!serving.ok) return report("lease-conflict", serving.reason);
  }

  let lease: AuthorityRecord;
  try {
    lease = await authority.takeLease({
      expectedEpoch: admission.expectedEpoch,
      newActiveRegion: local,
      holder: request.holder,
      incidentId: request.incidentId,
      ttlMs: settings.leaseTtlMs,
      mode: request.mode,
      fromRegion: request.fromRegion,
    });
  } catch (error) {
    if (error instanceof LeaseConflict) {
      return report(
        "lease-conflict",
        `${error.message}; epoch is ${error.current.epoch}, holder ${error.current.holder ?? "none"}`,
      );
    }
    throw error;
  }
  log.info("lease-taken", { epoch: lease.epoch, holder: request.holder, kind: admission.kind });

  const startedAt = new Date(deps.now()).toISOString();
  // The lease is short; the heartbeat keeps it while the steps run and stops the run if it
  // cannot (leaseHeartbeat.ts). Every lease write retries transient errors (authority.ts).
  const heartbeat = new LeaseHeartbeat({
    renew: () =>
      authority.renewLease({
        epoch: lease.epoch,
        holder: request.holder,
        ttlMs: settings.leaseTtlMs,
      }),
    expiresAt: lease.leaseExpiresAt,
    intervalMs: leaseHeartbeatMs(settings),
    marginMs: Math.floor(leaseHeartbeatMs(settings) / 3),
    now: deps.now,
    log,
  });
  let phaseResult: { records: StepRecord[]; fenced: boolean; shopReadyMs?: number };
  try {
    phaseResult = await runPhases(deps, request, lease.epoch, log, heartbeat);
  } finally {
    await heartbeat.stop();
  }
  const { records, fenced, shopReadyMs } = phaseResult;
  const allOk = records.every(ok);
  let outcome: PromotionOutcome = fenced ? "fenced" : allOk ? "completed" : "incomplete";
  const leaseRef = { epoch: lease.epoch, holder: request.holder, incidentId: request.incidentId };
  if (!fenced) {
    try {
      if (allOk) await authority.completePromotion(leaseRef);
      else await authority.releaseLease(leaseRef);
    } catch (error) {
      if (error instanceof LeaseConflict) outcome = "fenced";
      else {
        // The steps' results stand; the lease then expires on its own and the next run resumes
        // (its steps observe "already done"). Never skip the audit and the notice for this.
        log.error("lease-bookkeeping-failed", {
          epoch: lease.epoch,
          error: (error as Error).message,
        });
        outcome = "incomplete";
      }
    }
  }
  const run: RunRecord = {
    epoch: lease.epoch,
    holder: request.holder,
    trigger: request.trigger,
    mode: request.mode,
    decision: admission.kind,
    outcome,
    startedAt,
    endedAt: new Date(deps.now()).toISOString(),
    shopReadyMs,
    lossWindow,
    steps: records,
  };
  await bestEffort(log, "audit", settings.deadlines.notifyMs, (signal) =>
    incidents.appendRun(
      request.incidentId,
      run,
      outcome === "completed" ? "completed" : "incomplete",
      signal,
    ),
  );
  await bestEffort(log, "notify", settings.deadlines.notifyMs, (signal) =>
    notify(
      deps.clients,
      settings,
      `Region promotion ${outcome}: ${request.fromRegion} -> ${local}`,
      run as unknown as Record<string, unknown>,
      signal,
    ),
  );
  return report(outcome, describeOutcome(records, outcome, shopReadyMs), {
    epoch: lease.epoch,
    steps: records,
    shopReadyMs,
    lossWindow,
  });
}

async function runPhases(
  deps: PromotionDeps,
  request: PromotionRequest,
  epoch: number,
  log: Logger,
  heartbeat: LeaseHeartbeat,
): Promise<{ records: StepRecord[]; fenced: boolean; shopReadyMs?: number }> {
  const phases = (deps.phases ?? phasesFor)(request.mode);
  const tracks = (deps.tracks ?? tracksFor)(request.mode);
  const records: StepRecord[] = [...phases.flat(), ...tracks.map((t) => t.step)].map((s) => ({
    name: s.name,
    outcome: "not-run",
  }));
  const record = (result: StepRecord) =>
    (records[records.findIndex((r) => r.name === result.name)] = result);
  const overall = new AbortController();
  const overallTimer = setTimeout(
    () => overall.abort(new DeadlineExceeded("promotion", deps.settings.deadlines.overallMs)),
    deps.settings.deadlines.overallMs,
  );
  // A lost lease stops the steps in flight at once, not at the end of the phase.
  const onLeaseLost = () => overall.abort(heartbeat.signal.reason);
  heartbeat.signal.addEventListener("abort", onLeaseLost, { once: true });
  const started = deps.now();
  let shopReadyMs: number | undefined;
  let markShopReady: (ready: boolean) => void = () => undefined;
  const shopReady = new Promise<boolean>((resolve) => (markShopReady = resolve));
  // Each critical step's result, settled when it ends or (undefined) when it never runs.
  const settle = new Map<string, (r: StepRecord | undefined) => void>();
  const finished = new Map(
    phases
      .flat()
      .map((step) => [
        step.name,
        new Promise<StepRecord | undefined>((resolve) => settle.set(step.name, resolve)),
      ]),
  );
  const runTrack = async (track: PromotionTrack): Promise<void> => {
    // A track waits for the critical step it needs, when this run has one (tests and benchmarks
    // may run other phases).
    if (track.startsAfter && finished.has(track.startsAfter)) {
      const before = await finished.get(track.startsAfter);
      if (!before || !ok(before)) return;
    }
    let result = await runStep(deps, request, epoch, track.step, overall.signal, log);
    if (ok(result) && track.onShopReady && (await shopReady)) {
      const hook = track.onShopReady;
      const after = await runStep(
        deps,
        request,
        epoch,
        {
          name: track.step.name,
          deadlineMs: (s) => s.deadlines.endpointsMs,
          run: async (ctx) => {
            const did = await hook(ctx);
            return { outcome: did ? "done" : "already-done", detail: did ?? "" };
          },
        },
        overall.signal,
        log,
      );
      result = ok(after)
        ? {
            ...result,
            outcome: after.outcome === "done" ? "done" : result.outcome,
            detail: [result.detail, after.detail].filter(Boolean).join("; "),
            endedAt: after.endedAt,
          }
        : { ...after, startedAt: result.startedAt };
    }
    record(result);
    if (!ok(result) && !heartbeat.lost) await trackFailed(deps, request, track, result, log);
  };
  const trackRuns = tracks.map(runTrack);
  try {
    for (const phase of phases) {
      const results = await Promise.all(
        phase.map((step) => runStep(deps, request, epoch, step, overall.signal, log)),
      );
      for (const result of results) {
        record(result);
        settle.get(result.name)?.(result);
      }
      if (heartbeat.lost || !results.every(ok)) break;
      if (phase === phases[phases.length - 1]) {
        shopReadyMs = deps.now() - started;
        log.info("shop-ready", { epoch, ms: shopReadyMs });
      }
    }
    markShopReady(shopReadyMs !== undefined && !heartbeat.lost);
    for (const resolve of settle.values()) resolve(undefined);
    // A track never outlives the run: each has its deadline, and the overall one bounds them all.
    await Promise.all(trackRuns);
  } finally {
    markShopReady(false);
    for (const resolve of settle.values()) resolve(undefined);
    clearTimeout(overallTimer);
    heartbeat.signal.removeEventListener("abort", onLeaseLost);
  }
  const lost = heartbeat.lost;
  // DynamoDB kept failing (lease unconfirmed): what is done stays done; the caller releases,
  // audits and notifies, and the next run resumes from the observed state.
  if (lost && !lost.takenOver) log.warn("promotion-stopped-lease-unconfirmed", { epoch });
  return { records, fenced: lost?.takenOver === true, shopReadyMs };
}

/** A failed track: the alarm metric (dimension Track) and a page saying what the shop runs on. */
async function trackFailed(
  deps: PromotionDeps,
  request: PromotionRequest,
  track: PromotionTrack,
  result: StepRecord,
  log: Logger,
): Promise<void> {
  const { settings, clients } = deps;
  log.error("track-failed", { track: track.step.name, error: result.error });
  await bestEffort(log, "track-alarm", settings.deadlines.notifyMs, (signal) =>
    clients.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: settings.gate.namespace,
        // Per track for the dashboard, and without dimensions for the one alarm every track
        // shares (so adding a track needs no new alarm).
        MetricData: [
          {
            MetricName: settings.trackAlarmMetricName,
            Dimensions: [{ Name: METRIC_DIMENSIONS.track, Value: track.step.name }],
            Value: 1,
            Unit: "Count",
          },
          { MetricName: settings.trackAlarmMetricName, Value: 1, Unit: "Count" },
        ],
      }),
      { abortSignal: signal },
    ),
  );
  await bestEffort(log, "track-page", settings.deadlines.notifyMs, (signal) =>
    notify(
      clients,
      settings,
      `Promotion of ${clients.region}: ${track.step.name} not done, shop serving`,
      {
        incidentId: request.incidentId,
        track: track.step.name,
        meanwhile: track.whenFailed,
        error: result.error,
        detail: result.detail,
      },
      signal,
    ),
  );
}

async function runStep(
  deps: PromotionDeps,
  request: PromotionRequest,
  epoch: number,
  step: PromotionStep,
  runSignal: AbortSignal,
  log: Logger,
): Promise<StepRecord> {
  const started = deps.now();
  const deadlineMs = step.deadlineMs(deps.settings);
  const stepLog = log.child({ step: step.name });
  const base = { name: step.name, startedAt: new Date(started).toISOString() };
  try {
    const result = await withDeadline(
      step.name,
      deadlineMs,
      (signal) =>
        step.run({
          settings: deps.settings,
          clients: deps.clients,
          mode: request.mode,
          epoch,
          signal,
          deadlineAt: Date.now() + deadlineMs,
          log: stepLog,
        }),
      runSignal,
    );
    const ended = deps.now();
    stepLog.info("step-finished", { outcome: result.outcome, ms: ended - started });
    return {
      ...base,
      ...result,
      endedAt: new Date(ended).toISOString(),
      durationMs: ended - started,
    };
  } catch (error) {
    const ended = deps.now();
    stepLog.error("step-failed", { ...describeError(error), ms: ended - started });
    return {
      ...base,
      outcome: "failed",
      error: describeError(error),
      endedAt: new Date(ended).toISOString(),
      durationMs: ended - started,
    };
  }
}

function describeOutcome(
  records: StepRecord[],
  outcome: PromotionOutcome,
  shopReadyMs: number | undefined,
): string {
  const failed = records.filter((r) => r.outcome === "failed").map((r) => r.name);
  const short = records.filter((r) => r.outcome === "capacity-not-reached").map((r) => r.name);
  if (outcome === "completed") {
    return short.length > 0 ? `completed; capacity not reached in time` : "completed";
  }
  if (outcome === "fenced") return "a newer epoch took over; this run stopped";
  const shop =
    shopReadyMs === undefined
      ? "the shop is not taking orders yet"
      : `the shop takes orders (ready after ${shopReadyMs} ms)`;
  return `${shop}; failed: ${failed.join(", ") || "none"}; a later run resumes from the observed state`;
}

async function bestEffort(
  log: Logger,
  what: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  try {
    await withDeadline(what, ms, work);
  } catch (error) {
    log.error(`${what}-failed`, describeError(error));
  }
}
