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
import {
  ACCOUNT,
  harness,
  HOME,
  STANDBY,
  startDynalite,
  testSettings,
  WITNESS,
  type Harness,
} from "./helpers/fixtures";
import type { LocalDynamo } from "./helpers/dynalite";
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
  let dynamo: LocalDynamo;
  let h: Harness;
  let active: HealthServer;

  before(async () => {
    dynamo = await startDynalite();
  });
  after(async () => dynamo.stop());
  beforeEach(async () => {
    active = await startHealthServer(200);
    h = await harness(dynamo, {
      regionEndpoints: {
        [HOME]: { healthUrl: active.url, route53HealthCheckId: "hc-use1" },
        [STANDBY]: { healthUrl: active.url, route53HealthCheckId: "hc-euw1" },
        [WITNESS]: { healthUrl: active.url },
      },
    });
  });
  afterEach(async () => {
    await promotions();
    await h.close();
    await active.close();
  });

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
      const homeDetector = createDetectorHandler(
        testSettings({
          localRegion: HOME,
          authority: h.settings.authority,
          regionEndpoints: {
            [HOME]: { healthUrl: active.url },
            [STANDBY]: { healthUrl: await deadUrl(), route53HealthCheckId: "hc-euw1" },
            [WITNESS]: { healthUrl: active.url },
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
