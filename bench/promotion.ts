// Promotion latency, parallel vs sequential, measured in one run. The real orchestrator and the
// real steps run against the simulated standby region (the test suite's), whose every SDK call
// costs a fixed latency, with the authority table in dynalite; then the same steps again, one
// after another, on a fresh simulated region. Prints JSON when run on its own:
//   npx ts-node --transpile-only bench/promotion.ts
import { ALL_STEPS, phasesFor } from "../functions/region/steps";
import { startDynalite } from "../test/region/helpers/dynalite";
import { harness } from "../test/region/helpers/fixtures";

export interface PromotionBench {
  tiers: number;
  stepLatencyMs: number;
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
      const phases = sequential
        ? () =>
            phasesFor("unplanned")
              .flat()
              .map((s) => [s])
        : undefined;
      const started = performance.now();
      const report = await h.promote({}, phases ? { phases } : {});
      if (report.outcome !== "completed")
        throw new Error(`promotion ${report.outcome}: ${report.reason}`);
      return Math.round(performance.now() - started);
    } finally {
      await h.close();
    }
  };
  try {
    const parallelMs = await timed(false);
    const sequentialMs = await timed(true);
    return { tiers: ALL_STEPS.length, stepLatencyMs, parallelMs, sequentialMs };
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
