// Auto Scaling, in two steps that share one waiter:
//  - "app-tier" (critical path): raise the local ASG to the active size and wait until enough
//    instances are InService and healthy to serve (servingInstances: the group's minimum, at
//    least one). Maintenance goes off once this and the database are done.
//  - "capacity" (a track): keep the group raised and wait for the full desired count. If it is
//    not reached before the track's deadline, the shop keeps serving with what it has: the step
//    publishes a metric an alarm watches and reports "capacity-not-reached".
// Scaling requests are throttled under load (Auto Scaling answers "Throttling"): every call backs
// off and retries.
import { METRIC_DIMENSIONS } from "../../contractMetrics";
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DeadlineExceeded, withDeadline } from "../deadline";
import {
  callOptions,
  pollUntil,
  retryThrottled,
  type PromotionStep,
  type StepContext,
} from "./context";

export interface CapacityState {
  min: number;
  desired: number;
  max: number;
  inService: number;
}

/** Time kept back from the deadline to publish the capacity metric. */
const REPORT_RESERVE_MS = 5_000;

export async function observeCapacity(ctx: StepContext): Promise<CapacityState> {
  const name = ctx.settings.capacity.autoScalingGroupName;
  const out = await ctx.clients.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    callOptions(ctx),
  );
  const group = out.AutoScalingGroups?.[0];
  if (!group) throw new Error(`Auto Scaling group ${name} not found`);
  const inService = (group.Instances ?? []).filter(
    (i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy",
  ).length;
  return {
    min: group.MinSize ?? 0,
    desired: group.DesiredCapacity ?? 0,
    max: group.MaxSize ?? 0,
    inService,
  };
}

async function reportShortfall(ctx: StepContext, inService: number): Promise<void> {
  await retryThrottled(ctx, () =>
    ctx.clients.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: ctx.settings.gate.namespace,
        MetricData: [
          {
            MetricName: ctx.settings.capacityAlarmMetricName,
            Dimensions: [
              {
                Name: METRIC_DIMENSIONS.autoScalingGroup,
                Value: ctx.settings.capacity.autoScalingGroupName,
              },
            ],
            Value: ctx.settings.capacity.desired - inService,
            Unit: "Count",
          },
        ],
      }),
      callOptions(ctx),
    ),
  );
}

/** Instances that must be InService before the shop takes orders: the minimum, at least one. */
export function servingInstances(target: { min: number; desired: number }): number {
  return Math.max(1, Math.min(target.min, target.desired));
}

/**
 * Raises the group to the target (never shrinks it) and waits until `enough` instances are in
 * service, re-raising whenever it is seen below the target: a fence run that read the authority
 * just before the lease was taken may still shrink it once. Returns the last observation and
 * whether anything was changed; throws the step's deadline error when `enough` is never reached,
 * or `capacity-wait` when `waitMs` runs out first.
 */
async function raiseAndWait(
  ctx: StepContext,
  enough: number,
  waitMs: number,
  seen: { last?: CapacityState; changed: boolean },
): Promise<void> {
  const target = ctx.settings.capacity;
  await withDeadline(
    "capacity-wait",
    waitMs,
    async (signal) => {
      const inner = { ...ctx, signal };
      const below = (state: CapacityState) =>
        state.desired < target.desired || state.min < target.min || state.max < target.max;
      const raise = (state: CapacityState) =>
        retryThrottled(inner, () =>
          ctx.clients.autoScaling.send(
            new UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: target.autoScalingGroupName,
              MinSize: Math.max(state.min, target.min),
              DesiredCapacity: Math.max(state.desired, target.desired),
              MaxSize: Math.max(state.max, target.max),
            }),
            { abortSignal: signal },
          ),
        );
      const observeAndHold = async () => {
        const state = await retryThrottled(inner, () => observeCapacity(inner));
        seen.last = state;
        if (below(state)) {
          seen.changed = true;
          await raise(state);
        }
        return state;
      };
      await observeAndHold();
      await pollUntil(inner, observeAndHold, (s) => s.inService >= enough);
    },
    ctx.signal,
  );
}

export const appTierStep: PromotionStep = {
  name: "app-tier",
  deadlineMs: (s) => s.deadlines.capacityMs,
  async run(ctx) {
    const enough = servingInstances(ctx.settings.capacity);
    const seen: { last?: CapacityState; changed: boolean } = { changed: false };
    await raiseAndWait(ctx, enough, Math.max(1, ctx.deadlineAt - Date.now()), seen);
    return {
      outcome: seen.changed ? "done" : "already-done",
      detail: `${seen.last?.inService ?? 0} instances in service (${enough} needed to serve)`,
    };
  },
};

export const capacityStep: PromotionStep = {
  name: "capacity",
  deadlineMs: (s) => s.deadlines.capacityMs,
  async run(ctx) {
    const target = ctx.settings.capacity;
    // Keep part of the deadline back to report a shortfall; throttling may eat the rest.
    const reserveMs = Math.min(REPORT_RESERVE_MS, capacityStep.deadlineMs(ctx.settings) / 5);
    const waitMs = Math.max(1, ctx.deadlineAt - Date.now() - reserveMs);
    const seen: { last?: CapacityState; changed: boolean } = { changed: false };
    try {
      await raiseAndWait(ctx, target.desired, waitMs, seen);
    } catch (error) {
      if (!(error instanceof DeadlineExceeded && error.label === "capacity-wait")) throw error;
      const inService = seen.last?.inService ?? 0;
      await reportShortfall(ctx, inService);
      return {
        outcome: "capacity-not-reached",
        detail: `${inService} of ${target.desired} instances in service at the deadline`,
      };
    }
    return {
      outcome: seen.changed ? "done" : "already-done",
      detail: `${seen.last?.inService ?? 0} of ${target.desired} instances in service`,
    };
  },
};
