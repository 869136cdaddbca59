// `status`: roles, epoch, the measured loss window, lag per tier, health and the failover outlook;
// read-only, and a dead region shows as unreachable instead of failing the report.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { FakeAws, HOME, STANDBY } from "./helpers/fakeAws";
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
      /authority \(promote-\S+, us-west-2\): us-east-1 active, epoch 0, phase steady, no lease held/,
      /prod-euw1 +eu-west-1 +standby +standby \(fenced\)/,
      /prod-use1 +us-east-1 +home +ACTIVE/,
      /shallow +https:\/\/us-east-1\.shop\.example\.com\/dr-shallow: answering \(HTTP 200\)/,
      /deep +https:\/\/us-east-1\.shop\.example\.com\/health_check\.php: healthy \(HTTP 200\)/,
      /database +available, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1/,
      /database +available, standalone writer/,
      /cache +available, secondary/,
      /media +replica of fs-898c2e8978d42d1ec \(ENABLED\)/,
      /RPO of us-east-1's data on eu-west-1, measured by the heartbeat:/,
      /loss window \d+(\.\d)? s +budget 60 s +ok +\(newest replicated heartbeat of us-east-1 at \S+ \(ip-10-0-1-23\.us-east-1\)/,
      /replication lag into eu-west-1 \(prod-euw1\):/,
      /database +0 s +budget 60 s +ok/,
      /cache +0\.4 s +budget 60 s +ok/,
      /media +\d+ s +budget 900 s +ok/,
      /planned --to prod-euw1: +would proceed/,
      /unplanned --to prod-euw1: would promote after confirmation, losing up to writes after \S+Z \(loss window \d+(\.\d)? s, measured\), database 0 s, cache 0\.4 s, media \d+ s/,
    ]) {
      assert.match(out, pattern);
    }
  });

  it("tells the shallow signal from the deep one: an in-region incident is not a lost region", async () => {
    c = await suite.start();
    const probed: string[] = [];
    const probe = async (url: string) => {
      probed.push(url);
      return url.endsWith("/health_check.php")
        ? { ok: false, detail: "HTTP 500", ms: 4 }
        : { ok: true, detail: "HTTP 200", ms: 2 };
    };
    assert.equal(await c.run(["status"], { probe }), ExitCode.ok, c.output());
    const out = c.output();
    assert.match(
      out,
      /shallow +https:\/\/us-east-1\.shop\.example\.com\/dr-shallow: answering \(HTTP 200\)/,
    );
    assert.match(
      out,
      /deep +https:\/\/us-east-1\.shop\.example\.com\/health_check\.php: FAILING \(HTTP 500\)/,
    );
    assert.deepEqual(probed.sort(), [
      "https://eu-west-1.shop.example.com/dr-shallow",
      "https://eu-west-1.shop.example.com/health_check.php",
      "https://us-east-1.shop.example.com/dr-shallow",
      "https://us-east-1.shop.example.com/health_check.php",
    ]);
    assert.deepEqual(c.aws.writes(), []);
  });

  it("shows a dead region as unreachable and still reports the rest", async () => {
    const aws = new FakeAws();
    aws.unreachableRegion = HOME;
    aws.state.lag.ReplicaLag = [];
    // The home region died 95 s ago: its last beat on the standby's replica is that old.
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 95_000;
    c = await suite.start(aws);
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    const out = c.output();
    assert.match(out, /prod-use1 [\s\S]*database +unreachable \(connect ETIMEDOUT rds\.us-east-1/);
    assert.match(out, /loss window 9\d(\.\d)? s +budget 60 s +OVER BUDGET/);
    assert.match(out, /database +unknown +budget 60 s +OVER BUDGET +\(no ReplicaLag datapoints/);
    assert.match(
      out,
      /planned --to prod-euw1: +REFUSED, the RPO is not shown to hold: loss window 9\d(\.\d)? s over the 60 s budget/,
    );
    assert.deepEqual(c.aws.writes(), []);
  });

  it("a reader that fails falls back to the lag metric, and says so", async () => {
    const aws = new FakeAws();
    aws.state.readerFailure[STANDBY] = "Task timed out after 30.03 seconds";
    c = await suite.start(aws);
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    const out = c.output();
    assert.match(
      out,
      /loss window UNKNOWN, falling back to the lag metric: heartbeat unreadable: heartbeat reader failed \(Unhandled\): .*Task timed out/,
    );
    assert.match(out, /planned --to prod-euw1: +would proceed/);
    assert.match(out, /losing up to loss window unknown \(heartbeat unread\), database 0 s/);

    // Both unknown: no window and no lag datapoint, the orchestrator's rule refuses.
    c.lines.length = 0;
    aws.state.lag.ReplicaLag = [];
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      /planned --to prod-euw1: +REFUSED, the RPO is not shown to hold: loss window unknown \(heartbeat unreadable: .*\), falling back to the lag metric: database: no ReplicaLag datapoints in the window \(budget 60 s\)/,
    );
  });
});
