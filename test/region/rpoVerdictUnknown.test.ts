// What an unknown loss window means at the RPO gate: the orchestrator refuses whatever the lag
// metric says (no human in the loop); the operator CLI falls back to the lag metric, which then
// decides as it does without a reader (unknown lag = over). A known window decides either way.
import assert from "node:assert/strict";
import { lagVerdict, type LagReading } from "../../functions/region/lag";
import { rpoVerdict, type LossWindow } from "../../functions/region/lossWindow";

const BUDGET = 60;
const unknown: LossWindow = {
  source: "heartbeat",
  measuredAt: "2026-11-29T20:00:00.000Z",
  detail: "heartbeat unreadable: Task timed out after 30.03 seconds",
};
const known = (seconds: number): LossWindow => ({ ...unknown, seconds, detail: "beat" });
const lag = (...seconds: (number | undefined)[]) =>
  lagVerdict(
    seconds.map((s): LagReading => ({ source: "database", seconds: s, detail: `lag ${s}` })),
    BUDGET,
  );

describe("the RPO gate: an unknown loss window", () => {
  it("the orchestrator's default refuses even with the lag metric at 0", () => {
    const verdict = rpoVerdict(unknown, lag(0), BUDGET);
    assert.equal(verdict.withinBudget, false);
    assert.match(verdict.reason, /loss window unknown, the RPO is not shown to hold/);
  });

  it("lag-decides: within budget only when every lag reading is a number within it", () => {
    const ok = rpoVerdict(unknown, lag(0, 60), BUDGET, "lag-decides");
    assert.equal(ok.withinBudget, true);
    assert.equal(ok.lossWindow, unknown, "the unknown window is still recorded");
    assert.match(
      ok.reason,
      /^loss window unknown \(heartbeat unreadable: Task timed out.*\), falling back to the lag metric: replication lag within 60 s$/,
    );
    assert.equal(rpoVerdict(unknown, lag(0, 61), BUDGET, "lag-decides").withinBudget, false);
    const both = rpoVerdict(unknown, lag(undefined), BUDGET, "lag-decides");
    assert.equal(both.withinBudget, false, "both unknown: refused");
    assert.match(
      both.reason,
      /falling back to the lag metric: database: lag undefined \(budget 60 s\)/,
    );
  });

  it("a known window decides whatever the rule for an unknown one", () => {
    for (const rule of ["refuse", "lag-decides"] as const) {
      assert.equal(rpoVerdict(known(61), lag(0), BUDGET, rule).withinBudget, false, rule);
      assert.equal(rpoVerdict(known(60), lag(95), BUDGET, rule).withinBudget, true, rule);
    }
  });
});
