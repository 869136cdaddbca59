// The RPO gate as a pure function, each verdict's reason written out: the loss window at, under
// and over the budget; the database's lag metric beside it (named only when it disagrees); other
// tiers' lag readings still deciding; and the window read from a reader's report.
import type { LagReading, LagVerdict } from "../../functions/region/lag";
import { lossWindowFrom, rpoVerdict, type LossWindow } from "../../functions/region/lossWindow";
import { assert } from "./helpers/assertions";

const window = (seconds: number | undefined): LossWindow => ({
  source: "heartbeat",
  seconds,
  measuredAt: "2026-11-29T10:00:00.000Z",
  detail: "beat",
});
const lag = (...readings: LagReading[]): LagVerdict => ({
  withinBudget: true,
  reason: "lag",
  readings,
});
const db = (seconds: number | undefined): LagReading => ({
  source: "database",
  seconds,
  detail: `${seconds} s`,
});
const cache = (seconds: number | undefined): LagReading => ({
  source: "cache",
  seconds,
  detail: `${seconds} s`,
});

describe("the RPO gate's verdict", () => {
  it("a window at the budget is within it; a tenth of a second over is not", () => {
    assert.deepEqual(rpoVerdict(window(30), lag(db(30)), 30), {
      withinBudget: true,
      reason: "loss window 30 s within the 30 s budget (beat)",
      lossWindow: window(30),
      readings: [db(30)],
    });
    assert.deepEqual(rpoVerdict(window(30.1), lag(db(31)), 30), {
      withinBudget: false,
      reason: "loss window 30.1 s over the 30 s budget (beat)",
      lossWindow: window(30.1),
      readings: [db(31)],
    });
  });

  it("the database's lag metric is a secondary signal: named when it disagrees, never deciding", () => {
    assert.deepEqual(
      rpoVerdict(window(5), lag(db(31)), 30).reason,
      "loss window 5 s within the 30 s budget (beat); secondary signal, not deciding: database lag metric 31 s",
    );
    assert.equal(rpoVerdict(window(5), lag(db(31)), 30).withinBudget, true);
    assert.equal(
      rpoVerdict(window(40), lag(db(0)), 30).reason,
      "loss window 40 s over the 30 s budget (beat); secondary signal, not deciding: database lag metric 0 s",
    );
    assert.equal(
      rpoVerdict(window(5), lag(db(undefined)), 30).reason,
      "loss window 5 s within the 30 s budget (beat); secondary signal, not deciding: database lag metric undefined s",
      "an unknown lag metric disagrees with a window within budget",
    );
  });

  it("another tier's lag over budget (or unknown) still decides; at the budget it does not", () => {
    assert.deepEqual(rpoVerdict(window(5), lag(db(1), cache(31)), 30), {
      withinBudget: false,
      reason: "loss window 5 s within the 30 s budget (beat); cache: 31 s (budget 30 s)",
      lossWindow: window(5),
      readings: [db(1), cache(31)],
    });
    assert.equal(rpoVerdict(window(5), lag(cache(undefined)), 30).withinBudget, false);
    assert.deepEqual(rpoVerdict(window(5), lag(cache(30)), 30).withinBudget, true);
  });

  it("several database lag metrics disagreeing are each named", () => {
    assert.equal(
      rpoVerdict(window(5), lag(db(31), db(40)), 30).reason,
      "loss window 5 s within the 30 s budget (beat); secondary signal, not deciding: " +
        "database lag metric 31 s; database lag metric 40 s",
    );
  });

  it("an unknown window is the RPO not shown to hold", () => {
    assert.deepEqual(rpoVerdict({ ...window(undefined), detail: "no beat" }, lag(db(0)), 30), {
      withinBudget: false,
      reason:
        "loss window unknown, the RPO is not shown to hold: no beat; secondary signal, not deciding: database lag metric 0 s",
      lossWindow: { ...window(undefined), detail: "no beat" },
      readings: [db(0)],
    });
  });

  it("without a window the lag verdict decides and says so", () => {
    assert.deepEqual(
      rpoVerdict(undefined, { withinBudget: false, reason: "lag 40 s", readings: [db(40)] }, 30),
      {
        withinBudget: false,
        reason: "lag 40 s (no RPO heartbeat configured: the lag metric decides)",
        readings: [db(40)],
      },
    );
  });
});

describe("the loss window from a reader's report", () => {
  const now = Date.parse("2026-11-29T10:00:40.000Z");
  const report = (beatAt: string) => ({
    detail: "replica clock",
    beats: [
      { region: "eu-west-1", beatAt: "2026-11-29T10:00:39.000Z", writer: "i-euw1" },
      { region: "us-east-1", beatAt, writer: "i-use1" },
    ],
  });

  it("measures from the named region's beat, to the tenth of a second", () => {
    assert.deepEqual(
      lossWindowFrom(report("2026-11-29T10:00:00.050Z") as never, "us-east-1", now),
      {
        source: "heartbeat",
        seconds: 40,
        heartbeatAt: "2026-11-29T10:00:00.050Z",
        measuredAt: "2026-11-29T10:00:40.000Z",
        detail:
          "newest replicated heartbeat of us-east-1 at 2026-11-29T10:00:00.050Z (i-use1), 40 s before 2026-11-29T10:00:40.000Z",
      },
    );
  });

  it("carries the replica's own clock at the read when the reader reports it", () => {
    const withClock = { ...report("2026-11-29T10:00:00.000Z"), readAt: "2026-11-29T10:00:39.500Z" };
    assert.equal(
      lossWindowFrom(withClock as never, "us-east-1", now).replicaClockAt,
      "2026-11-29T10:00:39.500Z",
    );
    assert.equal(
      lossWindowFrom({ ...withClock, beats: [] } as never, "us-east-1", now).replicaClockAt,
      "2026-11-29T10:00:39.500Z",
    );
    assert.equal("replicaClockAt" in lossWindowFrom(report("x") as never, "us-east-1", now), false);
  });

  it("a beat from the future is clock skew: 0; an unreadable time or no beat is unknown", () => {
    assert.equal(
      lossWindowFrom(report("2026-11-29T10:00:41.000Z") as never, "us-east-1", now).seconds,
      0,
    );
    assert.deepEqual(lossWindowFrom(report("yesterday") as never, "us-east-1", now), {
      source: "heartbeat",
      measuredAt: "2026-11-29T10:00:40.000Z",
      detail: "unreadable beat time yesterday",
    });
    assert.deepEqual(lossWindowFrom(report("x") as never, "ap-south-1", now), {
      source: "heartbeat",
      measuredAt: "2026-11-29T10:00:40.000Z",
      detail: "no heartbeat of ap-south-1 on this replica (replica clock)",
    });
  });
});
