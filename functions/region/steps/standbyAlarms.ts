// Alarms that only mean something while the local database is a replica. Once it is promoted, RDS
// publishes no ReplicaLag for it and the replica-lag alarm (missing data = breaching) would sit in
// ALARM for as long as the region serves, hiding the next real page. The database step turns their
// actions off as soon as the instance is standalone: "When an alarm's actions are disabled, the
// alarm actions do not execute when the alarm state changes" (CloudWatch API Reference,
// DisableAlarmActions). The next `up` with the new activeRegion agrees (actionsEnabled follows the
// active region, components/monitoring.ts), so the two never fight.
//
// Observe before acting, like every step: a resumed run finds the actions already off and asks
// nothing. Best effort: an alarm left on is noise, not a risk to the shop, so a refusal is logged
// and reported in the step's detail, never a reason to fail the critical path.
import { DescribeAlarmsCommand, DisableAlarmActionsCommand } from "@aws-sdk/client-cloudwatch";
import { errorName } from "../errors";
import { callOptions, retryThrottled, type StepContext } from "./context";

/** Turns off the standby-only alarms' actions; returns what to add to the step's detail. */
export async function quietStandbyAlarms(ctx: StepContext): Promise<string> {
  const names = ctx.settings.database.standbyAlarmNames ?? [];
  if (names.length === 0) return "";
  try {
    const described = await retryThrottled(ctx, () =>
      ctx.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ["MetricAlarm"] }),
        callOptions(ctx),
      ),
    );
    const acting = (described.MetricAlarms ?? [])
      .filter((a) => a.ActionsEnabled !== false)
      .map((a) => a.AlarmName!);
    if (acting.length > 0) {
      await retryThrottled(ctx, () =>
        ctx.clients.cloudWatch.send(
          new DisableAlarmActionsCommand({ AlarmNames: acting }),
          callOptions(ctx),
        ),
      );
      ctx.log.info("standby-alarms-quiet", { alarms: acting });
    }
    return `; standby-only alarm actions off (${names.join(", ")})`;
  } catch (error) {
    ctx.log.warn("standby-alarms-not-quiet", { alarms: names, error: errorName(error) });
    return `; standby-only alarms still page (${errorName(error)}): disable ${names.join(", ")} by hand`;
  }
}
