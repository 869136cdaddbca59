// Runs one promotion through the step library's promoteRegion(): the same admission rule, the
// same fencing lease (holder "operator:<user>") and the same steps as the Lambda orchestrator, so
// the two can never promote at once; whoever loses the conditional write stops before any step.
//
// What the CLI adds: the phases with quiesce and the home region's gate, progress lines, and the
// mapping of outcomes to exit codes (the admission before it is in admission.ts).
import {
  AuthorityStore,
  type AuthorityRecord,
  type AuthorityStoreOptions,
  type PromotionMode,
  type TakeLeaseRequest,
} from "../functions/region/authority";
import {
  promoteRegion,
  promotionDeps,
  type PromotionReport,
} from "../functions/region/orchestrator";
import { resolveSettings, type RegionFailoverSettings } from "../functions/region/settings";
import {
  gateStep,
  phasesFor,
  tracksFor,
  type PromotionStep,
  type PromotionTrack,
} from "../functions/region/steps";
import { quiesceStep, reopenGateStep, reported } from "./cliSteps";
import type { Admission } from "./admission";
import { rerunCommand, type Run } from "./context";
import { Refused, StepFailed } from "./errors";
import { tierLagReaders } from "./lag";
import { lossWindowReader } from "./rpo";
import type { Progress } from "./progress";
import { callsOf, describeCalls, type CatalogContext } from "./stepCatalog";
import type { StackInfo } from "./topology";

/** Reports the lease's conditional writes as progress steps. */
class ReportingAuthority extends AuthorityStore {
  /** The lease this run holds, so an interrupted run can give it back (see releaseOnInterrupt). */
  held?: { epoch: number; holder: string };

  constructor(
    options: AuthorityStoreOptions,
    private readonly progress: Progress,
  ) {
    super(options);
  }

  override async takeLease(request: TakeLeaseRequest, signal?: AbortSignal) {
    const record = this.progress.start(
      "lease",
      `take the authority lease at epoch ${request.expectedEpoch} for ${request.newActiveRegion}`,
    );
    try {
      const lease = await super.takeLease(request, signal);
      this.held = { epoch: lease.epoch, holder: request.holder };
      this.progress.end(record, "done", `epoch ${lease.epoch}, ${request.holder}`);
      return lease;
    } catch (error) {
      this.progress.end(record, "failed", (error as Error).message);
      throw error;
    }
  }
}

export interface PromotionTarget {
  stack: StackInfo;
  settings: RegionFailoverSettings;
  mode: PromotionMode;
  /** Where the region gate's alarm lives: the standby region (components/dns.ts). */
  gateRegion: string;
}

/**
 * The gate step for `target`: trip the home record from a standby, reopen it from home. Both
 * publish in the standby region, where the gate alarm is (not the authority region, which is the
 * witness region by default).
 */
export function gateFor(target: PromotionTarget): CatalogContext["gate"] {
  return target.stack.isHome
    ? { region: target.gateRegion, value: 0 }
    : { region: target.settings.localRegion, value: 1 };
}

/**
 * The phases this run executes, in order: quiesce first for planned, then the library's.
 * `fromRegion` is the region being left, whose heartbeat proves the quiesce.
 */
export function cliPhases(
  run: Run,
  target: PromotionTarget,
  fromRegion: string,
): PromotionStep[][] {
  const { deps } = run;
  const gate = gateFor(target);
  const gateClient = deps.aws.regional(gate.region, target.settings).cloudWatch;
  const swap = (step: PromotionStep) =>
    step === gateStep && target.stack.isHome ? reopenGateStep(gateClient, gate.region) : step;
  const phases = phasesFor(target.mode).map((phase) => phase.map(swap));
  if (target.mode === "planned") {
    const { settings } = target;
    const read = lossWindowReader(
      settings,
      deps.aws.regional(settings.localRegion, settings),
      deps.now,
    );
    const heartbeat = read && { read, fromRegion, deadlineMs: settings.deadlines.lossWindowMs };
    phases.unshift([quiesceStep(deps.timings.quiesce, deps.now, heartbeat)]);
  }
  const catalog: CatalogContext = { settings: target.settings, mode: target.mode, gate };
  return phases.map((phase) =>
    phase.map((step) => reported(step, run.progress, describeCalls(callsOf(step.name, catalog)))),
  );
}

