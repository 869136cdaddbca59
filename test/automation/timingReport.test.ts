// Progress lines and the drill's timing report on a clock the test moves: each line as the
// operator reads it (UTC time, outcome, step, duration, result), each step against its share of
// the recovery budget (within, OVER, none for IaC), labels naming the stack only for the steps
// that run per stack, and the promotion's total against the planned RTO.
import assert from "node:assert/strict";
import { Progress } from "../../automation/progress";
import { printTimingReport } from "../../automation/timingReport";
import { readTopology, stackNamed } from "../../automation/topology";

const EUW1 = stackNamed(readTopology(), "prod-euw1");
const T0 = Date.UTC(2026, 10, 29, 23, 59, 58); // 2026-11-29T23:59:58Z

describe("promote CLI: progress lines and the drill's timing report", () => {
  it("prints each step's start and end, then measures them against the budget", async () => {
    let now = T0;
    const lines: string[] = [];
    const progress = new Progress(
      (line) => lines.push(line),
      () => now,
    );
    const after = (ms: number) => async () => {
      now += ms;
      return ms;
    };

    const lease = progress.start("lease", "take the authority lease at epoch 0 for eu-west-1");
    now += 1_200;
    progress.end(lease, "done", "epoch 1, operator:alice");
    await progress.step("quiesce", "lambda:Invoke", after(40_000), (ms) => ({
      result: `quiet after ${ms} ms`,
    }));
    await assert.rejects(
      progress.step("cache", "elasticache:FailoverGlobalReplicationGroup", async () => {
        now += 2_500;
        throw new Error("The Global datastore is not available");
      }),
      { message: "The Global datastore is not available" },
    );
    await progress.step("database", "rds:PromoteReadReplica", after(299_949));
    await progress.step("search", "lambda:Invoke", after(51), () => ({
      outcome: "reindex-requested",
      result: "indices empty",
    }));
    await progress.step("gate", "cloudwatch:PutMetricData", after(3_000));
    progress.skip("refresh", "prod-use1: us-east-1 is the region being failed away from");
    await progress.step("control-planes", "IAM and Route 53 APIs (us-east-1) answer", after(700));
    await progress.step("config", "prod-euw1: magento-dr:activeRegion = eu-west-1", after(3_400));
    await progress.step("up", "prod-euw1 with policy pack policies", after(125_000));

    assert.deepEqual(lines, [
      "23:59:58Z  start    lease          take the authority lease at epoch 0 for eu-west-1",
      "23:59:59Z  done     lease          1.2 s  epoch 1, operator:alice",
      "23:59:59Z  start    quiesce        lambda:Invoke",
      "00:00:39Z  done     quiesce        40.0 s  quiet after 40000 ms",
      "00:00:39Z  start    cache          elasticache:FailoverGlobalReplicationGroup",
      "00:00:41Z  failed   cache          2.5 s  The Global datastore is not available",
      "00:00:41Z  start    database       rds:PromoteReadReplica",
      "00:05:41Z  done     database       299.9 s",
      "00:05:41Z  start    search         lambda:Invoke",
      "00:05:41Z  reindex-requested search         0.1 s  indices empty",
      "00:05:41Z  start    gate           cloudwatch:PutMetricData",
      "00:05:44Z  done     gate           3.0 s",
      "00:05:44Z  skipped  refresh        prod-use1: us-east-1 is the region being failed away from",
      "00:05:44Z  start    control-planes IAM and Route 53 APIs (us-east-1) answer",
      "00:05:45Z  done     control-planes 0.7 s",
      "00:05:45Z  start    config         prod-euw1: magento-dr:activeRegion = eu-west-1",
      "00:05:48Z  done     config         3.4 s",
      "00:05:48Z  start    up             prod-euw1 with policy pack policies",
      "00:07:53Z  done     up             125.0 s",
    ]);
    assert.deepEqual(
      progress.records.map((r) => [r.name, r.outcome, r.durationMs]),
      [
        ["lease", "done", 1_200],
        ["quiesce", "done", 40_000],
        ["cache", "failed", 2_500],
        ["database", "done", 299_949],
        ["search", "reindex-requested", 51],
        ["gate", "done", 3_000],
        ["refresh", "skipped", undefined],
        ["control-planes", "done", 700],
        ["config", "done", 3_400],
        ["up", "done", 125_000],
      ],
    );

    const report: string[] = [];
    printTimingReport((line) => report.push(line), "leg 1", EUW1, 60, progress.records);
    assert.deepEqual(report, [
      "timing, leg 1 (to prod-euw1), against the planned recovery budget:",
      "  step                      measured   budget  verdict",
      "  lease                        1.2 s      5 s  within",
      "  quiesce                     40.0 s     35 s  OVER",
      "  cache (failed)               2.5 s     60 s  within",
      "  database                   299.9 s    300 s  within",
      "  search                       0.1 s        -",
      "  gate                         3.0 s     60 s  within (publish only; the alarm, Route 53's health check and the TTL follow)",
      "  control-planes               0.7 s        -",
      "  config prod-euw1             3.4 s        -",
      "  up prod-euw1               125.0 s        -",
      "  promotion total            346.7 s    505 s  within the planned RTO (DNS excluded; worst path 1190 s)",
    ]);
  });

  it("a step exactly at its budget is within, a promotion over the RTO is OVER", () => {
    const record = (name: string, startedAt: number, durationMs: number) => ({
      name,
      detail: "",
      startedAt,
      endedAt: startedAt + durationMs,
      durationMs,
      outcome: "done" as const,
    });
    const report: string[] = [];
    printTimingReport((line) => report.push(line), "leg 2", EUW1, 60, [
      record("endpoints", T0, 15_000),
      record("media", T0 + 15_000, 300_100),
      record("capacity", T0 + 315_100, 200_000),
    ]);
    assert.deepEqual(report.slice(2), [
      "  endpoints                   15.0 s     15 s  within",
      "  media                      300.1 s    300 s  OVER",
      "  capacity                   200.0 s     60 s  OVER",
      "  promotion total            515.1 s    505 s  OVER the planned RTO (DNS excluded; worst path 1190 s)",
    ]);
  });

  it("no promotion step measured: no total", () => {
    const report: string[] = [];
    printTimingReport((line) => report.push(line), "leg 1", EUW1, 60, []);
    assert.deepEqual(report, [
      "timing, leg 1 (to prod-euw1), against the planned recovery budget:",
      "  step                      measured   budget  verdict",
    ]);
  });
});
