// Replication lag, the RPO side of the decision. Readers are passed in so the orchestrator does
// not care where a number comes from; the default reads CloudWatch in the LOCAL region, where a
// replica's own lag metric lives (RDS publishes ReplicaLag for the replica instance).
// A reading uses the maximum over a look-back window: in an outage the replica stops reporting
// a meaningful value, and the last values before the failure are the data that may be lost.
import { AWS_METRICS } from "../contractMetrics";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";

export interface LagReading {
  source: string;
  /** Undefined when no datapoint exists: the RPO cannot be shown to hold. */
  seconds?: number;
  detail: string;
}

export type LagReader = (signal?: AbortSignal) => Promise<LagReading>;

export interface LagMetric {
  source: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Multiply the metric's value by this to get seconds (1 for seconds, 0.001 for ms). */
  toSeconds: number;
}

export const rdsReplicaLagMetric = (instanceId: string): LagMetric => ({
  source: "database",
  ...AWS_METRICS.rdsReplicaLag,
  dimensions: { DBInstanceIdentifier: instanceId },
  toSeconds: 1,
});

export function cloudWatchLagReader(
  client: CloudWatchClient,
  metric: LagMetric,
  lookbackMs = 300_000,
  now: () => number = Date.now,
): LagReader {
  return async (signal) => {
    const end = now();
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(end - lookbackMs),
        EndTime: new Date(end),
        MetricDataQueries: [
          {
            Id: "lag",
            MetricStat: {
              Metric: {
                Namespace: metric.namespace,
                MetricName: metric.metricName,
                Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({
                  Name,
                  Value,
                })),
              },
              Period: 60,
              Stat: "Maximum",
            },
          },
        ],
      }),
      { abortSignal: signal },
    );
    // RDS reports -1 while replication is broken: not a lag, so not a datapoint.
    const values = (out.MetricDataResults?.[0]?.Values ?? []).filter((v) => v >= 0);
    if (values.length === 0) {
      return { source: metric.source, detail: `no ${metric.metricName} datapoints in the window` };
    }
    const seconds = Math.max(...values) * metric.toSeconds;
    return { source: metric.source, seconds, detail: `max ${metric.metricName} ${seconds} s` };
  };
}

export interface LagVerdict {
  withinBudget: boolean;
  readings: LagReading[];
  reason: string;
}

/** Within budget only when every reader returned a number at or under the budget. */
export async function checkLag(
  readers: LagReader[],
  budgetSeconds: number,
  signal?: AbortSignal,
): Promise<LagVerdict> {
  const readings = await Promise.all(
    readers.map((read) =>
      read(signal).catch((error: unknown) => ({
        source: "unknown",
        detail: `lag unreadable: ${(error as Error)?.message ?? String(error)}`,
      })),
    ),
  );
  return lagVerdict(readings, budgetSeconds);
}

/**
 * The verdict on readings already taken (the operator CLI reads each tier once, then decides):
 * within budget only when every reading has a number at or under the budget.
 */
export function lagVerdict(readings: LagReading[], budgetSeconds: number): LagVerdict {
  const over = readings.filter((r) => r.seconds === undefined || r.seconds > budgetSeconds);
  return {
    withinBudget: over.length === 0,
    readings,
    reason:
      over.length === 0
        ? `replication lag within ${budgetSeconds} s`
        : over.map((r) => `${r.source}: ${r.detail}`).join("; ") + ` (budget ${budgetSeconds} s)`,
  };
}