/** The tracks this run executes alongside the phases, reported like the phases' steps. */
export function cliTracks(run: Run, target: PromotionTarget): PromotionTrack[] {
  const catalog: CatalogContext = {
    settings: target.settings,
    mode: target.mode,
    gate: gateFor(target),
  };
  return tracksFor(target.mode).map((track) => ({
    ...track,
    step: reported(track.step, run.progress, describeCalls(callsOf(track.step.name, catalog))),
  }));
}

export interface PromotionOptions {
  /** Proceed although replication lag is over budget (unplanned, after confirmation). */
  force: boolean;
  /**
   * Tiers whose lag means nothing for this run and must not stop it: a failback onto a cache
   * that was detached has nothing replicating into it, so no lag metric exists at all (which the
   * library would read as over budget). The operator accepted that loss at the confirmation.
   */
  skipLagOf?: string[];
}

/**
 * Promotes `target` (or resumes its incomplete promotion). Returns the library's report when the
 * authority names the target active and every step succeeded; throws Refused or StepFailed
 * otherwise, each saying what changed and what to run next.
 */
export async function promote(
  run: Run,
  target: PromotionTarget,
  admission: Exclude<Admission, { kind: "already-active" }>,
  current: AuthorityRecord,
  options: PromotionOptions,
): Promise<PromotionReport> {
  const { deps, args } = run;
  const settings =
    target.mode === "planned"
      ? withQuiesceBudget(target.settings, deps.timings.quiesce.deadlineMs)
      : target.settings;
  const clients = deps.aws.regional(settings.localRegion, settings);
  const authorityClient = deps.aws.authority(settings);
  const skipped = new Set(["media", ...(options.skipLagOf ?? [])]);
  const tiers = tierLagReaders(settings, clients, deps.now).filter((t) => !skipped.has(t.tier));
  const base = promotionDeps(settings, {
    clients,
    authorityClient,
    lagReaders: tiers.map((t) => t.read),
    // The RPO heartbeat: measured and recorded in the audit for every run, deciding the gate of a
    // planned one (rpo.ts); a window it cannot read falls back to the lag metric.
    lossWindow: lossWindowReader(settings, clients, deps.now),
    log: deps.log,
    now: deps.now,
  });
  const authority = new ReportingAuthority(
    {
      client: authorityClient,
      tableName: settings.authority.tableName,
      initialActiveRegion: settings.initialActiveRegion,
      now: deps.now,
    },
    run.progress,
  );
  const phases = cliPhases(run, target, admission.fromRegion);
  const tracks = cliTracks(run, target);
  const holder = `operator:${deps.user}`;
  const stopReleasing = releaseOnInterrupt(authority, deps.print, rerunCommand(args));
  let report: PromotionReport;
  try {
    report = await promoteRegion(
      {
        ...base,
        authority,
        phases: () => phases,
        tracks: () => tracks,
        unknownLossWindow: "lag-decides",
      },
      {
        incidentId: admission.incidentId,
        mode: target.mode,
        epoch: current.epoch,
        fromRegion: admission.fromRegion,
        trigger: holder,
        holder,
        force: options.force,
      },
    );
  } finally {
    stopReleasing();
  }
  return outcomeOrThrow(report, target, rerunCommand(args));
}

/**
 * The orchestrator's overall deadline is sized for a Lambda run without quiesce. The CLI has no
 * Lambda timeout, so a planned run gets the quiesce wait on top, and a lease that outlives it.
 */
