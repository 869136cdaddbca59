import { DEFAULT_RECOVERY_INPUT, recoveryBudget } from "../../functions/region/recoveryBudget";
import { resolveSettings, SettingsError } from "../../functions/region/settings";
import { assert } from "./helpers/assertions";
import { testSettings } from "./helpers/fixtures";

describe("region recovery timeline", () => {
  const step = (budget: ReturnType<typeof recoveryBudget>, name: string) =>
    budget.steps.find((s) => s.name === name)!;

  it("every step waits for named steps and cites where its figures come from", () => {
    const budget = recoveryBudget();
    assert.deepEqual(Object.keys(budget).sort(), [
      "criticalPath",
      "rpoSeconds",
      "rtoSeconds",
      "rtoWorstSeconds",
      "steps",
    ]);
    const names = new Set(budget.steps.map((s) => s.name));
    for (const s of budget.steps) {
      assert.ok(s.worstSeconds >= s.seconds && s.seconds >= 0, s.name);
      assert.ok(s.source.length > 10, `${s.name} cites a source`);
      for (const before of s.after) assert.ok(names.has(before), `${s.name} after ${before}`);
    }
    assert.match(step(budget, "database").source, /several minutes or longer/);
  });

  it("the RTO is the longest path to recovered, typical and worst; the database is on it", () => {
    const budget = recoveryBudget();
    assert.deepEqual(budget.criticalPath, [
      "detection",
      "decision-and-lease",
      "database",
      "endpoints",
      "recovered",
    ]);
    const along = (field: "seconds" | "worstSeconds") =>
      budget.criticalPath.reduce((t, n) => t + step(budget, n)[field], 0);
    assert.equal(budget.rtoSeconds, along("seconds"));
    assert.equal(budget.rtoWorstSeconds, along("worstSeconds"));
    // Not a maximum over steps that run one after another, nor a sum over parallel ones.
    assert.ok(budget.rtoSeconds > Math.max(...budget.steps.map((s) => s.seconds)));
    assert.ok(budget.rtoSeconds < budget.steps.reduce((t, s) => t + s.seconds, 0));
  });

  it("the tracks are listed but never lengthen the RTO", () => {
    const base = recoveryBudget();
    assert.deepEqual(
      base.steps.filter((s) => s.track).map((s) => s.name),
      ["cache", "media", "capacity", "search"],
    );
    const slowMedia = recoveryBudget({
      ...DEFAULT_RECOVERY_INPUT,
      deadlines: { ...DEFAULT_RECOVERY_INPUT.deadlines, media: 3_600 },
    });
    assert.equal(slowMedia.rtoWorstSeconds, base.rtoWorstSeconds);
  });

  it("pilot light and warm standby give different timelines", () => {
    const pilot = recoveryBudget();
    const warm = recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, standby: "warm" });
    assert.equal(step(pilot, "app-tier").seconds, DEFAULT_RECOVERY_INPUT.instanceReadySeconds);
    assert.equal(step(warm, "app-tier").seconds, 0);
    assert.ok(step(warm, "app-tier").worstSeconds < step(pilot, "app-tier").worstSeconds);
    // With the database no faster than the instances, the app tier takes the critical path.
    const fastDb = { database: { seconds: 60, worstSeconds: 120, source: "drill" } };
    const pilotFastDb = recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, measurements: fastDb });
    const warmFastDb = recoveryBudget({
      ...DEFAULT_RECOVERY_INPUT,
      standby: "warm",
      measurements: fastDb,
    });
    assert.ok(pilotFastDb.criticalPath.includes("app-tier"));
    assert.ok(warmFastDb.rtoWorstSeconds < pilotFastDb.rtoWorstSeconds);
  });

  it("a drill measurement replaces a figure and says so; an unknown step is refused", () => {
    const warm = { ...DEFAULT_RECOVERY_INPUT, standby: "warm" as const };
    const measured = recoveryBudget({
      ...warm,
      measurements: { database: { seconds: 240, worstSeconds: 420, source: "drill 2026-11-20" } },
    });
    assert.deepEqual(
      { ...step(measured, "database"), after: undefined },
      {
        name: "database",
        after: undefined,
        seconds: 240,
        worstSeconds: 420,
        source: "measured: drill 2026-11-20",
      },
    );
    assert.equal(measured.rtoWorstSeconds, recoveryBudget(warm).rtoWorstSeconds - 600 + 420);
    assert.throws(
      () =>
        recoveryBudget({
          ...DEFAULT_RECOVERY_INPUT,
          measurements: { databse: { seconds: 1, worstSeconds: 1, source: "x" } },
        }),
      /recoveryMeasurements\.databse: no such step/,
    );
  });

  it("detection follows the probe cadence and threshold; planned switchovers have none", () => {
    const base = recoveryBudget();
    const slower = recoveryBudget({
      ...DEFAULT_RECOVERY_INPUT,
      detection: { ...DEFAULT_RECOVERY_INPUT.detection, failureThreshold: 5 },
    });
    assert.equal(
      slower.rtoSeconds - base.rtoSeconds,
      2 * DEFAULT_RECOVERY_INPUT.detection.probeIntervalSeconds,
    );
    const planned = recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, mode: "planned" });
    assert.equal(
      planned.steps.find((s) => s.name === "detection"),
      undefined,
    );
    assert.ok(planned.criticalPath.includes("quiesce"));
    assert.ok(planned.criticalPath.includes("dns-ttl"), "a planned switchover moves DNS last");
  });

  it("RPO is the worst tier: the lag budget or EFS replication's 15 minutes", () => {
    assert.equal(recoveryBudget().rpoSeconds, 900);
    assert.equal(
      recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, rpoBudgetSeconds: 1_200 }).rpoSeconds,
      1_200,
    );
  });
});

describe("region failover settings", () => {
  it("fills defaults and accepts the test configuration", () => {
    const settings = testSettings();
    assert.equal(settings.gate.namespace, "magento-dr/RegionGate");
    assert.equal(settings.gate.metricName, "FailoverActive");
  });

  it("rejects bad values naming each field", () => {
    const good = testSettings();
    const error = (() => {
      try {
        resolveSettings({
          ...good,
          accountId: "12",
          localRegion: "mars-1",
          detection: { quorum: 1, failureThreshold: 1 },
          leaseTtlMs: 10,
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof SettingsError);
    const text = (error as SettingsError).problems.join("\n");
    for (const field of [
      "accountId",
      "localRegion",
      "detection.quorum",
      "detection.failureThreshold",
      "leaseTtlMs",
    ]) {
      assert.match(text, new RegExp(`^${field.replace(".", "\\.")} = `, "m"));
    }
  });
});
