// Quorum detection: the rule for unknowns on its own, then the detector and witness Lambdas end
// to end with REAL HTTP endpoints on 127.0.0.1 (healthy, failing, flapping, silent), the real
// authority table (dynalite) and the simulated standby region for everything else.
import { dataTierReadiness } from "../../functions/region/detector";
import { decide, type SignalReading } from "../../functions/region/detection";
import { createDetectorHandler, type DetectionReport } from "../../functions/region/detector";
import { createWitnessHandler } from "../../functions/region/witness";
import { createFenceHandler } from "../../functions/region/fence";
import { memoryLogger } from "../../functions/region/log";
import { probeOnce, readRoute53Status } from "../../functions/region/probes";
import { createRoute53StatusClient } from "../../functions/region/clients";
import { assert, assertFields } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { ACCOUNT, HOME, SOURCE_IDS, STANDBY, testSettings, WITNESS } from "./helpers/fixtures";
import { deadUrl, startHealthServer, type HealthServer } from "./helpers/http";
import { SimulatedAws } from "./helpers/simAws";

const reading = (
  vantage: SignalReading["vantage"],
  status: SignalReading["status"],
  failures = 0,
): SignalReading => ({
  vantage,
  status,
  consecutiveFailures: failures,
  detail: "",
});

describe("region detection: the quorum rule", () => {
  const rule = (readings: SignalReading[], localReady: boolean | "unknown" = true) =>
    decide({ readings, quorum: 2, localReady }).action;

  it("fails over only when a quorum of vantage points report failed", () => {
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "failed", 3),
        reading("route53", "healthy"),
      ]),
      "failover",
    );
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "failed", 4),
        reading("route53", "failed"),
      ]),
      "failover",
    );
  });
  it("unknown never counts as failed: two unknowns and one failure is not a quorum", () => {
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "unknown"),
        reading("route53", "unknown"),
      ]),
      "insufficient-signals",
    );
  });
  it("unknown does not block a quorum of the known: two failed and one unknown fails over", () => {
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "failed", 3),
        reading("route53", "unknown"),
      ]),
      "failover",
    );
  });
  it("fewer known signals than the quorum: no failover, an alert", () => {
    assert.equal(
      rule([
        reading("standby-canary", "healthy"),
        reading("witness", "unknown"),
        reading("route53", "unknown"),
      ]),
      "insufficient-signals",
    );
  });
  it("one failed among known healthy signals is degraded, never a failover", () => {
    assert.equal(
      rule([
        reading("standby-canary", "failed", 9),
        reading("witness", "healthy"),
        reading("route53", "unknown"),
      ]),
      "degraded",
    );
  });
  it("failures below the consecutive threshold are degraded", () => {
    assert.equal(
      rule([
        reading("standby-canary", "healthy", 2),
        reading("witness", "healthy"),
        reading("route53", "healthy"),
      ]),
      "degraded",
    );
  });
  it("Route 53 corroborates but never replaces the witness: canary and Route 53 failed, witness unknown", () => {
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "unknown"),
        reading("route53", "failed"),
      ]),
      "insufficient-signals",
    );
    assert.equal(
      rule([
        reading("standby-canary", "failed", 3),
        reading("witness", "healthy"),
        reading("route53", "failed"),
      ]),
      "degraded",
    );
  });
  it("quorum 3 needs Route 53 too", () => {
    const both = [reading("standby-canary", "failed", 3), reading("witness", "failed", 3)];
    const q3 = (r53: SignalReading) =>
      decide({ readings: [...both, r53], quorum: 3, localReady: true }).action;
    assert.equal(q3(reading("route53", "failed")), "failover");
    assert.equal(q3(reading("route53", "healthy")), "degraded");
    assert.equal(q3(reading("route53", "unknown")), "insufficient-signals");
  });
  it("the deep signal alone: degraded within the dwell, humans paged after it, never while vetoed, never a failover", () => {
    const healthy = [
      reading("standby-canary", "healthy"),
      reading("witness", "healthy"),
      reading("route53", "healthy"),
    ];
    const deep = (failingForMs: number, veto?: string) =>
      decide({
        readings: healthy,
        quorum: 2,
        localReady: true,
        deep: { failing: failingForMs > 0, failingForMs, detail: "HTTP 500", veto },
        deepDwellMs: 600_000,
      }).action;
    assert.equal(deep(0), "none");
    assert.equal(deep(120_000), "degraded");
    assert.equal(deep(599_999), "degraded");
    assert.equal(deep(600_000), "page-humans");
    assert.equal(deep(3_600_000, "rds: failover"), "degraded");
  });
  it("quorum reached but the standby unready or unknown: page humans, never promote into it", () => {
    const down = [
      reading("standby-canary", "failed", 3),
      reading("witness", "failed", 3),
      reading("route53", "failed"),
    ];
    assert.equal(rule(down, false), "page-humans");
    assert.equal(rule(down, "unknown"), "page-humans");
  });
});

