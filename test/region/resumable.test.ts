// Scenario 30: a promotion run killed mid-way is resumed and finished within about two minutes,
// nothing done twice. The lease is short (60 s by default) and kept alive by a heartbeat while
// the steps run; the detector (every minute) resumes an incident whose lease ran out, handing it
// to the orchestrator's own invocation.
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { AuthorityStore } from "../../functions/region/authority";
import { sleep } from "../../functions/region/deadline";
import { createDetectorHandler } from "../../functions/region/detector";
import { createRoute53StatusClient } from "../../functions/region/clients";
import { memoryLogger } from "../../functions/region/log";
import { DEFAULT_LEASE_TTL_MS } from "../../functions/region/settings";
import { databaseStep, type PromotionStep } from "../../functions/region/steps";
import { assert, assertFields } from "./helpers/assertions";
import { useDynalite } from "../helpers/regionHarness";
import { harness as regionHarness, HOME, STANDBY, type Harness } from "./helpers/fixtures";
import { flakyDynamo, unavailable, updating } from "./helpers/flakyDynamo";

describe("scenario 30: resumable promotion runs (short lease, heartbeat, resume)", function () {
  this.timeout(20_000);
  // Each test builds its harness with its own lease settings.
  const dynamo = useDynalite();
  const harness = (overrides: Parameters<typeof regionHarness>[1] = {}) =>
    regionHarness(dynamo(), overrides);
  let h: Harness;
  afterEach(async () => h.close());

  const INCIDENT = "auto-us-east-1-to-eu-west-1-epoch-0";

  it("the default lease is short enough that a killed run is resumed within two detector minutes", async () => {
    h = await harness({ leaseTtlMs: DEFAULT_LEASE_TTL_MS });
    assert.ok(DEFAULT_LEASE_TTL_MS <= 60_000);
    // The run that gets killed: it took the lease and asked RDS to promote, then the process
    // died (no release, no heartbeat): exactly the state a Lambda timeout or crash leaves.
    const killedAt = h.clock.now;
    const lease = await h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:eu-west-1:killed",
      incidentId: INCIDENT,
      ttlMs: h.settings.leaseTtlMs,
      fromRegion: HOME,
    });
    const clients = h.sim.clients(STANDBY);
    await databaseStep.run({
      settings: h.settings,
      clients,
      mode: "unplanned",
      epoch: lease.epoch,
      signal: new AbortController().signal,
      deadlineAt: Date.now() + 1_000,
      log: memoryLogger().logger,
    });
    assert.equal(h.sim.callsOf("PromoteReadReplica").length, 1);

    let pending: Promise<unknown> | undefined;
    const detector = createDetectorHandler(h.settings, {
      clients,
      authorityClient: h.authorityClient,
      route53: createRoute53StatusClient(STANDBY),
      log: memoryLogger().logger,
      now: () => h.clock.now,
      requestFailover: async (event) => {
        pending = h.handler()(event);
        return { outcome: "requested", statusCode: 202 };
      },
    });
    // The detector runs every minute; find the first run that resumes.
    let resumedAt: number | undefined;
    for (let minute = 1; minute <= 3 && resumedAt === undefined; minute++) {
      h.clock.now = killedAt + minute * 60_000 - 500;
      const report = await detector();
      if (report.action === "resume-requested") resumedAt = h.clock.now;
      else assertFields(report, { action: "none" });
    }
    assert.ok(resumedAt !== undefined, "resumed");
    assert.ok(resumedAt - killedAt <= 120_000, `resumed ${resumedAt - killedAt} ms after the kill`);
    assertFields(await pending, { outcome: "completed" });
    assertFields(await h.authority.read(), { phase: "completed", activeRegion: STANDBY });
    assert.equal(h.sim.callsOf("PromoteReadReplica").length, 1, "nothing done twice");
    // Every data-tier and capacity action at most once across the killed and resumed runs.
    const actions = h.sim
      .writes()
      .map((c) => c.command)
      .filter((c) => !["PutParameter", "PutMetricData", "Publish"].includes(c));
    assert.deepEqual(actions, [...new Set(actions)], `repeated: ${actions.join(", ")}`);
  });

  it("the detector hands the run to the orchestrator's own invocation: one asynchronous Invoke", async () => {
    h = await harness();
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    try {
      await h.authority.takeLease({
        expectedEpoch: 0,
        newActiveRegion: STANDBY,
        holder: "orchestrator:eu-west-1:killed",
        incidentId: INCIDENT,
        ttlMs: 1_000,
        fromRegion: HOME,
      });
      h.clock.now += 1_001;
      const report = await createDetectorHandler(h.settings, {
        clients: h.sim.clients(STANDBY),
        authorityClient: h.authorityClient,
        route53: createRoute53StatusClient(STANDBY),
        log: memoryLogger().logger,
        now: () => h.clock.now,
        orchestratorFunctionName: "magento-dr-orchestrator",
      })();
      assertFields(report, { action: "resume-requested" });
      const calls = lambda.commandCalls(InvokeCommand);
      assert.equal(calls.length, 1);
      const input = calls[0].args[0].input;
      assertFields(input, { FunctionName: "magento-dr-orchestrator", InvocationType: "Event" });
      const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
      assertFields(event.detail, { incidentId: INCIDENT, mode: "unplanned", epoch: 1 });
      // Nothing ran in the detector's invocation but the gate refresh (an unplanned promotion
      // keeps the gate published until it completes): the authority is as the killed run left it.
      assertFields(await h.authority.read(), { phase: "promoting", epoch: 1 });
      assert.deepEqual(
        h.sim.writes().map((w) => w.command),
        ["PutMetricData"],
      );
      assert.ok(h.sim.state.metrics.every((m) => m.name === "FailoverActive" && m.value === 1));
    } finally {
      lambda.restore();
    }
  });

  /** A step that takes `ms` of real time, longer than the lease's TTL. */
  const slow = (ms: number, ran: string[]): PromotionStep => ({
    name: "slow",
    deadlineMs: () => ms * 3,
    run: async ({ signal }) => {
      await sleep(ms, signal);
      ran.push("slow");
      return { outcome: "done", detail: `${ms} ms` };
    },
  });
  const marker = (ran: string[]): PromotionStep => ({
    name: "after",
    deadlineMs: () => 1_000,
    run: async () => {
      ran.push("after");
      return { outcome: "done", detail: "ran" };
    },
  });
  const realTime = (hx: Harness, client = hx.authorityClient) =>
    new AuthorityStore({
      client,
      tableName: hx.settings.authority.tableName,
      initialActiveRegion: HOME,
      now: Date.now,
      retry: { attempts: 2, baseDelayMs: 2, maxDelayMs: 5 },
    });

  it("a live run longer than its lease keeps it by the heartbeat: a rival cannot take over", async () => {
    h = await harness({
      leaseTtlMs: 3_000,
      leaseHeartbeatMs: 750,
      deadlines: { overallMs: 15_000 },
    });
    const ran: string[] = [];
    const authority = realTime(h);
    const running = h.promote(
      { incidentId: INCIDENT },
      { authority, now: Date.now, phases: () => [[slow(4_500, ran)], [marker(ran)]] },
    );
    await sleep(3_600); // past the TTL of the take
    const rival = await h.promote(
      { incidentId: INCIDENT, holder: "orchestrator:eu-west-1:rival" },
      { authority, now: Date.now, phases: () => [[marker(ran)]] },
    );
    assertFields(rival, { outcome: "lease-conflict" });
    assertFields(await running, { outcome: "completed" });
    assert.deepEqual(ran, ["slow", "after"]);
    assertFields(await authority.read(), { phase: "completed", epoch: 1 });
  });

  it("a run that cannot confirm its lease stops before it runs out, and the next run finishes", async () => {
    h = await harness({
      leaseTtlMs: 3_000,
      leaseHeartbeatMs: 750,
      deadlines: { overallMs: 15_000 },
    });
    const ran: string[] = [];
    const renewals = flakyDynamo(h.authorityClient, [
      {
        command: "UpdateItem",
        when: updating("SET leaseExpiresAt = :expires, updatedAt = :now"),
        times: Infinity,
        error: unavailable,
      },
    ]);
    const started = Date.now();
    const first = await h.promote(
      { incidentId: INCIDENT },
      {
        authority: realTime(h, renewals.client),
        now: Date.now,
        phases: () => [[slow(10_000, ran)], [marker(ran)]],
      },
    );
    const stoppedAfter = Date.now() - started;
    assertFields(first, { outcome: "incomplete" });
    assert.ok(stoppedAfter < 3_000, `stopped ${stoppedAfter} ms in, inside the 3000 ms lease`);
    assert.deepEqual(ran, [], "the slow step was cut, the next phase never ran");
    // The release went through (only renewals fail): the next run resumes at once.
    const second = await h.promote(
      { incidentId: INCIDENT, holder: "orchestrator:eu-west-1:next" },
      { authority: realTime(h), now: Date.now, phases: () => [[marker(ran)]] },
    );
    assertFields(second, { outcome: "completed", epoch: 2 });
    assert.deepEqual(ran, ["after"]);
  });
});
