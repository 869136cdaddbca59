// `drill`: the planned leg runs and is timed against the recovery budget; the way back stops at
// the database (RDS keeps no replica through a promotion) with production consistent in the
// standby and the command that finishes the drill.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { STANDBY } from "./helpers/fakeAws";
import { cliSuite, type Cli } from "./helpers/harness";

describe("promote CLI: drill", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("times the switchover per step against the budget, then stops at the way back's database", async () => {
    c = await suite.start();
    c.answers.push(STANDBY);
    const code = await c.run(["drill"]);
    assert.equal(code, ExitCode.failed, c.output());
    assert.match(c.questions[0], /DRILL: production moves to eu-west-1/);
    const out = c.output();
    assert.match(out, /timing, leg 1 \(to prod-euw1\), against the planned recovery budget:/);
    for (const [step, budget] of [
      ["lease", 5],
      ["quiesce", 35],
      ["cache", 60],
      ["database", 300],
      ["app-tier", 120],
      ["endpoints", 15],
      ["gate", 60],
      ["media", 300],
      ["capacity", 60],
    ] as const) {
      assert.match(out, new RegExp(`\\n  ${step} +\\d+\\.\\d s +${budget} s  within`), step);
    }
    assert.match(out, /promotion total +\d+\.\d s +\d+ s  within the planned RTO/);
    assert.match(
      out,
      /FAILED: the drill's way back stopped: replication towards us-east-1 is not established for: database/,
    );
    assert.match(out, /state: leg 1 is complete: eu-west-1 is active and consistent/);
    assert.match(
      out,
      /next: .*then `npm run promote -- failback --to prod-use1` finishes the drill/,
    );
    const authority = await c.authority();
    assert.equal(authority.activeRegion, STANDBY);
    assert.equal(authority.phase, "completed");
  });
});
