// The region gate: publish the gate metric in THIS region. Its alarm (created by the home stack in
// this region) drives a health check that is part of the PRIMARY record's calculated check, so
// Route 53's health checkers (data plane) move traffic to the SECONDARY record. No Route 53 API is
// called: ChangeResourceRecordSets lives in us-east-1, which may be the region that is down.
// Publishing again is harmless, which is what makes the step idempotent; the detector re-publishes
// it every run while this region is active, so the gate cannot reopen on missing data.
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { RegionFailoverSettings } from "../settings";
import type { RegionalClients } from "../clients";
import { callOptions, retryThrottled, type PromotionStep } from "./context";

/** The gate metric's value while failed over; an operator's failback publishes 0. */
export const GATE_CLOSED_VALUE = 1;

export function gateMetricCommand(settings: RegionFailoverSettings, value = GATE_CLOSED_VALUE) {
  return new PutMetricDataCommand({
    Namespace: settings.gate.namespace,
    MetricData: [
      {
        MetricName: settings.gate.metricName,
        Dimensions: Object.entries(settings.gate.dimensions).map(([Name, Value]) => ({
          Name,
          Value,
        })),
        Value: value,
        Unit: "Count",
      },
    ],
  });
}

export async function publishGate(
  clients: RegionalClients,
  settings: RegionFailoverSettings,
  signal?: AbortSignal,
) {
  await clients.cloudWatch.send(gateMetricCommand(settings), { abortSignal: signal });
}

export const gateStep: PromotionStep = {
  name: "gate",
  deadlineMs: (s) => s.deadlines.gateMs,
  async run(ctx) {
    await retryThrottled(ctx, () =>
      ctx.clients.cloudWatch.send(gateMetricCommand(ctx.settings), callOptions(ctx)),
    );
    return {
      outcome: "done",
      detail: `${ctx.settings.gate.namespace}/${ctx.settings.gate.metricName} = 1`,
    };
  },
};
