// `drill [--to <stack>]`: a planned switchover to the standby (default: the standby stack) and
// a failback to where production was, with a timing report per step against the recovery budget.
//
// Honest limit: RDS keeps no replica through a promotion, so the way back needs the database
// replica rebuilt in the original region (failback prints how). Until that is done the failback
// leg refuses; the drill then stops after the first leg with production consistent in the
// standby, prints the first leg's timings and the command that finishes the drill.
import type { Run } from "./context";
import { printPromotionPlan, printReconcilePlan } from "./dryRun";
import { Refused, StepFailed } from "./errors";
import { failback } from "./failback";
import { reconcilePlan } from "./reconcile";
import {
  confirmOrRefuse,
  execute,
  prepare,
  printDone,
  printDryRun,
  readReadiness,
  refuseUnlessReady,
} from "./switchover";
import { printTimingReport } from "./timingReport";
import { stackInRegion, stackNamed } from "./topology";

export async function drill(run: Run): Promise<void> {
  const { deps, args } = run;
  const to = args.to ?? deps.topology.standby.stack;
  const there = await prepare(run, to, "planned");
  if (there.admission.kind !== "new") {
    throw new Refused(
      `${there.target.stack.region} is already active or being promoted: a drill starts from steady state`,
      "see `npm run promote -- status`; to come back, use failback",
    );
  }
  const back = stackInRegion(deps.topology, there.fromRegion);
  if (!back) throw new Refused(`no stack deploys ${there.fromRegion}`, "check Pulumi.*.yaml");
  const planThere = reconcilePlan(deps.topology, there.target.stack);
  const readiness = await readReadiness(run, there);

  if (args.dryRun) {
    deps.print(`leg 1 of 2: planned switchover to ${there.target.stack.stack}`);
    printDryRun(run, there, planThere, readiness, "planned");
    deps.print(`leg 2 of 2: failback to ${back.stack} (its replication is checked after leg 1)`);
    const backSettings = await deps.settings.settingsFor(back);
    printPromotionPlan(
      deps.print,
      {
        stack: back,
        settings: backSettings,
        mode: "planned",
        gateRegion: deps.topology.standby.region,
      },
      {
        kind: "new",
        incidentId: `operator-planned-${back.region}-<time>`,
        fromRegion: there.target.stack.region,
      },
      undefined,
    );
    printReconcilePlan(
      deps.print,
      reconcilePlan(deps.topology, stackNamed(deps.topology, back.stack), { upAll: true }),
    );
    return;
  }

  refuseUnlessReady(readiness, there, "planned");
  await confirmOrRefuse(
    run,
    `DRILL: production moves to ${there.target.stack.region} (planned switchover), then back to ${back.region} (failback).\n` +
      `The way back needs the database in ${back.region} rebuilt as a replica (RDS keeps none through a promotion);\n` +
      `until then the drill stops after the first leg with production running in ${there.target.stack.region}.`,
    there.target.stack.region,
  );
  const legOneStart = run.progress.records.length;
  const report = await execute(run, there, planThere, false);
  printDone(run, there, report);
  const legOne = run.progress.records.slice(legOneStart);
  const rpo = there.target.settings.rpoBudgetSeconds;
  printTimingReport(deps.print, "leg 1", there.target.stack, rpo, legOne);

  const legTwoStart = run.progress.records.length;
  try {
    await failback({ ...run, args: { ...args, mode: "failback", to: back.stack, yes: true } });
  } catch (error) {
    if (!(error instanceof Refused || error instanceof StepFailed)) throw error;
    throw new StepFailed(
      `the drill's way back stopped: ${error.message}`,
      `leg 1 is complete: ${there.target.stack.region} is active and consistent`,
      `do what is printed above for the way back, then \`npm run promote -- failback --to ${back.stack}\` finishes the drill (it reruns until it completes)`,
    );
  }
  printTimingReport(deps.print, "leg 2", back, rpo, run.progress.records.slice(legTwoStart));
}
