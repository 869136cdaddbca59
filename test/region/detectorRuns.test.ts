// The detector's runs case by case, with literal expectations: while this region is active (the
// gate kept closed, an interrupted promotion resumed or paged about, both sides of the lease's
// expiry and of the one-minute page), the data tier's readiness in each state AWS reports, and
// what one detection run records, alerts and logs (the lines operators read in an incident).
import { createRoute53StatusClient } from "../../functions/region/clients";
import {
  createDetectorHandler,
  dataTierReadiness,
  defaultDetectorDeps,
} from "../../functions/region/detector";
import type { FailoverEvent } from "../../functions/region/event";
import { HoldStore } from "../../functions/region/hold";
import { memoryLogger } from "../../functions/region/log";
import { useRegionHarness } from "../helpers/regionHarness";
import { assert, assertFields } from "./helpers/assertions";
import { HOME, SOURCE_IDS, STANDBY, WITNESS } from "./helpers/fixtures";
import { startHealthServer, type HealthServer } from "./helpers/http";

describe("the detector, run by run", function () {
  this.timeout(20_000);
  let site: HealthServer;
  beforeEach(async () => {
    site = await startHealthServer(200);
  });
  const h = useRegionHarness(() => ({
    regionEndpoints: {
      [HOME]: {
        healthUrl: site.url,
        shallowUrl: site.url,
        route53HealthCheckId: "hc-use1",
        inRegionSources: SOURCE_IDS,
      },
      [STANDBY]: { healthUrl: site.url, shallowUrl: site.url, route53HealthCheckId: "hc-euw1" },
      [WITNESS]: { healthUrl: site.url, shallowUrl: site.url },
    },
  }));
  afterEach(() => site.close());

  let requested: FailoverEvent[];
  let answer: { outcome: string; reason?: string };
  let lines: Record<string, unknown>[];
  beforeEach(() => {
    requested = [];
    answer = { outcome: "requested" };
  });
  const detector = (localReadiness?: (signal: AbortSignal) => Promise<boolean>) => {
    const log = memoryLogger();
    lines = log.lines;
    return createDetectorHandler(h.settings, {
      clients: h.sim.clients(STANDBY),
      authorityClient: h.authorityClient,
      route53: createRoute53StatusClient(STANDBY),
      log: log.logger,
      now: () => h.clock.now,
      requestFailover: async (event) => {
        requested.push(event);
        return answer;
      },
      ...(localReadiness ? { localReadiness } : {}),
    });
  };
  const gatePublished = () => h.sim.callsOf("PutMetricData").length;
  const events = () => lines.map((l) => l.event);
  const take = (mode: "planned" | "unplanned", ttlMs = 1_000) =>
    h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:dead",
      incidentId: "auto-x",
      ttlMs,
      fromRegion: HOME,
      mode,
    });

  describe("while this region is active", () => {
    it("a completed promotion: the gate is re-published, nothing else", async () => {
      const lease = await take("unplanned");
      await h.authority.completePromotion(lease as never);
      const report = await detector()();
      assert.deepEqual(report, {
        action: "none",
        reason: "this region is active; gate kept closed",
        activeRegion: STANDBY,
        readings: [],
      });
      assert.equal(gatePublished(), 1);
      assert.deepEqual(requested, []);
      assert.equal(site.hits, 0, "never probes itself");
    });

    it("a completed planned switchover: the gate is re-published too", async () => {
      const lease = await take("planned");
      await h.authority.completePromotion(lease as never);
      assertFields(await detector()(), { action: "none" });
      assert.equal(gatePublished(), 1);
    });

    it("an unplanned promotion still running (lease held): the gate is kept closed, no resume", async () => {
      await take("unplanned", 10_000);
      h.clock.now += 9_999;
      const report = await detector()();
      assert.deepEqual(report, {
        action: "none",
        reason: "this region is active (phase promoting)",
        activeRegion: STANDBY,
        readings: [],
      });
      assert.equal(gatePublished(), 1);
      assert.deepEqual(requested, []);
    });

    it("an unplanned promotion whose lease ran out exactly now is resumed with the incident's own event", async () => {
      await take("unplanned", 10_000);
      h.clock.now += 10_000;
      const report = await detector()();
      assertFields(report, {
        action: "resume-requested",
        reason: "interrupted promotion resumed",
        activeRegion: STANDBY,
        readings: [],
      });
      assert.equal(requested.length, 1);
      assert.deepEqual(report.requested, requested[0]);
      assertFields(requested[0].detail, {
        incidentId: "auto-x",
        mode: "unplanned",
        failedRegion: HOME,
        targetRegion: STANDBY,
        epoch: 1,
      });
      assertFields(
        lines.find((l) => l.event === "promotion-resume-requested"),
        { level: "warn", incidentId: "auto-x", epoch: 1 },
      );
    });

    it("a resume the orchestrator rejects is reported as an error, never as resumed", async () => {
      await take("unplanned");
      h.clock.now += 1_000;
      answer = { outcome: "rejected", reason: "stale epoch" };
      const report = await detector()();
      assert.deepEqual(report, {
        action: "error",
        reason: "resume rejected: stale epoch",
        activeRegion: STANDBY,
        readings: [],
      });
      assertFields(
        lines.find((l) => l.event === "promotion-resume-rejected"),
        { level: "error", incidentId: "auto-x", reason: "stale epoch" },
      );
    });

    it("a planned switchover interrupted: pages once, in the first minute after its lease ran out (both sides)", async () => {
      await take("planned");
      h.clock.now += 1_000 + 59_999;
      const first = await detector()();
      assert.deepEqual(first, {
        action: "page-humans",
        reason:
          'the planned switchover auto-x to eu-west-1 is incomplete: rerun "npm run promote -- planned --to <the eu-west-1 stack>"',
        activeRegion: STANDBY,
        readings: [],
      });
      assert.deepEqual(
        h.sim.state.messages.map((m) => m.subject),
        ["Region eu-west-1: planned switchover interrupted"],
      );
      assert.deepEqual(JSON.parse(h.sim.state.messages[0].message), { reason: first.reason });
      assertFields(
        lines.find((l) => l.event === "planned-promotion-interrupted"),
        { level: "error", incidentId: "auto-x" },
      );
      assert.equal(gatePublished(), 0, "a planned switchover's gate is the operator's");
      h.clock.now += 1;
      assertFields(await detector()(), { action: "page-humans" });
      assert.equal(h.sim.state.messages.length, 1, "not paged again a minute later");
      assert.deepEqual(requested, []);
    });

    it("a gate or a page that cannot be published is logged; the run still reports", async () => {
      const lease = await take("unplanned");
      await h.authority.completePromotion(lease as never);
      h.sim.fail("PutMetricData", new Error("throttled"));
      assertFields(await detector()(), { action: "none" });
      assertFields(
        lines.find((l) => l.event === "gate-refresh-failed"),
        { level: "error", message: "throttled" },
      );
    });

    it("a gate publish or a page that hangs is cut at its deadline, and the line says which", async () => {
      const lease = await take("unplanned");
      await h.authority.completePromotion(lease as never);
      h.sim.fail("PutMetricData", "hang");
      assertFields(await detector()(), { action: "none" });
      assertFields(
        lines.find((l) => l.event === "gate-refresh-failed"),
        {
          name: "DeadlineExceeded",
          message: "gate-refresh did not finish within 500 ms",
        },
      );
    });

    it("an interrupted promotion during an operator hold is not resumed, and the report says why", async () => {
      await take("unplanned");
      h.clock.now += 1_000;
      await new HoldStore({
        client: h.authorityClient,
        tableName: h.settings.authority.tableName,
        now: () => h.clock.now,
      }).set({ forMs: 3_600_000, reason: "RDS upgrade", by: "alice" });
      const report = await detector()();
      assert.deepEqual(report, {
        action: "held",
        reason: `interrupted promotion not resumed: operator hold by alice until ${new Date(h.clock.now + 3_600_000).toISOString()}: RDS upgrade`,
        activeRegion: STANDBY,
        readings: [],
      });
      assert.deepEqual(requested, []);
    });

    it("a request hand-off that answers nothing is still a requested resume", async () => {
      await take("unplanned");
      h.clock.now += 1_000;
      answer = undefined as never;
      assertFields(await detector()(), { action: "resume-requested" });
    });

    it("a page that cannot be sent is logged", async () => {
      await take("planned");
      h.clock.now += 1_000;
      h.sim.fail("Publish", new Error("SNS down"));
      assertFields(await detector()(), { action: "page-humans" });
      assertFields(
        lines.find((l) => l.event === "alert-failed"),
        { level: "error", error: "SNS down" },
      );
    });
  });

  it("a run that cannot complete reports an error with no region and no readings, and logs it", async () => {
    const log = memoryLogger();
    const run = createDetectorHandler(
      { ...h.settings, authority: { tableName: "missing-table", region: STANDBY } },
      {
        clients: h.sim.clients(STANDBY),
        authorityClient: h.authorityClient,
        route53: createRoute53StatusClient(STANDBY),
        log: log.logger,
        now: () => h.clock.now,
      },
    );
    const report = await run();
    assert.deepEqual(Object.keys(report).sort(), ["action", "activeRegion", "readings", "reason"]);
    assertFields(report, { action: "error", activeRegion: "unknown", readings: [] });
    assert.match(report.reason, /non-existent table|not found/i);
    assertFields(
      log.lines.find((l) => l.event === "detector-error"),
      {
        level: "error",
        message: report.reason,
      },
    );
  });

  it("without an orchestrator function configured, a request fails loudly instead of vanishing", async () => {
    const deps = defaultDetectorDeps(h.settings, {});
    await assert.rejects(deps.requestFailover({} as never), {
      message: "no orchestrator function configured to invoke",
    });
  });

  describe("this region's readiness to take over", () => {
    it("asks for its own replica and cache group by identifier, bounded by the run's signal; an empty answer is not ready", async () => {
      const sent: { input: Record<string, unknown>; signal?: AbortSignal }[] = [];
      const fake = (answer: unknown) => ({
        send: async (
          command: { input: Record<string, unknown> },
          options?: { abortSignal?: AbortSignal },
        ) => {
          sent.push({ input: command.input, signal: options?.abortSignal });
          return answer;
        },
      });
      const signal = new AbortController().signal;
      const clients = { rds: fake({}), elastiCache: fake({}) } as never;
      assert.equal(await dataTierReadiness(clients, h.settings)(signal), false);
      assert.deepEqual(
        sent.map((s) => s.input),
        [
          { DBInstanceIdentifier: h.settings.database.instanceId },
          { ReplicationGroupId: h.settings.cache.replicationGroupId },
        ],
      );
      assert.ok(sent.every((s) => s.signal === signal));
      const listed = {
        rds: fake({ DBInstances: [{}] }),
        elastiCache: fake({ ReplicationGroups: [{ Status: "available" }] }),
      } as never;
      assert.equal(await dataTierReadiness(listed, h.settings)(signal), false);
      const noInfo = {
        rds: fake({
          DBInstances: [
            { DBInstanceStatus: "available", ReadReplicaSourceDBInstanceIdentifier: "arn" },
          ],
        }),
        elastiCache: fake({
          ReplicationGroups: [{ Status: "available", GlobalReplicationGroupInfo: {} }],
        }),
      } as never;
      assert.equal(await dataTierReadiness(noInfo, h.settings)(signal), false);
    });

    const ready = () =>
      dataTierReadiness(h.sim.clients(STANDBY), h.settings)(new AbortController().signal);
    it("a replica available (or backing up) and a secondary cache group available: ready", async () => {
      assert.equal(await ready(), true);
      h.sim.state.db.status = "backing-up";
      assert.equal(await ready(), true);
      (h.sim.state.cache as { role: string }).role = "secondary";
      assert.equal(await ready(), true, "the role is compared case-insensitively");
    });
    it("anything else: not ready", async () => {
      const cases: [string, () => void][] = [
        ["database modifying", () => (h.sim.state.db.status = "modifying")],
        ["database no longer a replica", () => (h.sim.state.db.source = undefined)],
        ["cache group modifying", () => (h.sim.state.cache.status = "modifying")],
        ["cache group primary", () => ((h.sim.state.cache as { role: string }).role = "PRIMARY")],
        [
          "cache group detached",
          () => ((h.sim.state.cache as { role: string }).role = "standalone"),
        ],
      ];
      for (const [what, make] of cases) {
        const saved = structuredClone(h.sim.state);
        make();
        assert.equal(await ready(), false, what);
        h.sim.state = saved;
      }
      const reads = h.sim.calls.filter((c) =>
        /Describe(DBInstances|ReplicationGroups)/.test(c.command),
      );
      assert.ok(reads.every((c) => c.region === STANDBY));
      assert.ok(
        reads.some((c) => c.input.ReplicationGroupId === h.settings.cache.replicationGroupId),
      );
    });
  });

  describe("one detection run", () => {
    const regionDown = async (witnessFailures = 5) => {
      site.answer(503);
      await h.signals.writeWitness(WITNESS, {
        target: HOME,
        consecutiveFailures: witnessFailures,
        observedAt: h.clock.now,
      });
      h.sim.state.route53.observations = ["Failure: Connection timed out"];
    };

    it("readiness that hangs is cut at twice the probe timeout and logged as unknown", async () => {
      await regionDown();
      await h.signals.writeDetector(STANDBY, {
        target: HOME,
        canaryFailures: 2,
        route53Failures: 0,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      const report = await detector(() => new Promise<boolean>(() => undefined))();
      assertFields(report, { action: "page-humans" });
      assertFields(
        lines.find((l) => l.event === "local-readiness-unknown"),
        {
          message: "local-readiness did not finish within 300 ms",
        },
      );
    });

    it("a change alert that hangs is cut at its deadline and logged", async () => {
      await regionDown(1);
      h.sim.fail("Publish", "hang");
      assertFields(await detector()(), { action: "degraded" });
      assertFields(
        lines.find((l) => l.event === "alert-failed"),
        {
          level: "error",
          error: "alert did not finish within 500 ms",
        },
      );
      assert.equal(
        lines.filter((l) => l.event === "operator-hold").length,
        0,
        "no hold, no hold line",
      );
    });

    it("not this region's turn (it does not succeed the active one): nothing probed", async () => {
      await h.renew({ ...h.settings, localRegion: WITNESS } as never);
      const report = await detector()();
      assert.deepEqual(report, {
        action: "none",
        reason: "us-west-2 is not the successor of us-east-1",
        activeRegion: HOME,
        readings: [],
      });
      assert.equal(site.hits, 0);
    });

    it("a failover: requested once, not alerted by the detector (the orchestrator notifies), stopped at the first probe that decides", async () => {
      await regionDown();
      // Carried counts: the canary has already failed twice; the third probe decides.
      await h.signals.writeDetector(STANDBY, {
        target: HOME,
        canaryFailures: 2,
        route53Failures: 4,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      const report = await detector()();
      assertFields(report, {
        action: "failover",
        reason: "quorum failed: standby-canary, witness, route53",
      });
      assert.equal(requested.length, 1);
      assert.deepEqual(report.requested, requested[0]);
      assert.equal(h.sim.state.messages.length, 0, "no alert of its own on a failover");
      assert.equal(site.hits, 2, "one probe (shallow and deep), then it decided");
      assertFields(await h.signals.readDetector(STANDBY), {
        target: HOME,
        canaryFailures: 3,
        route53Failures: 5,
        lastAction: "failover",
        epoch: 0,
      });
      assertFields(
        lines.find((l) => l.event === "detection"),
        { level: "info", target: HOME, action: "failover", reason: report.reason },
      );
      const logged = lines.find((l) => l.event === "detection")!;
      assert.deepEqual(
        (logged.readings as { vantage: string; status: string }[]).map((r) => [
          r.vantage,
          r.status,
        ]),
        [
          ["standby-canary", "failed"],
          ["witness", "failed"],
          ["route53", "failed"],
        ],
      );
    });

    it("quorum reached while this region is not ready: humans paged at the first probe that decides, no more probing", async () => {
      await regionDown();
      await h.signals.writeDetector(STANDBY, {
        target: HOME,
        canaryFailures: 2,
        route53Failures: 0,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      assertFields(await detector(async () => false)(), { action: "page-humans" });
      assert.equal(site.hits, 2, "one probe (shallow and deep), then it decided");
      assert.deepEqual(requested, []);
    });

    it("counts about another active region are not carried over", async () => {
      await regionDown();
      await h.signals.writeDetector(STANDBY, {
        target: "ap-south-1",
        canaryFailures: 2,
        route53Failures: 4,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      const report = await detector()();
      assertFields(await h.signals.readDetector(STANDBY), {
        target: HOME,
        route53Failures: 1,
      });
      assert.equal(report.action, "failover");
      assert.equal(site.hits, 6, "the canary starts from zero: three probes to the threshold");
    });

    it("an operator hold holds a failover only; other decisions are reported as they are", async () => {
      const holds = new HoldStore({
        client: h.authorityClient,
        tableName: h.settings.authority.tableName,
        now: () => h.clock.now,
      });
      await holds.set({ forMs: 600_000, reason: "upgrade", by: "alice" });
      await regionDown(1);
      const report = await detector()();
      assert.equal(report.action, "degraded", "degraded stays degraded during a hold");
      assertFields(
        lines.find((l) => l.event === "operator-hold"),
        {
          level: "warn",
          reason: "upgrade",
          by: "alice",
        },
      );
    });

    it("local readiness slower than half the probe timeout is still read (its budget is twice the probe timeout)", async () => {
      await regionDown();
      const slow = (signal: AbortSignal) =>
        new Promise<boolean>((resolve, reject) => {
          const t = setTimeout(() => resolve(true), h.settings.detection.probeTimeoutMs * 1.2);
          signal.addEventListener("abort", () => {
            clearTimeout(t);
            reject(signal.reason);
          });
        });
      await h.signals.writeDetector(STANDBY, {
        target: HOME,
        canaryFailures: 2,
        route53Failures: 0,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      assertFields(await detector(slow)(), { action: "failover" });
      assert.equal(lines.filter((l) => l.event === "local-readiness-unknown").length, 0);
    });

    it("local readiness that cannot be read: page humans, and the line says why", async () => {
      await regionDown();
      await h.signals.writeDetector(STANDBY, {
        target: HOME,
        canaryFailures: 2,
        route53Failures: 0,
        lastAction: "degraded",
        decidedAt: h.clock.now,
        epoch: 0,
      });
      const report = await detector(() => Promise.reject(new Error("RDS unreachable")))();
      assertFields(report, { action: "page-humans" });
      assertFields(
        lines.find((l) => l.event === "local-readiness-unknown"),
        {
          level: "warn",
          message: "RDS unreachable",
        },
      );
      assert.deepEqual(requested, []);
    });

    it("the alert of a change names the target and carries the decision and readings", async () => {
      await regionDown(1);
      await detector()();
      assert.deepEqual(
        h.sim.state.messages.map((m) => m.subject),
        ["Region us-east-1: degraded"],
      );
      const body = JSON.parse(h.sim.state.messages[0].message);
      assertFields(body, { target: HOME, action: "degraded" });
      assert.equal(body.readings.length, 3);
      assert.deepEqual(
        events().filter((e) => e === "detection"),
        ["detection"],
      );
    });
  });
});
