// The replication lag reader as deployed (functions/region/lag.ts: cloudWatchLagReader) against a
// CloudWatch double that answers GetMetricData as CloudWatch does: datapoints only for the exact
// metric identity asked (namespace, name, every dimension), only inside [StartTime, EndTime), at
// the requested statistic and period ("GetMetricData", CloudWatch API Reference; a metric is
// "uniquely defined by a name, a namespace, and zero or more dimensions", "Metrics concepts").
import type { CloudWatchClient, GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import {
  checkLag,
  cloudWatchLagReader,
  rdsReplicaLagMetric,
  type LagMetric,
} from "../../functions/region/lag";
import { assert } from "./helpers/assertions";

const NOW = Date.UTC(2026, 10, 29, 23, 0, 0);

interface Series {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  points: { at: number; value: number }[];
}

/** A CloudWatch client answering GetMetricData from `series`; records what it was asked. */
function cloudWatch(series: Series[]) {
  const asked: { input: GetMetricDataCommandInput; signal?: AbortSignal }[] = [];
  const client = {
    send: async (
      command: { input: GetMetricDataCommandInput },
      options?: { abortSignal?: AbortSignal },
    ) => {
      asked.push({ input: command.input, signal: options?.abortSignal });
      const { StartTime, EndTime, MetricDataQueries } = command.input;
      return {
        MetricDataResults: (MetricDataQueries ?? []).map((q) => {
          const stat = q.MetricStat!;
          const asks = stat.Metric!;
          const dims = Object.fromEntries((asks.Dimensions ?? []).map((d) => [d.Name, d.Value]));
          const match = series.find(
            (s) =>
              s.namespace === asks.Namespace &&
              s.metricName === asks.MetricName &&
              JSON.stringify(Object.entries(s.dimensions).sort()) ===
                JSON.stringify(Object.entries(dims).sort()),
          );
          const inWindow = (match?.points ?? []).filter(
            (p) => p.at >= StartTime!.getTime() && p.at < EndTime!.getTime(),
          );
          // One datapoint per minute at the Maximum: the double keeps one point per minute.
          const usable = stat.Period === 60 && stat.Stat === "Maximum";
          return { Id: q.Id, Values: usable ? inWindow.map((p) => p.value) : [] };
        }),
      };
    },
  };
  return { client: client as unknown as CloudWatchClient, asked };
}

const replica = (points: [number, number][], instance = "magento-db-euw1"): Series => ({
  namespace: "AWS/RDS",
  metricName: "ReplicaLag",
  dimensions: { DBInstanceIdentifier: instance },
  points: points.map(([minutesAgo, value]) => ({ at: NOW - minutesAgo * 60_000, value })),
});

describe("replication lag: the CloudWatch reader", () => {
  it("the RDS replica's metric: AWS/RDS ReplicaLag of the instance, in seconds", () => {
    assert.deepEqual(rdsReplicaLagMetric("magento-db-euw1"), {
      source: "database",
      namespace: "AWS/RDS",
      metricName: "ReplicaLag",
      dimensions: { DBInstanceIdentifier: "magento-db-euw1" },
      toSeconds: 1,
    });
  });

  it("reads the largest lag of the last five minutes, the replica's -1 left out, with the caller's signal", async () => {
    const { client, asked } = cloudWatch([
      replica([
        [4, 3],
        [3, -1],
        [2, 7],
        [1, 5],
        [6, 99], // before the window
      ]),
    ]);
    const signal = new AbortController().signal;
    const reading = await cloudWatchLagReader(
      client,
      rdsReplicaLagMetric("magento-db-euw1"),
      undefined,
      () => NOW,
    )(signal);
    assert.deepEqual(reading, { source: "database", seconds: 7, detail: "max ReplicaLag 7 s" });
    assert.equal(asked.length, 1);
    assert.equal(asked[0].signal, signal);
    assert.equal(asked[0].input.StartTime!.getTime(), NOW - 300_000);
    assert.equal(asked[0].input.EndTime!.getTime(), NOW);
    assert.equal(asked[0].input.MetricDataQueries![0].Id, "lag");
  });

  it("a metric in milliseconds is converted to seconds", async () => {
    // An invented metric: the reader takes any metric with its unit factor.
    const metric: LagMetric = {
      source: "heartbeat",
      namespace: "Test/Replication",
      metricName: "BeatAgeMs",
      dimensions: { Stack: "prod-euw1" },
      toSeconds: 0.001,
    };
    const { client } = cloudWatch([{ ...metric, points: [{ at: NOW - 60_000, value: 2_500 }] }]);
    assert.deepEqual(await cloudWatchLagReader(client, metric, 120_000, () => NOW)(), {
      source: "heartbeat",
      seconds: 2.5,
      detail: "max BeatAgeMs 2.5 s",
    });
  });

  it("no datapoint (another instance's metric, or only -1): no number, and says which metric", async () => {
    const { client } = cloudWatch([replica([[1, 4]], "magento-db-other"), replica([[1, -1]])]);
    const reading = await cloudWatchLagReader(
      client,
      rdsReplicaLagMetric("magento-db-euw1"),
      undefined,
      () => NOW,
    )();
    assert.deepEqual(reading, {
      source: "database",
      detail: "no ReplicaLag datapoints in the window",
    });
  });

  it("a shorter look-back leaves older datapoints out", async () => {
    const { client } = cloudWatch([
      replica([
        [4, 30],
        [1, 2],
      ]),
    ]);
    const reading = await cloudWatchLagReader(
      client,
      rdsReplicaLagMetric("magento-db-euw1"),
      120_000,
      () => NOW,
    )();
    assert.equal(reading.seconds, 2);
  });
});

describe("replication lag: the verdict over readers", () => {
  it("a reader that fails is an unknown reading, and the verdict says which and why", async () => {
    const verdict = await checkLag(
      [
        async () => ({ source: "database", seconds: 4, detail: "max ReplicaLag 4 s" }),
        async () => {
          throw new Error("AccessDenied: cloudwatch:GetMetricData");
        },
        () => Promise.reject("socket hang up"),
      ],
      30,
    );
    assert.equal(verdict.withinBudget, false);
    assert.deepEqual(verdict.readings.slice(1), [
      { source: "unknown", detail: "lag unreadable: AccessDenied: cloudwatch:GetMetricData" },
      { source: "unknown", detail: "lag unreadable: socket hang up" },
    ]);
    assert.equal(
      verdict.reason,
      "unknown: lag unreadable: AccessDenied: cloudwatch:GetMetricData; " +
        "unknown: lag unreadable: socket hang up (budget 30 s)",
    );
  });

  it("every reader at or under the budget: within it", async () => {
    const verdict = await checkLag(
      [async () => ({ source: "database", seconds: 30, detail: "max ReplicaLag 30 s" })],
      30,
    );
    assert.equal(verdict.withinBudget, true);
    assert.equal(verdict.reason, "replication lag within 30 s");
  });
});