function withQuiesceBudget(s: RegionFailoverSettings, quiesceMs: number): RegionFailoverSettings {
  return resolveSettings({
    ...s,
    deadlines: { ...s.deadlines, overallMs: s.deadlines.overallMs + quiesceMs },
    leaseTtlMs: s.leaseTtlMs + quiesceMs,
  });
}

function outcomeOrThrow(
  report: PromotionReport,
  target: PromotionTarget,
  rerun: string,
): PromotionReport {
  const region = target.stack.region;
  switch (report.outcome) {
    case "completed":
      return report;
    case "incomplete": {
      const failed = report.steps.filter((s) => s.outcome === "failed");
      const shop =
        report.shopReadyMs === undefined
          ? "the shop is still in maintenance"
          : "the shop takes orders (maintenance is off); the tracks listed alarmed and paged";
      throw new StepFailed(
        `the promotion of ${region} is incomplete (${shop}): ${failed.map((s) => `${s.name} (${s.error?.message ?? "failed"})`).join("; ")}`,
        `the authority names ${region} active (epoch ${report.epoch}), so the old region is fenced; ` +
          `steps that finished stay finished, the lease is released and the incident ${report.incidentId} is resumable`,
        `fix the cause above, then \`${rerun}\` (it resumes from the observed state)` +
          (target.stack.isStandby && target.mode === "unplanned"
            ? `; the orchestrator in ${region} also resumes it on its next detector run`
            : target.stack.isStandby
              ? `; the detector in ${region} does not resume a planned switchover (it pages you)`
              : ""),
      );
    }
    case "fenced":
      throw new StepFailed(
        `another promotion took a newer epoch while this one ran: ${report.reason}`,
        "the newer promotion owns the authority; this run stopped between steps",
        "see who and where with `npm run promote -- status`",
      );
    case "lease-conflict":
      throw new Refused(
        `another promotion holds the authority lease: ${report.reason}`,
        "do not start a second one; watch it with `npm run promote -- status`",
      );
    case "awaiting-approval":
      throw new Refused(
        `the RPO is not shown to hold (budget ${target.settings.rpoBudgetSeconds} s): ${report.reason}`,
        `rerun \`${rerun}\` once replication has caught up, or accept the loss with \`npm run promote -- unplanned --to ${target.stack.stack}\``,
        ["an approval request was recorded on the incident and notified (audit only)"],
      );
    case "ignored":
      throw new Refused(
        `the authority refused the request: ${report.reason}`,
        "`npm run promote -- status`",
      );
  }
}

/** What the interrupt handler needs of the authority: the lease this run holds, and release. */
export interface HeldLease {
  held?: { epoch: number; holder: string };
  releaseLease(lease: { epoch: number; holder: string }): Promise<unknown>;
}

/**
 * Ctrl-C or a dropped SSH session mid-promotion: give the lease back (conditional on this run's
 * epoch and holder, so it can never release someone else's) before exiting, so the rerun, or the
 * detector, can resume at once instead of waiting for the lease to expire. What the steps did
 * stays done; each observes before it acts on the next run.
 */
export function interruptHandler(
  authority: HeldLease,
  print: (line: string) => void,
  rerun: string,
  exit: (code: number) => void = (code) => process.exit(code),
): (signal: NodeJS.Signals) => Promise<void> {
  return async (signal) => {
    const held = authority.held;
    print(`interrupted (${signal}): ${held ? "giving the lease back" : "no lease taken yet"}`);
    if (held) {
      try {
        await authority.releaseLease(held);
      } catch (error) {
        print(`could not give the lease back (${(error as Error).message}): it expires on its own`);
      }
    }
    print(`state: steps that finished stay finished; next: \`${rerun}\` resumes the same incident`);
    exit(130);
  };
}

function releaseOnInterrupt(
  authority: HeldLease,
  print: (line: string) => void,
  rerun: string,
): () => void {
  const handler = interruptHandler(authority, print, rerun);
  const onSignal = (signal: NodeJS.Signals) => void handler(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  };
}
