// Both sides of every bound config.ts enforces, written as literal values (not derived from the
// code's own constants), so a weakened or shifted check fails here: the last accepted value, the
// first rejected one, and the malformed spellings an integer check must refuse.
import * as assert from "assert";
import { ConfigError, DrConfig, parseConfig, RawConfig } from "../config";
import { readStackConfig } from "../plan/stackConfig";

const PROJECT = "magento-dr";
const k = (name: string) => (name.includes(":") ? name : `${PROJECT}:${name}`);

function parse(overrides: Record<string, string | undefined>, stack = "prod-euw1"): DrConfig {
  const raw: RawConfig = { ...readStackConfig(stack).config };
  for (const [name, value] of Object.entries(overrides)) raw[k(name)] = value;
  return parseConfig(raw, PROJECT, stack);
}

function problems(overrides: Record<string, string | undefined>, stack = "prod-euw1"): string[] {
  try {
    parse(overrides, stack);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}

/** Rejected with exactly one problem, naming the key, the value and what is expected. */
function rejectsOnly(overrides: Record<string, string | undefined>, expected: string): void {
  const found = problems(overrides);
  assert.deepStrictEqual(found, [expected]);
}

// [key, lowest accepted, highest accepted, companions that keep the other checks satisfied]
const INTEGER_BOUNDS: [string, number, number, Record<string, string>][] = [
  ["logRetentionDays", 1, 3653, {}],
  ["activeMinSize", 1, 1000, { activeDesiredSize: "1000", activeMaxSize: "1000" }],
  ["activeDesiredSize", 1, 1000, { activeMinSize: "1", activeMaxSize: "1000" }],
  [
    "activeMaxSize",
    1,
    1000,
    { activeMinSize: "1", activeDesiredSize: "1", warmMinSize: "1", warmDesiredSize: "1" },
  ],
  ["warmMinSize", 1, 1000, { warmDesiredSize: "1000", activeMaxSize: "1000" }],
  ["warmDesiredSize", 1, 1000, { warmMinSize: "1", activeMaxSize: "1000" }],
  ["dbAllocatedStorageGiB", 20, 65536, {}],
  ["searchVolumeGiB", 10, 16384, {}],
  ["rtoTargetSeconds", 60, 86400, {}],
  ["rpoBudgetSeconds", 1, 86400, {}],
];

describe("config bounds: integers", () => {
  for (const [name, min, max, companions] of INTEGER_BOUNDS) {
    it(`${name}: accepts ${min} and ${max}, rejects ${min - 1}, ${max + 1}, "2.5" and "30d"`, () => {
      const field = name as keyof DrConfig;
      const at = (v: number) => parse({ ...companions, [name]: String(v) });
      const read = (c: DrConfig): unknown =>
        name.startsWith("active")
          ? c.activeCapacity[name.slice(6).replace("Size", "").toLowerCase() as "min"]
          : name.startsWith("warm")
            ? c.warmCapacity[name.slice(4).replace("Size", "").toLowerCase() as "min"]
            : c[field];
      assert.strictEqual(read(at(min)), min);
      assert.strictEqual(read(at(max)), max);
      for (const bad of [String(min - 1), String(max + 1), "2.5", "30d", "1e3", "0x10"]) {
        const found = problems({ ...companions, [name]: bad });
        assert.ok(
          found.includes(
            `${k(name)} = ${JSON.stringify(bad)}: expected an integer between ${min} and ${max}`,
          ),
          `${name} = ${bad}: ${found.join("; ")}`,
        );
      }
      assert.deepStrictEqual(problems({ ...companions, [name]: undefined }), [
        `${k(name)} is required but missing: expected an integer between ${min} and ${max}`,
      ]);
    });
  }

  it("searchDataNodes: 3 and 78 accepted; 0, 4, 81 and 2.5 rejected (a multiple of 3 up to 80)", () => {
    assert.strictEqual(parse({ searchDataNodes: "3" }).searchDataNodes, 3);
    assert.strictEqual(parse({ searchDataNodes: "78" }).searchDataNodes, 78);
    rejectsOnly(
      { searchDataNodes: "4" },
      `${k("searchDataNodes")} = "4": expected a multiple of 3 (one share per availability zone)`,
    );
    assert.deepStrictEqual(problems({ searchDataNodes: "81" }), [
      `${k("searchDataNodes")} = "81": expected an integer between 3 and 80`,
    ]);
    assert.ok(problems({ searchDataNodes: "0" }).length > 0);
    assert.ok(problems({ searchDataNodes: "2.5" }).length > 0);
  });
});

describe("config bounds: relations between values", () => {
  it("active sizes: min = desired = max accepted; min above desired and desired above max rejected", () => {
    const equal = parse(
      { activeMinSize: "4", activeDesiredSize: "4", activeMaxSize: "4", warmDesiredSize: "1" },
      "prod-use1",
    );
    assert.deepStrictEqual(equal.capacity, { min: 4, desired: 4, max: 4 });
    rejectsOnly(
      { activeMinSize: "4", activeDesiredSize: "3", activeMaxSize: "12" },
      `${k("activeDesiredSize")} = {"min":4,"desired":3,"max":12}: expected activeMinSize <= activeDesiredSize <= activeMaxSize`,
    );
    rejectsOnly(
      { activeMinSize: "1", activeDesiredSize: "13", activeMaxSize: "12" },
      `${k("activeDesiredSize")} = {"min":1,"desired":13,"max":12}: expected activeMinSize <= activeDesiredSize <= activeMaxSize`,
    );
  });

  it("warm sizes: a warm minimum above the warm desired size, or a warm desired size above activeMaxSize, is rejected", () => {
    const equal = parse({ standby: "warm", warmMinSize: "12", warmDesiredSize: "12" });
    assert.deepStrictEqual(equal.capacity, { min: 12, desired: 12, max: 12 });
    rejectsOnly(
      { warmMinSize: "3", warmDesiredSize: "2" },
      `${k("warmDesiredSize")} = {"min":3,"desired":2,"max":12}: expected warmMinSize <= warmDesiredSize <= activeMaxSize`,
    );
    rejectsOnly(
      { warmMinSize: "1", warmDesiredSize: "13" },
      `${k("warmDesiredSize")} = {"min":1,"desired":13,"max":12}: expected warmMinSize <= warmDesiredSize <= activeMaxSize`,
    );
  });

  it("a pilot-light standby runs nothing whatever the warm sizes; a warm one runs them", () => {
    assert.deepStrictEqual(parse({ warmMinSize: "2", warmDesiredSize: "3" }).capacity, {
      min: 0,
      desired: 0,
      max: 12,
    });
    assert.deepStrictEqual(
      parse({ standby: "warm", warmMinSize: "2", warmDesiredSize: "3" }).capacity,
      { min: 2, desired: 3, max: 12 },
    );
    // The active region runs the active sizes, warm or not.
    assert.deepStrictEqual(parse({ standby: "warm" }, "prod-use1").capacity, {
      min: 2,
      desired: 3,
      max: 12,
    });
  });

  it("witness region: a third region accepted; the home region, the standby region or an unknown one rejected", () => {
    assert.strictEqual(parse({ witnessRegion: "us-west-2" }).witnessRegion, "us-west-2");
    assert.strictEqual(parse({ witnessRegion: undefined }).witnessRegion, undefined);
    assert.strictEqual(parse({ witnessRegion: "" }).witnessRegion, undefined);
    const notThird = (r: string) =>
      `${k("witnessRegion")} = "${r}": expected a third region, neither homeRegion nor the standby (authority) region`;
    rejectsOnly({ witnessRegion: "us-east-1" }, notThird("us-east-1"));
    rejectsOnly({ witnessRegion: "eu-west-1" }, notThird("eu-west-1"));
    rejectsOnly(
      { witnessRegion: "mars-north-1" },
      `${k("witnessRegion")} = "mars-north-1": expected one of the known AWS regions`,
    );
    // Anchored: a known region inside a longer string is not a region.
    assert.ok(problems({ witnessRegion: "xus-west-2" }).length === 1);
    assert.ok(problems({ witnessRegion: "us-west-2x" }).length === 1);
  });

  it("authority and roles: the first region after home is the authority; a third stack has no failover role", () => {
    const three = '["us-east-1","eu-west-1","us-west-2"]';
    const c = parse({ regions: three, witnessRegion: "eu-central-1" });
    assert.deepStrictEqual(
      [c.authorityRegion, c.failoverRole, c.isHome, c.isActive],
      ["eu-west-1", "SECONDARY", false, false],
    );
    const third = parse({
      regions: three,
      "aws:region": "us-west-2",
      witnessRegion: "eu-central-1",
    });
    assert.deepStrictEqual([third.authorityRegion, third.failoverRole], ["eu-west-1", undefined]);
    const home = parse({ regions: three, witnessRegion: "eu-central-1" }, "prod-use1");
    assert.deepStrictEqual(
      [home.failoverRole, home.isHome, home.isActive],
      ["PRIMARY", true, true],
    );
    // The active region moved to the standby: it is active, still not home.
    const moved = parse({ activeRegion: "eu-west-1" });
    assert.deepStrictEqual([moved.isActive, moved.isHome], [true, false]);
    assert.deepStrictEqual(moved.capacity, { min: 2, desired: 3, max: 12 });
  });

  it("regions: one region, a non-string entry or invalid JSON is rejected; each duplicate named once", () => {
    const expected = (v: string) =>
      `${k("regions")} = ${JSON.stringify(v)}: expected a list of at least two AWS region codes, in failover priority`;
    for (const v of ['["us-east-1"]', '["us-east-1", 7]', "us-east-1,eu-west-1", '{"a":1}']) {
      assert.ok(problems({ regions: v }).includes(expected(v)), v);
    }
    assert.ok(
      problems({ regions: '["us-east-1","eu-west-1","eu-west-1","eu-west-1"]' }).includes(
        `${k("regions")} = ["us-east-1","eu-west-1","eu-west-1","eu-west-1"]: expected each region once; duplicated: eu-west-1`,
      ),
    );
    assert.deepStrictEqual(problems({ regions: undefined }), [
      `${k("regions")} is required but missing: expected a list of AWS regions`,
    ]);
  });

  it("homeStack: required only outside the home region, and fully qualified", () => {
    assert.strictEqual(parse({ homeStack: undefined }, "prod-use1").homeStack, undefined);
    rejectsOnly(
      { homeStack: "prod-use1" },
      `${k("homeStack")} = "prod-use1": expected a fully-qualified stack name <organization>/<project>/<stack>`,
    );
  });
});

describe("config bounds: alarm thresholds and booleans", () => {
  it("a threshold must be a number above zero: 0, -1, a string and null rejected; 0.5 accepted", () => {
    const t = (v: string) => ({ alarmThresholds: `{"dbReplicaLagSeconds": ${v}}` });
    assert.strictEqual(parse(t("0.5")).alarmThresholds.dbReplicaLagSeconds, 0.5);
    for (const v of ["0", "-1", '"30"', "null"]) {
      rejectsOnly(
        t(v),
        `${k("alarmThresholds")} = {"dbReplicaLagSeconds":${v.replace(/ /g, "")}}: expected dbReplicaLagSeconds to be a positive number`,
      );
    }
    for (const v of ["[1]", "7", "not json", "null"]) {
      const found = problems({ alarmThresholds: v });
      assert.strictEqual(found.length, 1, v);
      assert.match(
        found[0],
        /expected an object with numeric fields \(.*dbReplicaLagSeconds, .*alb5xxPerMinute\)$/,
      );
    }
    // Unset fields keep their defaults; a set one overrides only itself.
    const one = parse(t("5")).alarmThresholds;
    assert.deepStrictEqual(
      [one.dbReplicaLagSeconds, one.alb5xxPerMinute, one.searchJvmPressurePercent],
      [5, 50, 85],
    );
  });

  it("booleans: only the words true and false", () => {
    assert.strictEqual(parse({ protect: "false" }).protect, false);
    assert.strictEqual(parse({ protect: "true" }).protect, true);
    for (const v of ["TRUE", "1", "yes"]) {
      rejectsOnly({ protect: v }, `${k("protect")} = ${JSON.stringify(v)}: expected true or false`);
    }
    assert.deepStrictEqual(problems({ protect: undefined }), [
      `${k("protect")} is required but missing: expected true or false`,
    ]);
  });
});
