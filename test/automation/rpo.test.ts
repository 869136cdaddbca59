// The operator CLI's RPO gate on the measured loss window (docs/rpo.md): the standby's heartbeat
// reader is invoked, its window printed, recorded in the incident's audit, and deciding a planned
// switchover; the lag metric decides only when the window cannot be read (and both unknown is a
// refusal, as the orchestrator's rule has it).
import assert from "node:assert/strict";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../automation/errors";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";
import { assertNothingChanged, cliSuite, type Cli } from "./helpers/harness";

const PLANNED = ["planned", "--to", "prod-euw1"];
const UNPLANNED = ["unplanned", "--to", "prod-euw1"];
const READER_FAILURE = "Task timed out after 30.03 seconds";

/** The run's one audit record (the incident the authority names). */
async function auditedRun(c: Cli) {
  const incidentId = (await c.authority()).incidentId!;
  const incident = await c.incident(incidentId);
  assert.ok(incident, `incident ${incidentId} recorded`);
  assert.equal(incident.runs.length, 1);
  return incident.runs[0];
}

describe("promote CLI: RPO measured by the heartbeat", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("heartbeat stopped 40 s before the outage: ~40 s shown at the prompt, printed and audited", async () => {
    const aws = new FakeAws();
    aws.unreachableRegion = HOME;
    aws.state.caches[IDS.home.cache].status = "unavailable";
    c = await suite.start(aws);
    const beat = Date.now() - 40_000;
    aws.state.heartbeats[STANDBY][HOME] = beat;
    c.answers.push(STANDBY);
    const started = Date.now();
    assert.equal(await c.run(UNPLANNED), ExitCode.ok, c.output());
    const slack = (Date.now() - started) / 1000 + 1;
    const beatAt = new Date(beat).toISOString();

    const shown = /writes after (\S+) \(loss window ([\d.]+) s, measured\)/.exec(c.questions[0]);
    assert.ok(shown, c.questions[0]);
    assert.equal(shown[1], beatAt);
    assert.ok(Number(shown[2]) >= 40 && Number(shown[2]) <= 40 + slack, shown[2]);
    assert.match(c.questions[0], /RPO budget 60 s: holds \(loss window [\d.]+ s within/);

    const printed =
      /RPO: loss window ([\d.]+) s +budget 60 s +ok .*recorded in the audit of (\S+)/.exec(
        c.output(),
      );
    assert.ok(printed, c.output());
    const run = await auditedRun(c);
    assert.equal(printed[2], (await c.authority()).incidentId);
    assert.equal(run.lossWindow?.heartbeatAt, beatAt);
    assert.equal(run.lossWindow?.seconds, Number(printed[1]));
    assert.ok(run.lossWindow!.seconds! >= 40 && run.lossWindow!.seconds! <= 40 + slack);
    // The reader was invoked in the standby only: the failed region was never called.
    assert.deepEqual(c.aws.callsTo(HOME), []);
    assert.ok(c.aws.calls.some((x) => x.command === "Invoke" && x.region === STANDBY));
  });

  it("planned, window over the budget: refused naming the window, the budget and the override; nothing changed", async () => {
    const aws = new FakeAws();
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 95_000;
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: the RPO is not shown to hold, a planned switchover would lose data: loss window 9\d(\.\d)? s over the 60 s budget \(newest replicated heartbeat of us-east-1/,
    );
    assert.match(c.output(), /accept the loss with `npm run promote -- unplanned --to prod-euw1`/);
    // The lag metric reads 0 (apply lag on a stalled link): it is named, and does not decide.
    assert.match(
      c.output(),
      /secondary signal, not deciding: database lag metric max ReplicaLag 0 s/,
    );
    assertNothingChanged(c, await c.authority());
  });

  it("planned, the database's lag metric high but the window within budget: the gate holds", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [4, 95];
    c = await suite.start(aws);
    assert.equal(await c.run([...PLANNED, "--dry-run"]), ExitCode.ok, c.output());
    assert.match(c.output(), /loss window \d(\.\d)? s +budget 60 s +ok/);
    assert.match(c.output(), /replication lag into the target \(the database's secondary\):/);
    assert.match(c.output(), /preconditions now: met/);
    assertNothingChanged(c, await c.authority());
  });

  it("planned, reader failing: says so, falls back to the lag metric, and audits the unknown window", async () => {
    const aws = new FakeAws();
    aws.state.readerFailure[STANDBY] = READER_FAILURE;
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      /loss window UNKNOWN, falling back to the lag metric: heartbeat unreadable: heartbeat reader failed \(Unhandled\): .*Task timed out/,
    );
    const run = await auditedRun(c);
    assert.equal(run.lossWindow?.seconds, undefined);
    assert.match(run.lossWindow?.detail ?? "", /heartbeat reader failed \(Unhandled\)/);
    assert.equal((await c.authority()).activeRegion, STANDBY);
  });

  it("planned, reader failing and the lag metric unknown too: refused as the orchestrator does", async () => {
    const aws = new FakeAws();
    aws.state.readerFailure[STANDBY] = READER_FAILURE;
    aws.state.lag.ReplicaLag = [];
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: the RPO is not shown to hold, a planned switchover would lose data: loss window unknown \(heartbeat unreadable: .*\), falling back to the lag metric: database: no ReplicaLag datapoints in the window \(budget 60 s\)/,
    );
    assertNothingChanged(c, await c.authority());
  });

  it("a reader the settings name wrongly (not deployed in the standby) is unreadable, not trusted", async () => {
    const aws = new FakeAws();
    c = await suite.start(aws);
    const name = (await c.settingsFor("prod-euw1")).heartbeat!.readerFunctionName;
    aws.state.functions[name].region = HOME; // deployed, but in the other region
    assert.equal(await c.run([...PLANNED, "--dry-run"]), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      new RegExp(
        `loss window UNKNOWN, falling back to the lag metric: heartbeat unreadable: Function not found: arn:aws:lambda:${STANDBY}:${IDS.account}:function:${name}`,
      ),
    );
  });

  // The planned switchover's quiesce (docs/rpo.md): proven by a beat written after the fence.
  it("quiesce: a beat written after the fence reaches the replica: quiesced, although ReplicaLag never reads 0", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [4, 95];
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      /done +quiesce +[\d.]+ s +heartbeat of us-east-1 written at \S+, after the fence settled \(fence at \S+ \(the replica's clock\)\), is on the replica: every write before it is there/,
    );
    assert.equal(c.aws.state.databases[IDS.standby.db].source, undefined, "promoted");
  });

  it("quiesce on a slow link (ReplicaLag 0, beats arriving 10 s behind): the lag is not trusted, nothing promoted", async () => {
    const aws = new FakeAws();
    aws.state.heartbeats[STANDBY][HOME] = { behindMs: 10_000 };
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.failed, c.output());
    assert.match(c.output(), /FAILED: the promotion of eu-west-1 is incomplete .*: quiesce/);
    assert.equal(c.aws.writes().filter((w) => w.command === "PromoteReadReplica").length, 0);
    assert.notEqual(c.aws.state.databases[IDS.standby.db].source, undefined, "still a replica");
  });
});

