// Promotion latency, measured in one run: the time until the shop takes orders (`shopReadyMs`:
// the critical path, until maintenance is off) beside the whole promotion (`parallelMs`: the
// critical path and every track), then the same steps one after another on a fresh simulated
// region (`sequentialMs`). The real orchestrator and the real steps run against the simulated
// standby region (the test suite's), whose every SDK call costs a fixed latency, with the
// authority table in dynalite. Prints JSON when run on its own:
//   npx ts-node --transpile-only bench/promotion.ts
import { ALL_STEPS, phasesFor, tracksFor } from "../functions/region/steps";
import { startDynalite } from "../test/region/helpers/dynalite";
import { harness } from "../test/region/helpers/fixtures";

export interface PromotionBench {
  tiers: number;
  stepLatencyMs: number;
  shopReadyMs: number;
  parallelMs: number;
  sequentialMs: number;
}

export async function benchPromotion(stepLatencyMs = 25): Promise<PromotionBench> {
  const dynamo = await startDynalite();
  // Deadlines wide enough that latency never turns into a timeout.
  const settings = {
    deadlines: {
      overallMs: 60_000,
      cacheMs: 20_000,
      databaseMs: 20_000,
      mediaMs: 20_000,
      endpointsMs: 20_000,
      capacityMs: 20_000,
      gateMs: 20_000,
      notifyMs: 20_000,
    },
    leaseTtlMs: 120_000,
  };
  const timed = async (sequential: boolean) => {
    const h = await harness(dynamo, settings);
    h.sim.latencyMs = stepLatencyMs;
    try {
      const sequentialPlan = {
        phases: () =>
          [...phasesFor("unplanned").flat(), ...tracksFor("unplanned").map((t) => t.step)].map(
            (s) => [s],
          ),
        tracks: () => [],
      };
      const started = performance.now();
      // The real clock: the harness freezes its own, and shopReadyMs is measured with it.
      const clock = { now: Date.now };
      const report = await h.promote({}, sequential ? { ...sequentialPlan, ...clock } : clock);
      if (report.outcome !== "completed")
        throw new Error(`promotion ${report.outcome}: ${report.reason}`);
      return { ms: Math.round(performance.now() - started), shopReadyMs: report.shopReadyMs ?? 0 };
    } finally {
      await h.close();
    }
  };
  try {
    const parallel = await timed(false);
    const sequential = await timed(true);
    return {
      tiers: ALL_STEPS.length,
      stepLatencyMs,
      shopReadyMs: parallel.shopReadyMs,
      parallelMs: parallel.ms,
      sequentialMs: sequential.ms,
    };
  } finally {
    await dynamo.stop();
  }
}

if (require.main === module) {
  benchPromotion()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
