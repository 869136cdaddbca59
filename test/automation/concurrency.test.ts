// Two promotions at once against the REAL authority lease (dynalite): one proceeds, the other
// exits non-zero having written nothing, and the end state is one complete promotion
// (RELIABILITY.md scenario 23; the operator and the Lambda share the lease, scenario 5).
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { AuthorityStore } from "../../functions/region/authority";
import { createRegionalClients } from "../../functions/region/clients";
import { SignalStore } from "../../functions/region/detection";
import { buildFailoverEvent, DETECTOR_SOURCE } from "../../functions/region/event";
import { cloudWatchLagReader, rdsReplicaLagMetric } from "../../functions/region/lag";
import { memoryLogger } from "../../functions/region/log";
import { createOrchestratorHandler } from "../../functions/region/orchestrator";
import { HOME, IDS, STANDBY } from "./helpers/fakeAws";
import { cliSuite, RecordingStackOps, type Cli } from "./helpers/harness";

describe("promote CLI: concurrent promotions", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("two operators at once: one proceeds, the other exits 3 and leaves nothing half-done", async () => {
    c = await suite.start();
    const operators = ["alice", "bob"].map((user) => ({
      user,
      lines: [] as string[],
      stackOps: new RecordingStackOps(c.aws),
    }));
    const codes = await Promise.all(
      operators.map((o) =>
        c.run(["planned", "--to", "prod-euw1"], {
          user: o.user,
          print: (line) => o.lines.push(line),
          stackOps: o.stackOps,
        }),
      ),
    );
    const winner = operators[codes.indexOf(ExitCode.ok)];
    const loser = operators[codes.findIndex((code) => code !== ExitCode.ok)];
    assert.ok(winner && loser, `exactly one succeeds: ${codes}`);
    assert.equal(codes.filter((code) => code === ExitCode.ok).length, 1);
    assert.equal(codes[operators.indexOf(loser)], ExitCode.refused, loser.lines.join("\n"));
    assert.match(
      loser.lines.join("\n"),
      /REFUSED: .*(lease|promoting eu-west-1 right now|not ready)/,
    );

    // Exactly one promotion happened, by the winner, and it is complete.
    assert.equal(c.aws.writes().filter((w) => w.command === "PromoteReadReplica").length, 1);
    const authority = await c.authority();
    assert.equal(authority.epoch, 1);
    assert.equal(authority.phase, "completed");
    assert.equal(authority.holder, undefined, "the lease was released");
    assert.match(authority.incidentId ?? "", /^operator-planned-eu-west-1-/);
    // The loser did no IaC at all; the winner did all of it.
    assert.deepEqual(loser.stackOps.calls, []);
    assert.deepEqual(
      winner.stackOps.calls.filter((o) => o.op === "up").map((o) => o.stack),
      ["prod-euw1"],
    );
  });

  it("the operator and the orchestrator Lambda at once: exactly one promotion", async () => {
    c = await suite.start();
    const settings = await c.settingsFor("prod-euw1");
    const clients = createRegionalClients(STANDBY, settings.sdk);
    const lambda = createOrchestratorHandler(settings, {
      clients,
      authorityClient: suite.dynamo().client(STANDBY),
      lagReaders: [cloudWatchLagReader(clients.cloudWatch, rdsReplicaLagMetric(IDS.standby.db))],
      log: memoryLogger().logger,
    });
    // The Lambda acts on the detector's recorded quorum decision (operators use the CLI).
    await new SignalStore({
      client: suite.dynamo().client(STANDBY),
      tableName: c.tableName,
    }).writeDetector(STANDBY, {
      target: HOME,
      canaryFailures: 3,
      route53Failures: 0,
      lastAction: "failover",
      decidedAt: Date.now(),
      epoch: 0,
    });
    const event = buildFailoverEvent({
      source: DETECTOR_SOURCE,
      accountId: settings.accountId,
      region: STANDBY,
      now: Date.now(),
      detail: {
        incidentId: "auto-us-east-1-to-eu-west-1-epoch-0",
        mode: "unplanned",
        failedRegion: HOME,
        targetRegion: STANDBY,
        epoch: 0,
      },
    });
    const [code, lambdaResult] = await Promise.all([
      c.run(["planned", "--to", "prod-euw1"]),
      lambda(event, { awsRequestId: "req-1" }),
    ]);
    const completed = [code === ExitCode.ok, lambdaResult.outcome === "completed"];
    assert.equal(
      completed.filter(Boolean).length,
      1,
      `${code} / ${JSON.stringify(lambdaResult)}\n${c.output()}`,
    );
    assert.equal(c.aws.writes().filter((w) => w.command === "PromoteReadReplica").length, 1);
    const authority = await c.authority();
    assert.equal(authority.epoch, 1);
    assert.equal(authority.phase, "completed");
    if (code !== ExitCode.ok) {
      assert.equal(code, ExitCode.refused);
      assert.deepEqual(c.stackOps.calls, [], "the CLI that lost did no IaC");
    }
  });

  it("a lease held by the orchestrator: the CLI refuses and changes nothing", async () => {
    c = await suite.start();
    const settings = await c.settingsFor("prod-euw1");
    const store = new AuthorityStore({
      client: suite.dynamo().client(STANDBY),
      tableName: c.tableName,
      initialActiveRegion: HOME,
    });
    await store.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:eu-west-1:req-9",
      incidentId: "auto-us-east-1-to-eu-west-1-epoch-0",
      ttlMs: settings.leaseTtlMs,
      fromRegion: HOME,
    });
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.refused);
    assert.match(
      c.output(),
      /REFUSED: orchestrator:eu-west-1:req-9 is promoting eu-west-1 right now \(epoch 1/,
    );
    assert.deepEqual(c.aws.writes(), []);
    assert.deepEqual(c.stackOps.calls, []);
    assert.equal((await store.read()).holder, "orchestrator:eu-west-1:req-9");
  });
});