describe("region detection: probes", () => {
  it("a probe of a silent endpoint fails within its timeout; 2xx/3xx are healthy, 5xx not", async () => {
    const silent = await startHealthServer("silent");
    const ok = await startHealthServer(204);
    const bad = await startHealthServer(503);
    try {
      const started = Date.now();
      const result = await probeOnce(silent.url, 100);
      assert.equal(result.ok, false);
      assert.ok(Date.now() - started < 1_000);
      assert.match(result.detail, /no answer within 100 ms/);
      assert.equal((await probeOnce(ok.url, 500)).ok, true);
      assertFields(await probeOnce(bad.url, 500), { ok: false, detail: "HTTP 503" });
      assertFields(await probeOnce(await deadUrl(), 500), { ok: false });
    } finally {
      await Promise.all([silent.close(), ok.close(), bad.close()]);
    }
  });

  it("Route 53 status: healthy above 18% of checkers, failed at or below, unknown when unreadable", async () => {
    const sim = new SimulatedAws().install();
    const client = createRoute53StatusClient(STANDBY);
    try {
      sim.state.route53.observations = [
        "Failure: timeout",
        "Failure: timeout",
        "Failure: timeout",
        "Failure: timeout",
        "Failure: timeout",
        "Success: HTTP 200",
      ];
      assert.equal((await readRoute53Status(client, "hc", 500)).status, "failed");
      sim.state.route53.observations = [
        "Failure: timeout",
        "Failure: timeout",
        "Failure: timeout",
        "Success: HTTP 200",
        "Failure: timeout",
      ];
      assert.equal((await readRoute53Status(client, "hc", 500)).status, "healthy");
      sim.state.route53.observations = [];
      assert.equal((await readRoute53Status(client, "hc", 500)).status, "unknown");
      sim.state.route53.fail = true;
      assert.equal((await readRoute53Status(client, "hc", 500)).status, "unknown");
      assert.equal((await readRoute53Status(client, undefined, 500)).status, "unknown");
    } finally {
      sim.restore();
    }
  });
});

