// What a promotion run reports, records and logs, written out whole: the report's reason, each
// step's record and timing, the lines the metric filters and the operators read, and how the
// run ends when its lease bookkeeping fails or another run takes over. The steps are small
// substitutes that move the harness's clock, so every duration is a literal; the authority
// table is real (dynalite).
import type { PromotionStep, PromotionTrack, StepContext } from "../../functions/region/steps";
import { AuthorityStore } from "../../functions/region/authority";
import { assert } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { HOME } from "./helpers/fixtures";

const HOLDER = "orchestrator:eu-west-1:test";
const RIVAL = "orchestrator:eu-west-1:rival";

describe("region promotion: the report, the records and the log lines", function () {
  this.timeout(10_000);
  // Renewals every 100 ms, so a lost lease shows within a test's time.
  const h = useRegionHarness({ leaseHeartbeatMs: 100 });
  const iso = (ms: number) => new Date(ms).toISOString();

  /** A step that takes `ms` of the harness's clock and ends with `outcome`. */
  const step = (
    name: string,
    ms: number,
    outcome: "done" | "already-done" | "capacity-not-reached" = "done",
    detail = `${name} ${outcome}`,
  ): PromotionStep => ({
    name,
    deadlineMs: () => 2_000,
    run: async () => {
      h.clock.now += ms;
      return { outcome, detail };
    },
  });
  const failing = (name: string, ms: number, message: string): PromotionStep => ({
    name,
    deadlineMs: () => 2_000,
    run: async () => {
      h.clock.now += ms;
      throw Object.assign(new Error(message), { name: "ServiceUnavailable" });
    },
  });
  const track = (
    s: PromotionStep,
    onShopReady?: (ctx: StepContext) => Promise<string | undefined>,
  ): PromotionTrack => ({
    step: s,
    whenFailed: `${s.name}: the shop runs without it`,
    onShopReady,
  });
  /** The run's lines without their wall-clock time, in order, for the events named. */
  const lines = (...events: string[]) =>
    h.logs
      .filter((l) => events.includes(l.event as string))
      .map(({ time: _time, ...rest }) => rest);

  it("a completed run: its reason, each step's record and duration, and its log lines", async () => {
    const t0 = h.clock.now;
    const report = await h.promote(
      {},
      { phases: () => [[step("a", 1_500)], [step("b", 500, "already-done")]], tracks: () => [] },
    );
    assert.deepEqual(report, {
      outcome: "completed",
      reason: "completed",
      incidentId: "incident-1",
      epoch: 1,
      shopReadyMs: 2_000,
      lossWindow: undefined,
      steps: [
        {
          name: "a",
          outcome: "done",
          detail: "a done",
          startedAt: iso(t0),
          endedAt: iso(t0 + 1_500),
          durationMs: 1_500,
        },
        {
          name: "b",
          outcome: "already-done",
          detail: "b already-done",
          startedAt: iso(t0 + 1_500),
          endedAt: iso(t0 + 2_000),
          durationMs: 500,
        },
      ],
    });
    const run = { incidentId: "incident-1", trigger: "test" };
    assert.deepEqual(lines("lease-taken", "step-finished", "shop-ready", "promotion-decision"), [
      { level: "info", event: "lease-taken", ...run, epoch: 1, holder: HOLDER, kind: "new" },
      { level: "info", event: "step-finished", ...run, step: "a", outcome: "done", ms: 1_500 },
      {
        level: "info",
        event: "step-finished",
        ...run,
        step: "b",
        outcome: "already-done",
        ms: 500,
      },
      { level: "info", event: "shop-ready", ...run, epoch: 1, ms: 2_000 },
      {
        level: "info",
        event: "promotion-decision",
        ...run,
        outcome: "completed",
        reason: "completed",
        epoch: 1,
      },
    ]);
    const authority = await h.authority.read();
    assert.equal(authority.phase, "completed");
    assert.equal(authority.holder, undefined);
  });

  it("capacity short of its target still completes, and says so", async () => {
    const report = await h.promote(
      {},
      { phases: () => [[step("capacity", 10, "capacity-not-reached")]], tracks: () => [] },
    );
    assert.equal(report.outcome, "completed");
    assert.equal(report.reason, "completed; capacity not reached in time");
  });

  it("a failed critical step: the shop is not ready, later phases do not run, the lease is released", async () => {
    const t0 = h.clock.now;
    const report = await h.promote(
      {},
      {
        phases: () => [[step("a", 100)], [failing("b", 250, "boom")], [step("c", 1)]],
        tracks: () => [],
      },
    );
    assert.equal(report.outcome, "incomplete");
    assert.equal(
      report.reason,
      "the shop is not taking orders yet; failed: b; a later run resumes from the observed state",
    );
    assert.equal(report.shopReadyMs, undefined);
    assert.deepEqual(report.steps.slice(1), [
      {
        name: "b",
        startedAt: iso(t0 + 100),
        outcome: "failed",
        error: { name: "ServiceUnavailable", message: "boom" },
        endedAt: iso(t0 + 350),
        durationMs: 250,
      },
      { name: "c", outcome: "not-run" },
    ]);
    assert.deepEqual(lines("step-failed"), [
      {
        level: "error",
        event: "step-failed",
        incidentId: "incident-1",
        trigger: "test",
        step: "b",
        name: "ServiceUnavailable",
        message: "boom",
        ms: 250,
      },
    ]);
    const authority = await h.authority.read();
    assert.equal(authority.phase, "promoting", "resumable");
    assert.equal(authority.holder, undefined, "released");
  });

  it("a failed track while the shop serves: the reason, the track alarm's two datapoints, a page", async () => {
    const report = await h.promote(
      {},
      {
        phases: () => [[step("database", 1_000)]],
        tracks: () => [track(failing("media", 0, "stuck"))],
      },
    );
    assert.equal(report.outcome, "incomplete");
    assert.equal(
      report.reason,
      "the shop takes orders (ready after 1000 ms); failed: media; a later run resumes from the observed state",
    );
    assert.deepEqual(
      h.sim.state.metrics.filter((m) => m.name === h.settings.trackAlarmMetricName),
      [
        {
          name: h.settings.trackAlarmMetricName,
          value: 1,
          unit: "Count",
          dimensions: { Track: "media" },
        },
        { name: h.settings.trackAlarmMetricName, value: 1, unit: "Count", dimensions: {} },
      ],
    );
    assert.deepEqual(lines("track-failed"), [
      {
        level: "error",
        event: "track-failed",
        incidentId: "incident-1",
        trigger: "test",
        track: "media",
        error: { name: "ServiceUnavailable", message: "stuck" },
      },
    ]);
    const page = h.sim.state.messages.find(
      (m) => m.subject === "Promotion of eu-west-1: media not done, shop serving",
    );
    assert.ok(page, h.sim.state.messages.map((m) => m.subject).join(" | "));
    assert.equal(JSON.parse(page.message).meanwhile, "media: the shop runs without it");
  });

  describe("a track's work once the shop is ready", () => {
    const run = (first: PromotionStep, hook: (ctx: StepContext) => Promise<string | undefined>) =>
      h.promote({}, { phases: () => [[step("database", 10)]], tracks: () => [track(first, hook)] });
    const cacheRecord = async (
      first: PromotionStep,
      hook: (ctx: StepContext) => Promise<string | undefined>,
    ) => (await run(first, hook)).steps.find((s) => s.name === "cache")!;

    it("what the hook did joins the track's detail, and makes it done", async () => {
      const record = await cacheRecord(step("cache", 5, "already-done", "synced"), async () => {
        h.clock.now += 20;
        return "pointed back";
      });
      assert.equal(record.outcome, "done");
      assert.equal(record.detail, "synced; pointed back");
    });

    it("a hook with nothing to do leaves the track's own outcome and detail", async () => {
      const record = await cacheRecord(
        step("cache", 5, "already-done", "synced"),
        async () => undefined,
      );
      assert.equal(record.outcome, "already-done");
      assert.equal(record.detail, "synced");
    });

    it("a failed hook fails the track, timed from the track's own start", async () => {
      const t0 = h.clock.now;
      const report = await run(step("cache", 5), async () => {
        h.clock.now += 20;
        throw Object.assign(new Error("not writable"), { name: "InvalidReplicationGroupState" });
      });
      const record = report.steps.find((s) => s.name === "cache")!;
      assert.equal(record.outcome, "failed");
      assert.equal(record.startedAt, iso(t0), "the track's start, not the hook's");
      assert.deepEqual(record.error, {
        name: "InvalidReplicationGroupState",
        message: "not writable",
      });
      assert.equal(report.outcome, "incomplete");
    });
  });

  describe("when the lease is not this run's alone", () => {
    /** The harness's store, with one method replaced. */
    const storeWith = (methods: Partial<AuthorityStore>): AuthorityStore =>
      Object.assign(Object.create(h.authority) as AuthorityStore, methods);
    const take = (holder: string, incidentId: string, expectedEpoch = 0) =>
      h.authority.takeLease({
        expectedEpoch,
        newActiveRegion: "eu-west-1",
        holder,
        incidentId,
        ttlMs: 60_000,
        mode: "planned",
        fromRegion: HOME,
      });

    it("a rival takes the lease first: the reason names the epoch and the holder", async () => {
      const authority = storeWith({
        takeLease: async (request) => {
          await take(RIVAL, "incident-1");
          return h.authority.takeLease(request);
        },
      });
      const report = await h.promote({}, { authority, phases: () => [], tracks: () => [] });
      assert.equal(report.outcome, "lease-conflict");
      assert.equal(
        report.reason,
        `lease for epoch 0 not granted to ${HOLDER}; epoch is 1, holder ${RIVAL}`,
      );
    });

    it("a rival that took and released it: the reason says no holder", async () => {
      const authority = storeWith({
        takeLease: async (request) => {
          const rival = await take(RIVAL, "incident-1");
          await h.authority.releaseLease({ epoch: rival.epoch, holder: RIVAL });
          return h.authority.takeLease(request);
        },
      });
      const report = await h.promote({}, { authority, phases: () => [], tracks: () => [] });
      assert.equal(
        report.reason,
        `lease for epoch 0 not granted to ${HOLDER}; epoch is 1, holder none`,
      );
    });

    it("a newer epoch before the completion: fenced, the steps' records stand", async () => {
      const authority = storeWith({
        completePromotion: async () => {
          throw await h.authority
            .completePromotion({ epoch: 1, holder: RIVAL, incidentId: "incident-1" })
            .catch((error: unknown) => error);
        },
      });
      const report = await h.promote(
        {},
        { authority, phases: () => [[step("a", 10)]], tracks: () => [] },
      );
      assert.equal(report.outcome, "fenced");
      assert.equal(report.reason, "a newer epoch took over; this run stopped");
      assert.equal(report.steps[0].outcome, "done");
    });

    it("bookkeeping that fails for another reason: incomplete, logged, the lease left to expire", async () => {
      const authority = storeWith({
        completePromotion: async () => {
          throw Object.assign(new Error("table unreachable"), { name: "ServiceUnavailable" });
        },
      });
      const report = await h.promote(
        {},
        { authority, phases: () => [[step("a", 10)]], tracks: () => [] },
      );
      assert.equal(report.outcome, "incomplete");
      assert.equal(
        report.reason,
        "the shop takes orders (ready after 10 ms); failed: none; a later run resumes from the observed state",
      );
      assert.deepEqual(lines("lease-bookkeeping-failed"), [
        {
          level: "error",
          event: "lease-bookkeeping-failed",
          incidentId: "incident-1",
          trigger: "test",
          epoch: 1,
          error: "table unreachable",
        },
      ]);
      const record = await h.authority.read();
      assert.equal(record.holder, HOLDER, "still held: it expires on its own");
    });

    it("renewals that keep failing stop the run: not fenced, and said so", async () => {
      const authority = storeWith({
        renewLease: async () => {
          throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
        },
      });
      const waitsForTheStop: PromotionStep = {
        name: "long",
        deadlineMs: () => 5_000,
        run: async (ctx) => {
          h.clock.now += 10_000; // past the lease the take confirmed
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          throw ctx.signal.reason;
        },
      };
      const report = await h.promote(
        {},
        { authority, phases: () => [[waitsForTheStop], [step("b", 1)]], tracks: () => [] },
      );
      assert.equal(report.outcome, "incomplete");
      assert.deepEqual(report.steps[1], { name: "b", outcome: "not-run" });
      assert.deepEqual(lines("promotion-stopped-lease-unconfirmed"), [
        {
          level: "warn",
          event: "promotion-stopped-lease-unconfirmed",
          incidentId: "incident-1",
          trigger: "test",
          epoch: 1,
        },
      ]);
    });
  });

  it("an incident whose audit says completed is a replay, even after the authority moved on", async () => {
    const first = await h.promote({}, { phases: () => [[step("a", 1)]], tracks: () => [] });
    assert.equal(first.outcome, "completed");
    // A failback (incident-2) makes the home region active again at epoch 2.
    const back = await h.authority.takeLease({
      expectedEpoch: 1,
      newActiveRegion: HOME,
      holder: "operator",
      incidentId: "incident-2",
      ttlMs: 60_000,
      mode: "planned",
      fromRegion: "eu-west-1",
    });
    await h.authority.completePromotion({
      epoch: back.epoch,
      holder: "operator",
      incidentId: "incident-2",
    });
    const replay = await h.promote({ epoch: 2 }, { phases: () => [[step("a", 1)]] });
    assert.equal(replay.outcome, "ignored");
    assert.equal(replay.reason, "replayed: incident already completed");
    assert.equal((await h.authority.read()).activeRegion, HOME, "nothing changed");
  });
});
