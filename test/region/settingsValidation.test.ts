// The failover functions' settings, as their environment gives them (functions/region/settings.ts
// resolveSettings): each bound on both sides, each refusal with the field, the value and what was
// expected, all problems at once, so a bad deploy says everything wrong in one message.
import { resolveSettings, SettingsError } from "../../functions/region/settings";
import type { RegionFailoverSettingsInput } from "../../functions/region";
import { assert } from "./helpers/assertions";
import { HOME, STANDBY, testSettings, WITNESS } from "./helpers/fixtures";

type Overrides = Partial<RegionFailoverSettingsInput>;

/** The problems the settings have (none when they resolve). */
const problems = (overrides: Overrides): string[] => {
  try {
    testSettings(overrides);
    return [];
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error.problems;
  }
};
const capacity = (min: number, desired: number, max: number) => ({
  capacity: { autoScalingGroupName: "magento-asg-euw1", min, desired, max },
});

describe("the failover functions' settings", () => {
  it("the fixtures' settings resolve, with the defaults filled in", () => {
    const s = testSettings();
    assert.equal(s.gate.namespace, "magento-dr/RegionGate");
    assert.equal(s.gate.metricName, "FailoverActive");
    assert.equal(s.trackAlarmMetricName, "PromotionTrackFailed");
    assert.equal(s.capacityAlarmMetricName, "PromotionCapacityNotReached");
  });

  it("every problem at once, in one message naming each", () => {
    let thrown: unknown;
    try {
      testSettings({ accountId: "12345", leaseTtlMs: 999, leaseHeartbeatMs: 100 });
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof SettingsError);
    assert.equal(thrown.name, "SettingsError");
    assert.equal(
      thrown.message,
      "Invalid region-failover settings:\n" +
        '  - accountId = "12345": expected a 12-digit AWS account id\n' +
        "  - leaseTtlMs = 999: expected at least 1000 (a lease must outlive a few DynamoDB round trips)",
    );
  });

  it("the regions: at least two, the local and the initial active among them", () => {
    assert.deepEqual(problems({ regions: [HOME, STANDBY] }), []);
    assert.deepEqual(problems({ regions: [STANDBY], initialActiveRegion: STANDBY }), [
      'regions = ["eu-west-1"]: expected at least two regions',
    ]);
    assert.deepEqual(problems({ localRegion: "ap-south-1" }), [
      'localRegion = "ap-south-1": expected one of regions',
    ]);
    assert.deepEqual(problems({ initialActiveRegion: "ap-south-1" }), [
      'initialActiveRegion = "ap-south-1": expected one of regions',
    ]);
  });

  it("the authority's region: any well-formed region code", () => {
    for (const region of [WITNESS, "ap-southeast-2", "us-gov-west-1"]) {
      assert.deepEqual(problems({ authority: { tableName: "t", region } }), [], region);
    }
    for (const region of ["us-west", "xus-west-2", "us-west-2a", "US-WEST-2", "us-2"]) {
      assert.deepEqual(
        problems({ authority: { tableName: "t", region } }),
        [`authority.region = "${region}": expected an AWS region code such as us-west-2`],
        region,
      );
    }
  });

  it("each region's two URLs", () => {
    const endpoints = testSettings().regionEndpoints;
    assert.deepEqual(
      problems({ regionEndpoints: { [HOME]: endpoints[HOME], [STANDBY]: endpoints[STANDBY] } }),
      [
        "regionEndpoints.us-west-2.healthUrl = undefined: expected the region's public health URL",
        "regionEndpoints.us-west-2.shallowUrl = undefined: expected the region's public shallow URL (nginx without PHP: /dr-shallow)",
      ],
    );
  });

  it("the lease: a TTL of at least 1 s, a heartbeat of at most a third of it", () => {
    assert.deepEqual(problems({ leaseTtlMs: 1_000, leaseHeartbeatMs: 333 }), []);
    assert.deepEqual(problems({ leaseTtlMs: 3_000, leaseHeartbeatMs: 1_000 }), []);
    const tooSlow =
      "expected a positive number at most a third of leaseTtlMs (3000), so two missed beats do not lose the lease";
    assert.deepEqual(problems({ leaseTtlMs: 3_000, leaseHeartbeatMs: 1_001 }), [
      `leaseHeartbeatMs = 1001: ${tooSlow}`,
    ]);
    assert.deepEqual(problems({ leaseTtlMs: 3_000, leaseHeartbeatMs: 0 }), [
      `leaseHeartbeatMs = 0: ${tooSlow}`,
    ]);
    assert.deepEqual(problems({ leaseTtlMs: 3_000, leaseHeartbeatMs: Number.NaN }), [
      `leaseHeartbeatMs = null: ${tooSlow}`,
    ]);
    assert.equal(testSettings({ leaseTtlMs: 4_000 }).leaseHeartbeatMs, undefined);
  });

  it("the cache failover's attempts: integers of at least 1", () => {
    const retry = testSettings().retry;
    assert.deepEqual(problems({ retry: { ...retry, cacheFailoverAttempts: 1 } }), []);
    assert.deepEqual(problems({ retry: { ...retry, cacheFailoverAttempts: 0 } }), [
      "retry.cacheFailoverAttempts = 0: expected an integer >= 1",
    ]);
    assert.deepEqual(problems({ retry: { ...retry, cacheFailoverErrorAttempts: 1.5 } }), [
      "retry.cacheFailoverErrorAttempts = 1.5: expected an integer >= 1",
    ]);
  });

  it("capacity: 1 <= desired, min <= desired <= max (each equality allowed)", () => {
    for (const ok of [capacity(2, 2, 12), capacity(2, 12, 12), capacity(0, 1, 1)]) {
      assert.deepEqual(problems(ok), [], JSON.stringify(ok));
    }
    for (const [min, desired, max] of [
      [3, 2, 12],
      [2, 13, 12],
      [0, 0, 12],
    ]) {
      assert.deepEqual(problems(capacity(min, desired, max)), [
        `capacity = {"autoScalingGroupName":"magento-asg-euw1","min":${min},"desired":${desired},"max":${max}}: expected 1 <= desired and min <= desired <= max`,
      ]);
    }
  });

  it("detection: the in-region event window and timeout must be positive", () => {
    const detection = testSettings().detection;
    assert.deepEqual(problems({ detection: { ...detection, inRegionEventWindowMs: 0 } }), [
      "detection.inRegionEventWindowMs = 0: expected a positive number",
    ]);
    assert.deepEqual(problems({ detection: { ...detection, inRegionEventTimeoutMs: -1 } }), [
      "detection.inRegionEventTimeoutMs = -1: expected a positive number",
    ]);
  });

  it("resolveSettings is what the functions call: the same refusal without the fixtures", () => {
    assert.throws(
      () => resolveSettings({ ...testSettings(), accountId: "x" }),
      (e: Error) => e instanceof SettingsError && e.problems.length === 1,
    );
  });
});
