// `planned` and `unplanned`: check, (confirm), promote with the step library, reconcile IaC.
// The pieces are exported because failback and drill are made of the same ones.
//
// planned: refuses (exit 3, nothing written) unless the target's data tier is ready and the RPO
//   holds (rpo.ts: the measured loss window for the database, the lag metric only when the window
//   cannot be read; the cache's and media's lag against their budgets); then quiesces after the
//   fence so the database is promoted with no committed write missing (the cache fails over with
//   the Global Datastore's managed switchover; EFS is asynchronous: files newer than its last
//   sync are not carried).
// unplanned: the orchestrator's path; an RPO over budget does not stop it (the operator accepts
//   the loss at the prompt, which shows the loss window and the lag), an unready target does.
//   Nothing is called in the region being left, and its stack is neither refreshed nor previewed.
import type { AuthorityRecord, PromotionMode } from "../functions/region/authority";
import type { RegionalClients } from "../functions/region/clients";
import { errorMessage } from "../functions/region/errors";
import type { PromotionReport } from "../functions/region/orchestrator";
import { authorityStore } from "./authority";
import { rerunCommand, type Run } from "./context";
import { printPromotionPlan, printReconcilePlan } from "./dryRun";
import { Refused, StepFailed } from "./errors";
import { assessTarget, type TargetHealth } from "./health";
import { formatReading, readTiers, tierLagReaders, type TierReading } from "./lag";
import type { LossWindow } from "../functions/region/lossWindow";
import {
  cliRpoVerdict,
  formatLossWindow,
  lossWindowShort,
  readLossWindow,
  rpoRefusal,
} from "./rpo";
import { admitOperator, type Admission } from "./admission";
import { promote, type PromotionTarget } from "./promote";
import { reconcile, reconcilePlan, type ReconcilePlan } from "./reconcile";
import { canReceiveTraffic, stackNamed } from "./topology";

export interface Prepared {
  target: PromotionTarget;
  clients: RegionalClients;
  current: AuthorityRecord;
  admission: Admission;
  /** The region being left (the authority's active region before this promotion). */
  fromRegion: string;
}

export async function prepare(run: Run, stackName: string, mode: PromotionMode): Promise<Prepared> {
  const { deps } = run;
  const stack = stackNamed(deps.topology, stackName);
  if (!canReceiveTraffic(stack)) {
    throw new Refused(
      `${stack.stack} (${stack.region}) owns no failover record: promoting it would not move traffic`,
      `promote ${deps.topology.home.stack} or ${deps.topology.standby.stack}`,
    );
  }
  const settings = await deps.settings.settingsFor(stack);
  const clients = deps.aws.regional(stack.region, settings);
  const current = await readAuthority(run, settings).catch((error: unknown) => {
    // A dry run still prints the plan: it assumes the stack files' view of who is active.
    if (!run.args.dryRun) throw error;
    run.deps.print(
      `authority unreadable (${(error as Error).message}); assuming the stack files' view`,
    );
    return assumedAuthority(stack.configuredActiveRegion);
  });
  run.deps.print(
    `authority: ${current.activeRegion} active, epoch ${current.epoch}, phase ${current.phase}` +
      (current.holder ? `, lease held by ${current.holder}` : ""),
  );
  const admission = admitOperator(current, stack, mode, deps.now());
  const fromRegion =
    admission.kind === "already-active"
      ? (current.previousActiveRegion ?? "unknown")
      : admission.fromRegion;
  const gateRegion = deps.topology.standby.region;
  return {
    target: { stack, settings, mode, gateRegion },
    clients,
    current,
    admission,
    fromRegion,
  };
}

async function readAuthority(run: Run, settings: Prepared["target"]["settings"]) {
  try {
    return await authorityStore(run.deps, settings).read();
  } catch (error) {
    throw new StepFailed(
      `cannot read the authority table ${settings.authority.tableName} in ${settings.authority.region}: ${errorMessage(error)}`,
      "nothing was changed",
      `check credentials and reachability of ${settings.authority.region}; without the authority no promotion can be decided (it is the fence), see the README runbook, "When a step fails"`,
    );
  }
}

function assumedAuthority(activeRegion: string): AuthorityRecord {
  return {
    epoch: 0,
    activeRegion,
    phase: "steady",
    leaseExpiresAt: 0,
    updatedAt: 0,
    exists: false,
  };
}

export interface Readiness {
  health: TargetHealth;
  lag: TierReading[];
  /** The measured loss window of the region being left; undefined: the target has no reader. */
  lossWindow?: LossWindow;
}

