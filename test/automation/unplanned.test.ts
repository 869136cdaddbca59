// `unplanned`: the confirmation prompt, lag over budget accepted by the operator (scenario 14),
// zero calls to the failed region (scenario 8) and its stack left alone; and the resume of an
// incomplete promotion by a rerun.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";
import { assertNothingChanged, cliSuite, type Cli } from "./helpers/harness";

const UNPLANNED = ["unplanned", "--to", "prod-euw1"];

describe("promote CLI: unplanned failover and resumption", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("asks first: a wrong answer refuses with exit 3 and changes nothing", async () => {
    c = await suite.start();
    c.answers.push("y");
    assert.equal(await c.run(UNPLANNED), ExitCode.refused, c.output());
    assert.match(
      c.questions[0],
      /UNPLANNED FAILOVER of production to eu-west-1 \(prod-euw1\), away from us-east-1/,
    );
    assert.match(c.output(), /REFUSED: not confirmed/);
    assertNothingChanged(c, await c.authority());
  });

  it("proceeds over the lag budget once confirmed, calling nothing in the failed region", async () => {
    const aws = new FakeAws();
    aws.unreachableRegion = HOME;
    aws.state.lag.ReplicaLag = [140];
    // The Global Datastore is not available while its primary region is down.
    aws.state.caches[IDS.home.cache].status = "unavailable";
    c = await suite.start(aws);
    c.answers.push(STANDBY);
    const code = await c.run(UNPLANNED);
    assert.equal(code, ExitCode.ok, c.output());
    assert.match(c.questions[0], /lag now: database 140 s/);
    assert.deepEqual(c.aws.callsTo(HOME), [], "no call to the failed region");
    const cacheWrites = c.aws.writes().filter((w) => w.service === "elasticache");
    assert.deepEqual(
      cacheWrites.map((w) => w.command),
      [
        "FailoverGlobalReplicationGroup",
        "FailoverGlobalReplicationGroup",
        "DisassociateGlobalReplicationGroup",
      ],
      "bounded failover attempts, then the standby is detached",
    );
    assert.equal(c.aws.state.caches[IDS.standby.cache].role, undefined);
    assert.equal(c.aws.state.databases[IDS.standby.db].source, undefined);
    assert.deepEqual(
      c.stackOps.calls.map((o) => `${o.op} ${o.stack}`),
      [
        "setActiveRegion prod-euw1",
        "setActiveRegion prod-use1",
        "refresh prod-euw1",
        "previewChanges prod-euw1",
        "up prod-euw1",
      ],
    );
    assert.match(
      c.output(),
      /skipped +refresh +prod-use1: us-east-1 is the region being failed away from/,
    );
    const authority = await c.authority();
    assert.equal(authority.activeRegion, STANDBY);
    assert.equal(authority.mode, "unplanned");
    assert.equal(authority.phase, "completed");
  });

  it("defers IaC while us-east-1's control planes do not answer; the rerun goes straight to IaC", async () => {
    const aws = new FakeAws();
    aws.unreachableRegion = HOME;
    c = await suite.start(aws);
    const down = async () => ({
      answering: false,
      details: ["IAM: no answer within 5000 ms", "Route 53: HTTP 503"],
    });
    const code = await c.run([...UNPLANNED, "--yes"], { controlPlanes: down });
    assert.equal(code, ExitCode.failed, c.output());
    assert.match(
      c.output(),
      /FAILED: IaC reconciliation deferred: us-east-1's control planes do not answer \(IAM: no answer within 5000 ms; Route 53: HTTP 503\)/,
    );
    assert.match(
      c.output(),
      /next: do NOT run pulumi by hand meanwhile; once IAM and Route 53 answer/,
    );
    assert.equal(c.stackOps.calls.length, 0, "no refresh, preview or up, no config write");
    assert.equal((await c.authority()).phase, "completed", "the promotion itself is done");

    c.lines.length = 0;
    assert.equal(await c.run([...UNPLANNED, "--yes"]), ExitCode.ok, c.output());
    assert.match(c.output(), /skipped +promotion +eu-west-1 is already active/);
    assert.ok(c.stackOps.calls.some((o) => o.op === "up" && o.stack === "prod-euw1"));
  });

  it("--yes answers the prompt", async () => {
    c = await suite.start();
    assert.equal(await c.run([...UNPLANNED, "--yes"]), ExitCode.ok, c.output());
    assert.deepEqual(c.questions, []);
  });

  it("a planned switchover stuck in quiesce exits 1 with the rerun; the rerun resumes the same incident", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [3]; // within budget, but writes never drain
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 3_000; // nothing after the fence arrives
    c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.failed, c.output());
    assert.match(
      c.output(),
      /FAILED: the promotion of eu-west-1 is incomplete \(the shop is still in maintenance\): quiesce/,
    );
    assert.match(
      c.output(),
      /next: fix the cause above, then `npm run promote -- planned --to prod-euw1` \(it resumes/,
    );
    const stuck = await c.authority();
    assert.equal(stuck.phase, "promoting");
    assert.equal(stuck.holder, undefined, "the lease was released for the resumption");
    assert.equal(c.aws.writes().filter((w) => w.command === "PromoteReadReplica").length, 0);
    assert.deepEqual(c.stackOps.calls, [], "no IaC while the data tier is not promoted");

    c.aws.state.lag.ReplicaLag = [0];
    c.aws.state.heartbeats[STANDBY][HOME] = "live"; // caught up
    c.lines.length = 0;
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.ok, c.output());
    const done = await c.authority();
    assert.equal(done.incidentId, stuck.incidentId, "the same incident was resumed");
    assert.equal(
      done.epoch,
      stuck.epoch + 1,
      "a resumption takes the lease again, at the next epoch",
    );
    assert.equal(done.phase, "completed");
    assert.equal(c.aws.writes().filter((w) => w.command === "PromoteReadReplica").length, 1);
  });

  it("a stuck planned switchover finished as unplanned asks to accept the loss first", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [3];
    // The replica is behind: the newest beat on it is from before the fence, and stays there.
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 3_000;
    c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.failed, c.output());
    const writes = c.aws.writes().length;
    c.lines.length = 0;
    assert.equal(await c.run(UNPLANNED), ExitCode.refused, c.output());
    assert.match(c.questions[0], /UNPLANNED FAILOVER of production to eu-west-1/);
    assert.equal(c.aws.writes().length, writes, "not confirmed: nothing changed");
    c.answers.push("eu-west-1");
    assert.equal(await c.run(UNPLANNED), ExitCode.ok, c.output());
    assert.equal((await c.authority()).phase, "completed");
  });

  it("another stack's promotion left incomplete blocks a new one", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [3];
    // The replica is behind: the newest beat on it is from before the fence, and stays there.
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 3_000;
    c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.failed);
    c.lines.length = 0;
    const writes = c.aws.writes().length;
    assert.equal(await c.run(["failback", "--to", "prod-use1"]), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: a promotion of eu-west-1 \(incident operator-planned-eu-west-1-\S+, epoch 1\) is incomplete/,
    );
    assert.equal(c.aws.writes().length, writes);
  });
});
