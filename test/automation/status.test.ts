// `status`: roles, epoch, lag per tier, health and the failover outlook; read-only, and a dead
// region shows as unreachable instead of failing the report.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { FakeAws, HOME } from "./helpers/fakeAws";
import { assertNothingChanged, cliSuite, type Cli } from "./helpers/harness";

describe("promote CLI: status", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("reports roles, epoch, per-tier lag, health and what a failover would do, writing nothing", async () => {
    c = await suite.start();
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    assertNothingChanged(c, await c.authority());
    const out = c.output();
    for (const pattern of [
      /authority \(promote-\S+, eu-west-1\): us-east-1 active, epoch 0, phase steady, no lease held/,
      /prod-euw1 +eu-west-1 +authority +standby \(fenced\)/,
      /prod-use1 +us-east-1 +home +ACTIVE/,
      /health +https:\/\/us-east-1\.shop\.example\.com\/health_check\.php: healthy \(HTTP 200\)/,
      /database +available, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1/,
      /database +available, standalone writer/,
      /cache +available, secondary/,
      /media +replica of fs-898c2e8978d42d1ec \(ENABLED\)/,
      /replication lag into eu-west-1 \(prod-euw1\):/,
      /database +0 s +budget 60 s +ok/,
      /cache +0\.4 s +budget 60 s +ok/,
      /media +\d+ s +budget 900 s +ok/,
      /planned --to prod-euw1: +would proceed/,
      /unplanned --to prod-euw1: would promote after confirmation, losing up to database 0 s, cache 0\.4 s, media \d+ s/,
    ]) {
      assert.match(out, pattern);
    }
  });

  it("shows a dead region as unreachable and still reports the rest", async () => {
    const aws = new FakeAws();
    aws.unreachableRegion = HOME;
    aws.state.lag.ReplicaLag = [];
    c = await suite.start(aws);
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    const out = c.output();
    assert.match(out, /prod-use1 [\s\S]*database +unreachable \(connect ETIMEDOUT rds\.us-east-1/);
    assert.match(out, /database +unknown +budget 60 s +OVER BUDGET +\(no ReplicaLag datapoints/);
    assert.match(out, /planned --to prod-euw1: +REFUSED, lag over budget: database/);
    assert.deepEqual(c.aws.writes(), []);
  });
});