/**
 * Read-only: the target's data tier, the loss window its heartbeat reader measures, and the lag
 * of every tier replicating into it.
 */
export async function readReadiness(
  run: Run,
  prepared: Prepared,
  cacheMayBePrimary = false,
): Promise<Readiness> {
  const { deps } = run;
  const { settings } = prepared.target;
  const [health, lag, lossWindow] = await Promise.all([
    assessTarget(settings, prepared.clients, {
      timeoutMs: deps.timings.observeTimeoutMs,
      cacheMayBePrimary,
    }),
    readTiers(tierLagReaders(settings, prepared.clients, deps.now), deps.timings.observeTimeoutMs),
    readLossWindow(settings, prepared.clients, prepared.fromRegion, deps.now),
  ]);
  deps.print(`target ${prepared.target.stack.stack} (${settings.localRegion}):`);
  for (const tier of health.tiers) {
    deps.print(`  ${tier.ok ? "ok  " : "NOT "} ${tier.tier.padEnd(9)} ${tier.detail}`);
  }
  deps.print(`RPO of ${prepared.fromRegion}'s data, measured by the heartbeat (docs/rpo.md):`);
  deps.print(`  ${formatLossWindow(lossWindow, settings.rpoBudgetSeconds)}`);
  deps.print(
    `replication lag into the target${lossWindow?.seconds !== undefined ? " (the database's secondary)" : ""}:`,
  );
  for (const reading of lag) deps.print(`  ${formatReading(reading)}`);
  return { health, lag, lossWindow };
}

export function refuseUnlessReady(readiness: Readiness, prepared: Prepared, mode: PromotionMode) {
  const region = prepared.target.stack.region;
  const unready = readiness.health.tiers.filter((t) => !t.ok);
  if (unready.length > 0) {
    throw new Refused(
      `${region} is not ready to take over: ${unready.map((t) => `${t.tier}: ${t.detail}`).join("; ")}`,
      'fix the target first (README runbook, "When a step fails"), then rerun; nothing was changed',
    );
  }
  if (mode !== "planned") return;
  const budget = prepared.target.settings.rpoBudgetSeconds;
  const refused = rpoRefusal(readiness.lossWindow, readiness.lag, budget);
  if (refused) {
    throw new Refused(
      `the RPO is not shown to hold, a planned switchover would lose data: ${refused}`,
      "wait for replication to catch up (`npm run promote -- status`), or, if the active region is failing, " +
        `accept the loss with \`npm run promote -- unplanned --to ${prepared.target.stack.stack}\` (it shows the loss window and asks for confirmation); nothing was changed`,
    );
  }
}

/** The data-loss confirmation of an unplanned failover. */
export async function confirmUnplanned(run: Run, prepared: Prepared, readiness: Readiness) {
  const region = prepared.target.stack.region;
  const lag = readiness.lag
    .map((r) => `${r.tier} ${r.seconds === undefined ? "unknown" : `${r.seconds} s`}`)
    .join(", ");
  const budget = prepared.target.settings.rpoBudgetSeconds;
  const rpo = cliRpoVerdict(readiness.lossWindow, readiness.lag, budget);
  const window = lossWindowShort(readiness.lossWindow);
  const question =
    `UNPLANNED FAILOVER of production to ${region} (${prepared.target.stack.stack}), away from ${prepared.fromRegion}.\n` +
    `Writes not yet replicated are lost: ${window ? `${window}; ` : ""}lag now: ${lag}.\n` +
    `RPO budget ${budget} s: ${rpo.withinBudget ? "holds" : "NOT SHOWN TO HOLD"} (${rpo.reason}).\n` +
    `${prepared.fromRegion} is fenced from now on and stays so; coming back is a failback (README runbook).`;
  await confirmOrRefuse(run, question, region);
}

export async function confirmOrRefuse(run: Run, question: string, expected: string) {
  if (run.args.yes) return;
  if (!(await run.deps.confirm(question, expected))) {
    throw new Refused(
      "not confirmed",
      `rerun and type "${expected}" at the prompt, or pass --yes; nothing was changed`,
    );
  }
}

/** Promotes (unless the authority already names the target active), then reconciles IaC. */
export async function execute(
  run: Run,
  prepared: Prepared,
  plan: ReconcilePlan,
  force: boolean,
  skipLagOf: string[] = [],
): Promise<PromotionReport | undefined> {
  let report: PromotionReport | undefined;
  const { admission } = prepared;
  if (admission.kind === "already-active") {
    run.progress.skip(
      "promotion",
      `${prepared.target.stack.region} is already active (epoch ${prepared.current.epoch}): straight to IaC`,
    );
  } else {
    report = await promote(run, prepared.target, admission, prepared.current, { force, skipLagOf });
  }
  await deferUnlessControlPlanesAnswer(run, prepared, plan);
  await reconcile(plan, run.deps.stackOps, run.progress, rerunCommand(run.args));
  return report;
}

