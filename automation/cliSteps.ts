// The two steps the CLI adds to the step library's phases, and the wrapper that prints progress
// as each library step starts and ends.
//
// quiesce (planned only): the lease fences the old region (its instances read the authority and
//   go into maintenance within one endpoint-watcher period, 15 s); this step waits that out, then
//   waits for proof that every committed write reached the replica, so the database is promoted
//   with all of them: an RPO heartbeat written after the fence settled, on the replica
//   (fenceHeartbeat.ts); zero ReplicaLag measured after the fence only where the heartbeat cannot
//   give that proof (no reader, unreadable, or its writers gone). Without it a "planned"
//   promotion could lose the writes of the last seconds before the fence, which is what an
//   unplanned one does.
// reopen-gate (promoting the home region): the gate alarm guarding the home region's PRIMARY
//   record lives in the authority region, and its missing data keeps the last state; promotion
//   of the home region must publish 0 THERE, not 1 locally as the library's gate step does.
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { backoffMs, sleep } from "../functions/region/deadline";
import { cloudWatchLagReader, rdsReplicaLagMetric } from "../functions/region/lag";
import { PLANNED_QUIESCE } from "../functions/region/recoveryBudget";
import {
  gateMetricCommand,
  observeDatabase,
  type PromotionStep,
  type StepResult,
} from "../functions/region/steps";
import { callOptions, retryThrottled } from "../functions/region/steps/context";
import { FenceHeartbeat, type QuiesceHeartbeat } from "./fenceHeartbeat";
import type { Progress } from "./progress";

export interface QuiesceTimings {
  /** Time for the old region's instances to see the fence (two endpoint-watcher periods). */
  settleMs: number;
  /** The whole wait, after which the step fails and the promotion stays resumable. */
  deadlineMs: number;
}

export const DEFAULT_QUIESCE: QuiesceTimings = {
  settleMs: PLANNED_QUIESCE.settleMs,
  deadlineMs: PLANNED_QUIESCE.deadlineMs,
};

export function quiesceStep(
  timings: QuiesceTimings,
  now: () => number,
  heartbeat?: QuiesceHeartbeat,
): PromotionStep {
  return {
    name: "quiesce",
    deadlineMs: () => timings.deadlineMs,
    async run(ctx): Promise<StepResult> {
      const before = await retryThrottled(ctx, () => observeDatabase(ctx));
      if (!before.source) {
        return { outcome: "already-done", detail: "database already standalone (resumed run)" };
      }
      const fencedAt = now();
      const beats = heartbeat && new FenceHeartbeat(heartbeat, timings.settleMs, now);
      await beats?.atFence(ctx.signal);
      await sleep(timings.settleMs, ctx.signal);
      for (let attempt = 0; ; attempt++) {
        const look = beats
          ? await beats.look(ctx.signal)
          : { lagMayDecide: true, why: "no heartbeat reader on this stack" };
        if (look.proof) {
          return { outcome: "done", detail: `${look.proof}: every write before it is there` };
        }
        const read = cloudWatchLagReader(
          ctx.clients.cloudWatch,
          rdsReplicaLagMetric(ctx.settings.database.instanceId),
          // Only datapoints after the fence count (earlier ones describe writes still coming):
          // CloudWatch returns minute buckets starting after StartTime, the first a minute or two
          // after the fence, which the step's deadline allows for.
          Math.max(1_000, now() - fencedAt),
          now,
        );
        const reading = await retryThrottled(ctx, () => read(ctx.signal));
        if (reading.seconds === 0 && look.lagMayDecide) {
          return { outcome: "done", detail: `replica lag 0 s after the fence (${look.why})` };
        }
        ctx.log.info("quiesce-waiting", { reading: reading.detail, heartbeat: look.why, attempt });
        await sleep(
          backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
          ctx.signal,
        );
      }
    },
  };
}

/** Named "gate" like the library's step, so reports compare the same step in both directions. */
export function reopenGateStep(gateClient: CloudWatchClient, gateRegion: string): PromotionStep {
  return {
    name: "gate",
    deadlineMs: (s) => s.deadlines.gateMs,
    async run(ctx): Promise<StepResult> {
      await retryThrottled(ctx, () =>
        gateClient.send(gateMetricCommand(ctx.settings, 0), callOptions(ctx)),
      );
      const { namespace, metricName } = ctx.settings.gate;
      return { outcome: "done", detail: `${namespace}/${metricName} = 0 in ${gateRegion}` };
    },
  };
}

/** The same step, printing a start and an end line around it. */
export function reported(step: PromotionStep, progress: Progress, detail: string): PromotionStep {
  return {
    name: step.name,
    deadlineMs: step.deadlineMs,
    run: (ctx) =>
      progress.step(
        step.name,
        detail,
        () => step.run(ctx),
        (r) => ({ outcome: r.outcome, result: r.detail }),
      ),
  };
}
