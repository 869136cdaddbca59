import { DEFAULT_RECOVERY_INPUT, recoveryBudget } from "../../functions/region/recoveryBudget";
import { resolveSettings, SettingsError } from "../../functions/region/settings";
import { assert } from "./helpers/assertions";
import { testSettings } from "./helpers/fixtures";

describe("region recovery budget", () => {
  it("the default configuration recovers within 300 s", () => {
    const budget = recoveryBudget();
    assert.ok(budget.rtoSeconds <= 300, `RTO ${budget.rtoSeconds} s`);
    assert.deepEqual(Object.keys(budget).sort(), ["rpoSeconds", "rtoSeconds", "steps"]);
    for (const step of budget.steps) {
      assert.deepEqual(Object.keys(step).sort(), ["name", "seconds"]);
      assert.ok(Number.isFinite(step.seconds) && step.seconds >= 0, step.name);
    }
  });

  it("parallel steps count as their maximum, not their sum", () => {
    const budget = recoveryBudget();
    const sum = budget.steps.reduce((total, s) => total + s.seconds, 0);
    assert.ok(budget.rtoSeconds < sum);
    const slower = recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, instanceReadySeconds: 150 });
    assert.equal(
      slower.rtoSeconds,
      budget.rtoSeconds,
      "capacity runs alongside the database promotion",
    );
    const slowerDb = recoveryBudget({ ...DEFAULT_RECOVERY_INPUT, databasePromotionSeconds: 240 });
    assert.equal(
      slowerDb.rtoSeconds,
      budget.rtoSeconds + 60,
      "the database is on the critical path",
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
    assert.equal(planned.steps.find((s) => s.name === "detection")?.seconds, 0);
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