describe("region detection: detector and witness Lambdas", function () {
  this.timeout(10_000);
  let active: HealthServer;
  beforeEach(async () => {
    active = await startHealthServer(200);
  });
  // Hooks of one block run in the order they are declared: the promotions a test started finish
  // before its harness closes, and the health server closes last.
  afterEach(() => promotions());
  const h = useRegionHarness(() => ({
    regionEndpoints: {
      [HOME]: {
        healthUrl: active.url,
        shallowUrl: active.url,
        route53HealthCheckId: "hc-use1",
        inRegionSources: SOURCE_IDS,
      },
      [STANDBY]: {
        healthUrl: active.url,
        shallowUrl: active.url,
        route53HealthCheckId: "hc-euw1",
      },
      [WITNESS]: { healthUrl: active.url, shallowUrl: active.url },
    },
  }));
  afterEach(() => active.close());

  // The hand-off is asynchronous as in production (requestPromotion.ts): the detector returns
  // once the orchestrator is asked; `promotions()` waits for the orchestrator runs it started.
  let pending: Promise<unknown>[] = [];
  const promotions = async () => {
    const done = await Promise.all(pending);
    pending = [];
    return done;
  };
  const detector = () =>
    createDetectorHandler(h.settings, {
      clients: h.sim.clients(STANDBY),
      authorityClient: h.authorityClient,
      route53: createRoute53StatusClient(STANDBY),
      log: memoryLogger().logger,
      now: () => h.clock.now,
      requestFailover: async (event) => {
        pending.push(h.handler()(event));
        return { outcome: "requested", statusCode: 202 };
      },
    });
  const witnessSays = (consecutiveFailures: number, target = HOME) =>
    h.signals.writeWitness(WITNESS, { target, consecutiveFailures, observedAt: h.clock.now });
  const route53Says = (healthy: boolean) => {
    h.sim.state.route53.observations = Array.from({ length: 8 }, () =>
      healthy ? "Success: HTTP Status Code 200" : "Failure: Connection timed out",
    );
  };
  /** No promotion happened: no write to the standby's AWS but alerts, the authority untouched. */
  const assertNoPromotion = async () => {
    const writes = h.sim.writes().map((c) => c.command);
    assert.ok(
      writes.every((c) => c === "Publish"),
      `unexpected writes: ${writes.join(", ")}`,
    );
    assertFields(await h.authority.read(), { epoch: 0, activeRegion: HOME, exists: false });
  };

  it("scenario 1: a flapping primary never reaches N consecutive failures: no failover, one degraded alert", async () => {
    let n = 0;
    active.answer(() => (n++ % 2 === 0 ? 500 : 200));
    await witnessSays(1);
    route53Says(true);
    const run = detector();
    const reports: DetectionReport[] = [];
    for (let i = 0; i < 3; i++) reports.push(await run());
    assert.ok(
      reports.every((r) => r.action === "degraded"),
      reports.map((r) => r.action).join(),
    );
    assert.ok(active.hits >= 12, "several probes per run");
    await assertNoPromotion();
    assert.equal(h.sim.state.messages.length, 1, "alerted once, on the change");
    assert.match(h.sim.state.messages[0].subject, /degraded/);
  });

  it("scenario 2: one signal bad, the others healthy: no promotion", async () => {
    await witnessSays(7); // the witness alone sees the region down
    route53Says(true);
    const report = await detector()();
    assert.equal(report.action, "degraded");
    assert.deepEqual(
      report.readings.map((r) => r.status),
      ["healthy", "failed", "healthy"],
    );
    await assertNoPromotion();
  });

  it("scenario 3: both regions unhealthy: no promotion into an unhealthy target; humans are paged", async () => {
    active.answer(503);
    await witnessSays(5);
    route53Says(false);
    h.sim.state.db.status = "storage-full"; // the standby itself cannot take over
    const report = await detector()();
    assert.equal(report.action, "page-humans");
    await assertNoPromotion();
    assert.match(h.sim.state.messages[0].subject, /page-humans/);
    assert.equal(h.sim.callsOf("PromoteReadReplica").length, 0);
  });

  it("a replica in its nightly backup window is still a target: the database step waits the backup out", async () => {
    h.sim.state.db.status = "backing-up";
    const ready = await dataTierReadiness(
      h.sim.clients(STANDBY),
      h.settings,
    )(new AbortController().signal);
    assert.equal(ready, true);
    h.sim.state.db.status = "storage-full";
    assert.equal(
      await dataTierReadiness(h.sim.clients(STANDBY), h.settings)(new AbortController().signal),
      false,
    );
  });

  it("scenario 17: only the inter-region link is cut: the standby's canary fails, witness and Route 53 see the primary: no promotion", async () => {
    active.answer("silent");
    await witnessSays(0);
    route53Says(true);
    const run = detector();
    await run();
    const report = await run();
    assert.equal(report.readings[0].status, "failed");
    assert.ok(report.readings[0].consecutiveFailures >= 3);
    assert.equal(report.action, "degraded");
    await assertNoPromotion();
  });

  it("scenario 21 (AZ): an AZ lost in the active region leaves its health endpoint answering: nothing happens", async () => {
    // Multi-AZ: the ALB keeps answering from the surviving AZs.
    await witnessSays(0);
    route53Says(true);
    const report = await detector()();
    assert.equal(report.action, "none");
    assert.deepEqual(h.sim.writes(), []);
  });

  // Scenarios 26–28: the deep check (health_check.php) fails while the shallow signal answers.
  // The detector runs once a minute; the clock moves a minute between runs.
  const deepFails = async () => {
    const deep = await startHealthServer(500);
    h.settings.regionEndpoints[HOME].healthUrl = deep.url;
    return deep;
  };
  const minutes = async (n: number) => {
    const run = detector();
    const reports: DetectionReport[] = [];
    for (let i = 0; i < n; i++) {
      await witnessSays(0); // the witness runs every minute too, and sees the region serve
      reports.push(await run());
      h.clock.now += 60_000;
    }
    return reports;
  };

  it("scenario 26: the database unreachable for 120 s in the primary (a Multi-AZ failover): no promotion, a page", async () => {
    const deep = await deepFails();
    try {
      await witnessSays(0);
      route53Says(true);
      const failing = await minutes(3); // 0, 60, 120 s: the deep check fails
      deep.answer(200); // the failover completed: RDS "typically 60–120 seconds"
      const recovered = await minutes(1);
      assert.deepEqual(
        [...failing, ...recovered].map((r) => r.action),
        ["degraded", "degraded", "degraded", "none"],
      );
      assert.match(
        failing[2].reason,
        /deep check failing for 120 s .*HTTP 500.*shallow signal answering/,
      );
      assert.ok(deep.hits >= 12, "the deep check is probed with every shallow probe");
      await assertNoPromotion();
      assert.equal(h.sim.state.messages.length, 1, "one page, when it started");
      assert.match(h.sim.state.messages[0].subject, /degraded/);
      assert.match(h.sim.state.messages[0].message, /deep check failing/);
      // Below the dwell the source region is not even asked.
      assert.equal(h.sim.callsOf("DescribeEvents").length, 0);
      assertFields(await h.signals.readDetector(STANDBY), {
        deepFailingSince: 0,
        canaryFailures: 0,
      });
    } finally {
      await deep.close();
    }
  });

  it("scenario 27: a Redis Multi-AZ failover in the primary: no promotion, and its event holds the page back past the dwell", async () => {
    const deep = await deepFails();
    try {
      await witnessSays(0);
      route53Says(true);
      h.sim.state.sourceEvents.push({
        source: SOURCE_IDS.replicationGroupId,
        message:
          "Failover from primary node magento-cache-use1-001 to replica node magento-cache-use1-002 completed",
        at: h.clock.now,
      });
      const dwellRuns = h.settings.detection.deepDwellMs / 60_000 + 2;
      const reports = await minutes(dwellRuns);
      assert.ok(
        reports.every((r) => r.action === "degraded"),
        reports.map((r) => r.action).join(),
      );
      assert.match(
        reports.at(-1)!.reason,
        /in-region recovery reported by the source .*Failover from primary node/,
      );
      const reads = h.sim.callsOf("DescribeEvents");
      assert.ok(reads.length >= 2, "read from the source once the dwell was reached, once a run");
      assert.ok(reads.every((c) => c.region === HOME));
      assertFields(reads.find((c) => c.service === "elasticache")!.input, {
        SourceType: "replication-group",
        SourceIdentifier: SOURCE_IDS.replicationGroupId,
        Duration: 30,
      });
      assertFields(reads.find((c) => c.service === "rds")!.input, {
        SourceType: "db-instance",
        SourceIdentifier: SOURCE_IDS.databaseInstanceId,
      });
      await assertNoPromotion();
      assert.equal(h.sim.state.messages.length, 1, "one page, when it started");
    } finally {
      await deep.close();
    }
  });

  it("scenario 28: a deploy breaks the deep check while the shallow one answers: no promotion; a page at once, humans paged after the dwell", async () => {
    const deep = await deepFails();
    try {
      await witnessSays(0);
      route53Says(true);
      // An old RDS event, outside the veto window, and another instance's: neither vetoes.
      h.sim.state.sourceEvents.push(
        {
          source: SOURCE_IDS.databaseInstanceId,
          message: "Multi-AZ instance failover completed",
          category: "failover",
          at: h.clock.now - h.settings.detection.inRegionEventWindowMs - 60_000,
        },
        {
          source: "someone-else",
          message: "DB instance restarted",
          category: "availability",
          at: h.clock.now,
        },
      );
      const dwellRuns = h.settings.detection.deepDwellMs / 60_000;
      const reports = await minutes(dwellRuns + 2);
      const actions = reports.map((r) => r.action);
      assert.deepEqual(actions.slice(0, dwellRuns), Array(dwellRuns).fill("degraded"));
      assert.deepEqual(actions.slice(dwellRuns), ["page-humans", "page-humans"]);
      assert.match(
        reports.at(-1)!.reason,
        /longer than any documented in-region recovery.*Not promoted automatically/,
      );
      await assertNoPromotion();
      assert.deepEqual(
        h.sim.state.messages.map((m) => m.subject.replace(/^Region \S+: /, "")),
        ["degraded", "page-humans"],
        "a page when it starts, one when it outlasts the dwell; not one a minute",
      );
    } finally {
      await deep.close();
    }
  });

  it("the veto is read from the source only: unreadable (the region lost) is no veto, never a block", async () => {
    const deep = await deepFails();
    try {
      await witnessSays(0);
      route53Says(true);
      h.sim.state.sourceEvents.push({
        source: SOURCE_IDS.databaseInstanceId,
        message: "Multi-AZ instance failover started",
        category: "failover",
        at: h.clock.now,
      });
      h.sim.unreachableRegion = HOME;
      const reports = await minutes(h.settings.detection.deepDwellMs / 60_000 + 1);
      assert.equal(reports.at(-1)!.action, "page-humans");
      assert.ok(h.sim.callsOf("DescribeEvents").length > 0);
      await assertNoPromotion();
    } finally {
      await deep.close();
    }
  });

  it("shallow signal lost from both vantage points: promotion in the first run that sees it, within the detection budget, whatever the deep check says", async () => {
    await active.close();
    active = await startHealthServer("silent");
    h.settings.regionEndpoints[HOME].shallowUrl = active.url;
    const deep = await startHealthServer(200); // even a deep check that still answers
    h.settings.regionEndpoints[HOME].healthUrl = deep.url;
    try {
      route53Says(false);
      const witness = createWitnessHandler(
        { witnessRegion: WITNESS, settings: h.settings },
        { authorityClient: h.authorityClient, log: memoryLogger().logger, now: () => h.clock.now },
      );
      assertFields(await witness(), { target: HOME, consecutiveFailures: 4 });
      const report = await detector()();
      assert.equal(report.action, "failover");
      // The canary decided at its failureThreshold-th probe: N probes, the detection budget.
      assert.equal(report.readings[0].consecutiveFailures, h.settings.detection.failureThreshold);
      await promotions();
      assertFields(await h.authority.read(), { activeRegion: STANDBY, epoch: 1 });
    } finally {
      await deep.close();
    }
  });

  it("the witness records its verdict in the authority table; a stale or foreign verdict is unknown", async () => {
    active.answer(503);
    const witness = createWitnessHandler(
      { witnessRegion: WITNESS, settings: h.settings },
      { authorityClient: h.authorityClient, log: memoryLogger().logger, now: () => h.clock.now },
    );
    const state = await witness();
    assertFields(state, { target: HOME, consecutiveFailures: 4 });
    assertFields(await h.signals.readWitness(WITNESS), { target: HOME, consecutiveFailures: 4 });
    route53Says(true);
    h.clock.now += h.settings.detection.witnessMaxAgeMs + 1;
    const report = await detector()();
    assertFields(report.readings[1], { vantage: "witness", status: "unknown" });
  });

  it("scenarios 8, 9, 10: primary unreachable, Route 53 unreadable: the standby detects alone and promotes without the failed region", async () => {
    h.sim.unreachableRegion = HOME;
    h.sim.state.route53.fail = true; // us-east-1's control plane is down too: "unknown"
    await active.close();
    active = await startHealthServer("silent");
    h.settings.regionEndpoints[HOME].healthUrl = active.url;
    h.settings.regionEndpoints[HOME].shallowUrl = active.url;
    await witnessSays(3);
    const report = await detector()();
    assert.equal(report.action, "failover");
    assert.deepEqual(
      report.readings.map((r) => r.status),
      ["failed", "failed", "unknown"],
    );
    assertFields(report.requested?.detail, { failedRegion: HOME, targetRegion: STANDBY, epoch: 0 });
    await promotions();
    assertFields(await h.authority.read(), { activeRegion: STANDBY, phase: "completed", epoch: 1 });
    assert.equal(
      h.sim.calls.filter((c) => c.region !== STANDBY && c.service !== "route53").length,
      0,
    );
    assert.equal(h.sim.callsOf("ChangeResourceRecordSets").length, 0);
    assert.ok(h.sim.state.metrics.some((m) => m.name === "FailoverActive"));
  });

  it("the gate is re-published while an unplanned promotion is still incomplete, not only once completed", async () => {
    h.sim.state.cache.failoverHangs = true; // the cache track cannot finish in this run
    active.answer(503);
    await witnessSays(3);
    route53Says(false);
    assert.equal((await detector()()).action, "failover");
    await promotions();
    assertFields(await h.authority.read(), { activeRegion: STANDBY, phase: "promoting" });
    assert.equal(h.sim.state.ssm["/magento-dr/prod-euw1/maintenance"], "off", "shop serving");
    h.sim.state.metrics = [];
    await detector()();
    assertFields(h.sim.state.metrics[0], { name: "FailoverActive", value: 1 });
  });

  it("scenario 16: the old primary comes back: it stays fenced and nothing fails back", async () => {
    // Failover happened.
    active.answer(503);
    await witnessSays(3);
    route53Says(false);
    assert.equal((await detector()()).action, "failover");
    await promotions();
    const afterFailover = await h.authority.read();
    h.sim.calls = [];
    h.sim.state.metrics = [];

    // The old primary answers again; the new active region's detector keeps the gate closed.
    active.answer(200);
    route53Says(true);
    const report = await detector()();
    assert.equal(report.action, "none");
    assert.deepEqual(
      h.sim.writes().map((c) => c.command),
      ["PutMetricData"],
    );
    assertFields(h.sim.state.metrics[0], { name: "FailoverActive", value: 1 });
    assert.deepEqual(await h.authority.read(), afterFailover);

    // In the old primary's own region: the fence holds its ASG at standby size and maintenance on.
    const home = new SimulatedAws().install();
    try {
      Object.assign(home.state.asg, { min: 2, desired: 4, inService: 4 });
      const fence = createFenceHandler(
        {
          localRegion: HOME,
          initialActiveRegion: HOME,
          authority: h.settings.authority,
          autoScalingGroupName: "magento-asg-use1",
          standbyCapacity: { min: 0, desired: 0 },
          maintenanceParameter: "/magento-dr/prod-use1/maintenance",
          deadlineMs: 2_000,
          sdk: h.settings.sdk,
        },
        {
          clients: home.clients(HOME),
          authorityClient: h.authorityClient,
          log: memoryLogger().logger,
        },
      );
      assertFields(await fence(), { fenced: true, activeRegion: STANDBY });
      assertFields(home.state.asg, { min: 0, desired: 0 });
      assert.equal(home.state.ssm["/magento-dr/prod-use1/maintenance"], "on");
      assert.ok(home.calls.every((c) => c.region === HOME));
      const again = await fence();
      assert.deepEqual(again.changes, [], "idempotent");

      // The old primary's detector sees the new active region fail: its data tier is no longer a
      // replica, so it pages people instead of failing back.
      home.calls = [];
      home.state.db.source = undefined;
      home.state.cache.role = "PRIMARY";
      const gone = await deadUrl();
      const homeDetector = createDetectorHandler(
        testSettings({
          localRegion: HOME,
          authority: h.settings.authority,
          regionEndpoints: {
            [HOME]: { healthUrl: active.url, shallowUrl: active.url },
            [STANDBY]: { healthUrl: gone, shallowUrl: gone, route53HealthCheckId: "hc-euw1" },
            [WITNESS]: { healthUrl: active.url, shallowUrl: active.url },
          },
        }),
        {
          clients: home.clients(HOME),
          authorityClient: h.authorityClient,
          route53: createRoute53StatusClient(HOME),
          log: memoryLogger().logger,
          now: () => h.clock.now,
        },
      );
      await h.signals.writeWitness(WITNESS, {
        target: STANDBY,
        consecutiveFailures: 3,
        observedAt: h.clock.now,
      });
      home.state.route53.observations = ["Failure: timeout"];
      assert.equal((await homeDetector()).action, "page-humans");
      assert.deepEqual(await h.authority.read(), afterFailover, "no failback");
      assert.equal(home.callsOf("PromoteReadReplica").length, 0);
    } finally {
      home.restore();
    }
  });

  it("a detector run that cannot read the authority reports an error instead of throwing", async () => {
    const { logger, lines } = memoryLogger();
    const run = createDetectorHandler(
      { ...h.settings, authority: { tableName: "missing-table", region: STANDBY } },
      {
        clients: h.sim.clients(STANDBY),
        authorityClient: h.authorityClient,
        route53: createRoute53StatusClient(STANDBY),
        log: logger,
      },
    );
    assertFields(await run(), { action: "error" });
    assert.ok(lines.some((l) => l.event === "detector-error" && l.level === "error"));
    assert.deepEqual(h.sim.writes(), []);
  });

  it("a fence that cannot read the authority changes nothing", async () => {
    const fence = createFenceHandler(
      {
        localRegion: HOME,
        initialActiveRegion: HOME,
        authority: { tableName: "missing-table", region: STANDBY },
        autoScalingGroupName: "magento-asg-use1",
        standbyCapacity: { min: 0, desired: 0 },
        maintenanceParameter: "/magento-dr/prod-use1/maintenance",
        deadlineMs: 1_000,
        sdk: h.settings.sdk,
      },
      {
        clients: h.sim.clients(HOME),
        authorityClient: h.authorityClient,
        log: memoryLogger().logger,
      },
    );
    assertFields(await fence(), { fenced: false });
    assert.deepEqual(h.sim.writes(), []);
  });

  it("resumes an interrupted promotion once its lease is free", async () => {
    await h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:dead",
      incidentId: "auto-x",
      ttlMs: 1_000,
      fromRegion: HOME,
    });
    h.clock.now += 1_001;
    const report = await detector()();
    assert.equal(report.action, "resume-requested");
    await promotions();
    assertFields(await h.authority.read(), { phase: "completed", epoch: 2, incidentId: "auto-x" });
    assert.equal(ACCOUNT, report.requested?.account);
  });

  it("never resumes an operator's planned switchover as an unplanned failover: pages the operator", async () => {
    await h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "operator:dead",
      incidentId: "planned-x",
      ttlMs: 1_000,
      fromRegion: HOME,
      mode: "planned",
    });
    h.clock.now += 1_001;
    const report = await detector()();
    assert.equal(report.action, "page-humans");
    assert.match(
      report.reason,
      /planned switchover planned-x .* incomplete: rerun "npm run promote -- planned/,
    );
    assert.equal(report.requested, undefined);
    assertFields(await h.authority.read(), { phase: "promoting", incidentId: "planned-x" });
  });
});
