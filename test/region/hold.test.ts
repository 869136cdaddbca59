// Scenario 31: an operator hold is active → nothing automatic happens (the detector promotes and
// resumes nothing, the orchestrator refuses automatic requests), and the operator CLI still works.
import { parseArgs } from "../../automation/args";
import { createDetectorHandler } from "../../functions/region/detector";
import { buildFailoverEvent, DETECTOR_SOURCE } from "../../functions/region/event";
import { HoldStore, MAX_HOLD_MS } from "../../functions/region/hold";
import { createRoute53StatusClient } from "../../functions/region/clients";
import { memoryLogger } from "../../functions/region/log";
import { assert, assertFields } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { HOME, STANDBY, WITNESS } from "./helpers/fixtures";
import { startHealthServer, type HealthServer } from "./helpers/http";

describe("scenario 31: an operator hold pauses the automatic path", function () {
  this.timeout(20_000);
  let down: HealthServer;
  let holds: HoldStore;
  beforeEach(async () => {
    down = await startHealthServer(503);
  });
  const h = useRegionHarness(() => ({
    regionEndpoints: {
      [HOME]: { healthUrl: down.url, shallowUrl: down.url, route53HealthCheckId: "hc-use1" },
      [STANDBY]: { healthUrl: down.url, shallowUrl: down.url, route53HealthCheckId: "hc-euw1" },
      [WITNESS]: { healthUrl: down.url, shallowUrl: down.url },
    },
  }));
  // The harness closes first (its hook was declared first), then the server.
  afterEach(() => down.close());
  beforeEach(() => {
    holds = new HoldStore({
      client: h.authorityClient,
      tableName: h.settings.authority.tableName,
      now: () => h.clock.now,
    });
  });

  const requested: unknown[] = [];
  const detector = () =>
    createDetectorHandler(h.settings, {
      clients: h.sim.clients(STANDBY),
      authorityClient: h.authorityClient,
      route53: createRoute53StatusClient(STANDBY),
      log: memoryLogger().logger,
      now: () => h.clock.now,
      requestFailover: async (event) => {
        requested.push(event);
        return { outcome: "requested", statusCode: 202 };
      },
    });
  const regionDown = async () => {
    await h.signals.writeWitness(WITNESS, {
      target: HOME,
      consecutiveFailures: 5,
      observedAt: h.clock.now,
    });
    h.sim.state.route53.observations = ["Failure: Connection timed out"];
  };

  it("quorum reached during a hold: recorded and alerted as held, no promotion requested", async () => {
    requested.length = 0;
    await holds.set({ forMs: 3_600_000, reason: "RDS minor upgrade", by: "alice" });
    await regionDown();
    const report = await detector()();
    assertFields(report, { action: "held" });
    assert.match(report.reason, /operator hold by alice .*RDS minor upgrade/);
    assert.deepEqual(requested, []);
    assertFields(await h.authority.read(), { epoch: 0, activeRegion: HOME, exists: false });
    assert.deepEqual(
      h.sim.writes().map((c) => c.command),
      ["Publish"],
      "one alert, nothing else",
    );
    // An automatic request arriving anyway (sent before the hold) is refused by the orchestrator.
    const event = buildFailoverEvent({
      source: DETECTOR_SOURCE,
      accountId: h.settings.accountId,
      region: STANDBY,
      now: h.clock.now,
      detail: {
        incidentId: "auto-1",
        mode: "unplanned",
        failedRegion: HOME,
        targetRegion: STANDBY,
        epoch: 0,
      },
    });
    const refused = await h.handler()(event);
    assertFields(refused, { outcome: "ignored" });
    assert.match(refused.reason, /operator hold by alice/);
    assertFields(await h.authority.read(), { epoch: 0, exists: false });
  });

  it("the hold expires by itself; cleared, the next run promotes", async () => {
    requested.length = 0;
    await holds.set({ forMs: 60_000, reason: "drill", by: "bob" });
    await regionDown();
    assertFields(await detector()(), { action: "held" });
    h.clock.now += 60_001;
    assert.equal(await holds.active(), undefined, "expired");
    await regionDown();
    assertFields(await detector()(), { action: "failover" });
    assert.equal(requested.length, 1);
    await holds.set({ forMs: 60_000, reason: "again", by: "bob" });
    await holds.clear();
    assert.equal(await holds.active(), undefined);
  });

  it("a hold never resumes an interrupted promotion automatically", async () => {
    requested.length = 0;
    await h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:dead",
      incidentId: "auto-x",
      ttlMs: 1_000,
      fromRegion: HOME,
    });
    await holds.set({ forMs: 600_000, reason: "investigating", by: "carol" });
    h.clock.now += 1_001;
    assertFields(await detector()(), { action: "held" });
    assert.deepEqual(requested, []);
  });

  it("the operator CLI still works during a hold; the hold's own flags are checked", async () => {
    // The operator path is never held: promoteRegion without requireDetection.
    await holds.set({ forMs: 600_000, reason: "maintenance", by: "alice" });
    const report = await h.promote({ holder: "operator:alice", trigger: "operator:alice" });
    assertFields(report, { outcome: "completed" });
    const topology = { stacks: [], authority: undefined } as never;
    const parsed = parseArgs(["hold", "--for", "2h", "--reason", "RDS upgrade"], topology);
    assert.deepEqual(parsed, {
      kind: "run",
      args: {
        mode: "hold",
        dryRun: false,
        yes: false,
        settings: "deployed",
        hold: { forMs: 7_200_000, reason: "RDS upgrade" },
      },
    });
    const cleared = parseArgs(["hold", "--clear"], topology);
    assert.deepEqual(cleared.kind === "run" && cleared.args.hold, { clear: true });
    for (const [argv, message] of [
      [["hold", "--reason", "x"], /needs --for/],
      [["hold", "--for", "25h", "--reason", "x"], /up to 24h/],
      [["hold", "--for", "2h"], /needs --reason/],
      [["hold", "--clear", "--for", "1h"], /neither --for nor --reason/],
      [["status", "--for", "1h"], /belong to the hold mode/],
    ] as const) {
      assert.throws(() => parseArgs([...argv], topology), message);
    }
    await assert.rejects(holds.set({ forMs: MAX_HOLD_MS + 1, reason: "x", by: "y" }), RangeError);
  });
});