describe("the CLI's fake AWS: Lambda Invoke as AWS answers it", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  const invoke = (region: string, name: string) =>
    new LambdaClient({ region, credentials: { accessKeyId: "a", secretAccessKey: "b" } }).send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{}") }),
    );

  it("answers the reader in its region with bytes; refuses another name or region", async () => {
    const c = await suite.start();
    const name = (await c.settingsFor("prod-euw1")).heartbeat!.readerFunctionName;
    const out = await invoke(STANDBY, name);
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.ok(out.Payload instanceof Uint8Array);
    const report = JSON.parse(Buffer.from(out.Payload).toString("utf8"));
    assert.deepEqual(
      report.beats.map((b: { region: string }) => b.region),
      [HOME],
    );
    await assert.rejects(invoke(HOME, name), { name: "ResourceNotFoundException" });
    await assert.rejects(invoke(STANDBY, `${name}-x`), { name: "ResourceNotFoundException" });
  });

  it("a handler failure is a 200 with FunctionError and the error object as Payload", async () => {
    const aws = new FakeAws();
    aws.state.readerFailure[STANDBY] = READER_FAILURE;
    const c = await suite.start(aws);
    const name = (await c.settingsFor("prod-euw1")).heartbeat!.readerFunctionName;
    const out = await invoke(STANDBY, name);
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, "Unhandled");
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString("utf8")), {
      errorType: "Sandbox.Timedout",
      errorMessage: READER_FAILURE,
    });
  });
});
