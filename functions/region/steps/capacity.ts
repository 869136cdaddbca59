// Auto Scaling: raise the local ASG to the active size, then wait for the instances to be
// InService and healthy. Scaling requests are throttled under load (Auto Scaling answers
// "Throttling"): every call backs off and retries. If capacity is not reached before the step's
// deadline, the step still succeeds (traffic should move: serving with fewer instances beats not
// serving) but publishes a metric an alarm watches and reports "capacity-not-reached".
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
              { Name: "AutoScalingGroupName", Value: ctx.settings.capacity.autoScalingGroupName },
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

export const capacityStep: PromotionStep = {
  name: "capacity",
  deadlineMs: (s) => s.deadlines.capacityMs,
  async run(ctx) {
    const target = ctx.settings.capacity;
    // Keep part of the deadline back to report a shortfall; throttling may eat the rest.
    const reserveMs = Math.min(REPORT_RESERVE_MS, capacityStep.deadlineMs(ctx.settings) / 5);
    const waitMs = Math.max(1, ctx.deadlineAt - Date.now() - reserveMs);
    let last: CapacityState | undefined;
    let changed = false;
    try {
      await withDeadline(
        "capacity-wait",
        waitMs,
        async (signal) => {
          const inner = { ...ctx, signal };
          // Every observation is kept, so a shortfall reports what was last seen.
          const observe = async () => (last = await observeCapacity(inner));
          const below = (state: CapacityState) =>
            state.desired < target.desired || state.min < target.min || state.max < target.max;
          // Never shrink: someone may already have scaled further up by hand.
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
          // Raised again whenever the group is seen below the target while waiting: a fence run
          // that read the authority just before the lease was taken may still shrink it once.
          const observeAndHold = async () => {
            const state = await retryThrottled(inner, observe);
            if (below(state)) {
              changed = true;
              await raise(state);
            }
            return state;
          };
          await observeAndHold();
          await pollUntil(inner, observeAndHold, (s) => s.inService >= target.desired);
        },
        ctx.signal,
      );
    } catch (error) {
      if (!(error instanceof DeadlineExceeded && error.label === "capacity-wait")) throw error;
      const inService = last?.inService ?? 0;
      await reportShortfall(ctx, inService);
      return {
        outcome: "capacity-not-reached",
        detail: `${inService} of ${target.desired} instances in service at the deadline`,
      };
    }
    return {
      outcome: changed ? "done" : "already-done",
      detail: `${last?.inService ?? 0} of ${target.desired} instances in service`,
    };
  },
};