/**
 * IaC needs IAM's and Route 53's control planes, both in us-east-1: while they do not answer,
 * stop after the promotion (which used data planes only) with what to run and when.
 */
async function deferUnlessControlPlanesAnswer(run: Run, prepared: Prepared, plan: ReconcilePlan) {
  const record = run.progress.start("control-planes", "IAM and Route 53 APIs (us-east-1) answer");
  const status = await run.deps.controlPlanes();
  run.progress.end(record, status.answering ? "done" : "failed", status.details.join("; "));
  if (status.answering) return;
  const region = prepared.target.stack.region;
  throw new StepFailed(
    `IaC reconciliation deferred: us-east-1's control planes do not answer (${status.details.join("; ")})`,
    `the promotion is done and ${region} serves; the stack files still name the old region active and no refresh, preview or up ran (${plan.up.map((s) => s.stack).join(", ")} to update)`,
    `do NOT run pulumi by hand meanwhile; once IAM and Route 53 answer again (AWS Health Dashboard, or this check), rerun \`${rerunCommand(run.args)}\`: it goes straight to the IaC steps (docs/runbook.md)`,
  );
}

export async function switchover(run: Run, mode: PromotionMode): Promise<void> {
  const prepared = await prepare(run, run.args.to!, mode);
  const plan = reconcilePlan(run.deps.topology, prepared.target.stack, {
    unreachableRegion: mode === "unplanned" ? prepared.fromRegion : undefined,
  });
  const isNew = prepared.admission.kind === "new";
  const readiness = isNew ? await readReadiness(run, prepared) : undefined;
  if (run.args.dryRun) {
    printDryRun(run, prepared, plan, readiness, mode);
    return;
  }
  if (readiness) {
    refuseUnlessReady(readiness, prepared, mode);
    if (mode === "unplanned") await confirmUnplanned(run, prepared, readiness);
  } else if (prepared.admission.kind === "resume" && prepared.admission.abandonsPlanned) {
    // The target is mid-promotion, so readiness no longer applies; the data-loss question does.
    await confirmUnplanned(run, prepared, await readReadiness(run, prepared));
  }
  const report = await execute(run, prepared, plan, mode === "unplanned");
  printDone(run, prepared, report);
}

export function printDryRun(
  run: Run,
  prepared: Prepared,
  plan: ReconcilePlan,
  readiness: Readiness | undefined,
  mode: PromotionMode,
) {
  const { print } = run.deps;
  print("DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.");
  printPromotionPlan(print, prepared.target, prepared.admission, prepared.current);
  printReconcilePlan(print, plan);
  if (readiness) {
    try {
      refuseUnlessReady(readiness, prepared, mode);
      print(
        `preconditions now: met, a real run would proceed${mode === "unplanned" ? " after the confirmation" : ""}`,
      );
    } catch (error) {
      print(`preconditions now: a real run would be REFUSED: ${(error as Error).message}`);
    }
  }
}

export function printDone(run: Run, prepared: Prepared, report: PromotionReport | undefined) {
  const { print } = run.deps;
  const { stack } = prepared.target;
  const short = report?.steps.filter((s) => s.outcome === "capacity-not-reached") ?? [];
  print(
    `done: ${stack.region} (${stack.stack}) is active${report ? `, epoch ${report.epoch}` : ""}.`,
  );
  if (report) {
    // The window the promotion measured and recorded in the incident's audit and its notice.
    print(
      `  RPO: ${formatLossWindow(report.lossWindow, prepared.target.settings.rpoBudgetSeconds)}; recorded in the audit of ${report.incidentId}`,
    );
  }
  if (short.length > 0) {
    print(
      `  warning: the application tier did not reach its size in time (${short[0].detail}); the capacity alarm fired, watch the ASG`,
    );
  }
  print("verify:");
  print("  npm run promote -- status          (roles, epoch, lag; the target must be ACTIVE)");
  const healthUrl = prepared.target.settings.regionEndpoints[stack.region]?.healthUrl;
  if (healthUrl) print(`  curl -sI ${healthUrl}   (200 from the new active region's ALB)`);
  print(
    "  git diff Pulumi.*.yaml            (activeRegion changed in every stack file: commit it)",
  );
}
