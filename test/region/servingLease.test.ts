// Scenario 29: the primary cut off from the authority region but reachable by shoppers stops
// taking writes before the standby starts. The active region's fence renews its serving lease
// in the authority item; its instances stop when they cannot confirm it (test/bootstrap.test.ts,
// "scenario 29"); an unplanned take is refused until that lease ran out plus the skew allowance.
import {
  AuthorityStore,
  DEFAULT_SERVING_TTL_MS,
  LeaseConflict,
  SERVING_SKEW_MS,
} from "../../functions/region/authority";
import { createFenceHandler, type FenceSettings } from "../../functions/region/fence";
import { memoryLogger } from "../../functions/region/log";
import { assert, assertFields } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { HOME, STANDBY } from "./helpers/fixtures";
import { SimulatedAws } from "./helpers/simAws";

describe("scenario 29: the serving lease (never two writers)", function () {
  this.timeout(20_000);
  const h = useRegionHarness();

  const fenceSettings = (localRegion: string, tableName: string): FenceSettings => ({
    localRegion,
    initialActiveRegion: HOME,
    authority: { tableName, region: STANDBY },
    autoScalingGroupName: "magento-asg",
    standbyCapacity: { min: 0, desired: 0 },
    maintenanceParameter: `/magento-dr/${localRegion}/maintenance`,
    deadlineMs: 2_000,
    sdk: h.settings.sdk,
    servingRenewals: { count: 1, intervalMs: 0 },
  });
  const homeFence = (sim: SimulatedAws, tableName = h.settings.authority.tableName) => {
    const { logger, lines } = memoryLogger();
    const run = createFenceHandler(fenceSettings(HOME, tableName), {
      clients: sim.clients(HOME),
      authorityClient: h.authorityClient,
      log: logger,
    });
    return { run, lines };
  };
  const takeBy = (store: AuthorityStore, mode: "planned" | "unplanned" = "unplanned") =>
    store.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:eu-west-1:1",
      incidentId: "incident-1",
      ttlMs: 60_000,
      fromRegion: HOME,
      mode,
    });

  it("the active region's fence renews its serving lease every run, and logs one line", async () => {
    const home = new SimulatedAws().install();
    try {
      const fence = homeFence(home);
      const report = await fence.run();
      assertFields(report, { fenced: false, activeRegion: HOME });
      const record = await h.authority.read();
      assertFields(record, { epoch: 0, activeRegion: HOME, servingRegion: HOME, phase: "steady" });
      assert.ok((record.servingExpiresAt ?? 0) > Date.now() + DEFAULT_SERVING_TTL_MS - 5_000);
      assert.deepEqual(home.writes(), [], "an active region's fence touches nothing local");
      assert.equal(fence.lines.length, 1);
      assertFields(fence.lines[0], { event: "fence-run", level: "info", fenced: false });
    } finally {
      home.restore();
    }
  });

  it("an unplanned take is refused until the old serving lease ran out plus the skew allowance", async () => {
    const clock = { now: 1_900_000_000_000 };
    const store = new AuthorityStore({
      client: h.authorityClient,
      tableName: h.settings.authority.tableName,
      initialActiveRegion: HOME,
      now: () => clock.now,
    });
    const renewed = await store.renewServing(HOME, DEFAULT_SERVING_TTL_MS);
    // The primary is cut off from here on: nobody renews. Just before expiry + skew: refused.
    clock.now = (renewed.servingExpiresAt ?? 0) + SERVING_SKEW_MS - 1;
    await assert.rejects(takeBy(store), LeaseConflict);
    assertFields(await store.read(), { epoch: 0, activeRegion: HOME });
    // After it: granted, and the serving lease moves to the new region in the same write.
    clock.now += 2;
    const lease = await takeBy(store);
    assertFields(lease, { epoch: 1, activeRegion: STANDBY, servingRegion: STANDBY });
    // The old primary's fence can no longer renew: the authority names another region.
    await assert.rejects(store.renewServing(HOME, DEFAULT_SERVING_TTL_MS), LeaseConflict);
  });

  it("a planned switchover (old region drained first) is not held by the serving lease", async () => {
    await h.authority.renewServing(HOME, DEFAULT_SERVING_TTL_MS);
    assertFields(await takeBy(h.authority, "planned"), { epoch: 1, servingRegion: STANDBY });
  });

  it("the orchestrator waits for the old serving lease to run out before it takes over", async () => {
    // Simulated time runs 20x real time from the renewal on, so the 100 s lease (plus the skew
    // allowance) runs out about 5.5 s into the promotion: long enough that a loaded machine still
    // reaches the take before it, short enough for the test.
    let start = Date.now();
    const base = 1_900_000_000_000;
    const warp = () => base + (Date.now() - start) * 20;
    const store = new AuthorityStore({
      client: h.authorityClient,
      tableName: h.settings.authority.tableName,
      initialActiveRegion: HOME,
      now: warp,
    });
    const renewed = await store.renewServing(HOME, DEFAULT_SERVING_TTL_MS);
    start = Date.now();
    const report = await h.promote(
      { holder: "orchestrator:eu-west-1:wait" },
      { authority: store, now: warp },
    );
    assertFields(report, { outcome: "completed" });
    const taken = await h.authority.read();
    assert.ok(
      taken.updatedAt >= (renewed.servingExpiresAt ?? 0) + SERVING_SKEW_MS,
      "taken only after expiry + skew",
    );
    assert.ok(h.logs.some((l) => l.event === "serving-lease-wait"));
  });

  it("a fence cut off from the authority renews nothing, changes nothing, and says so", async () => {
    const home = new SimulatedAws().install();
    try {
      const fence = homeFence(home, "unreachable-table");
      const report = await fence.run();
      assertFields(report, { fenced: false });
      assert.match(report.reason, /unreadable: nothing changed/);
      assert.deepEqual(home.writes(), []);
      assert.equal(fence.lines.length, 1);
      assertFields(fence.lines[0], { event: "fence-run", level: "error" });
    } finally {
      home.restore();
    }
  });
});
