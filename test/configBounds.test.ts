// Both sides of every bound config.ts enforces, written as literal values (not derived from the
// code's own constants), so a weakened or shifted check fails here: the last accepted value, the
// first rejected one, and the malformed spellings an integer check must refuse.
import * as assert from "assert";
import { ConfigError, DrConfig } from "../config";
import { k, parse, problems } from "./helpers/configParse";

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
      `${k("witnessRegion")} = "${r}": expected a third region, neither homeRegion nor the standby region`;
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

  it("standby and roles: the first region after home is the standby; a third stack has no failover role", () => {
    const three = '["us-east-1","eu-west-1","us-west-2"]';
    const c = parse({ regions: three, witnessRegion: "eu-central-1" });
    assert.deepStrictEqual(
      [c.standbyRegion, c.authorityRegion, c.failoverRole, c.isHome, c.isActive],
      ["eu-west-1", "eu-central-1", "SECONDARY", false, false],
    );
    const third = parse({
      regions: three,
      "aws:region": "us-west-2",
      witnessRegion: "eu-central-1",
    });
    assert.deepStrictEqual(
      [third.standbyRegion, third.authorityRegion, third.failoverRole],
      ["eu-west-1", "eu-central-1", undefined],
    );
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

  it("authority region: set, else the witness region, else the standby region; never the home region", () => {
    assert.strictEqual(parse({ witnessRegion: "us-west-2" }).authorityRegion, "us-west-2");
    assert.strictEqual(parse({ witnessRegion: undefined }).authorityRegion, "eu-west-1");
    assert.strictEqual(parse({ witnessRegion: "" }).authorityRegion, "eu-west-1");
    assert.strictEqual(
      parse({ witnessRegion: "us-west-2", authorityRegion: "eu-west-1" }).authorityRegion,
      "eu-west-1",
    );
    assert.strictEqual(
      parse({ witnessRegion: undefined, authorityRegion: "eu-central-1" }).authorityRegion,
      "eu-central-1",
    );
    // The standby region stays the standby whatever the authority region.
    assert.strictEqual(parse({ authorityRegion: "eu-central-1" }).standbyRegion, "eu-west-1");
    rejectsOnly(
      { authorityRegion: "us-east-1" },
      `${k("authorityRegion")} = "us-east-1": expected a region other than homeRegion (the authority must outlive the home region)`,
    );
    rejectsOnly(
      { authorityRegion: "mars-north-1" },
      `${k("authorityRegion")} = "mars-north-1": expected one of the known AWS regions`,
    );
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

// [key, accepted values, rejected values (junk before, junk after, near misses), expected]
const PATTERNS: [string, string[], string[], string][] = [
  ["standby", ["warm", "pilot-light"], ["xwarm", "warmx", "cold"], `"pilot-light" or "warm"`],
  [
    "domainName",
    [
      "shop.example.com",
      "a.co",
      `${"a".repeat(63)}.example.com`,
      `${"a".repeat(57)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`.slice(0, 253),
    ],
    [
      "!shop.example.com",
      "shop.example.com!",
      "Shop.example.com",
      "-a.example.com",
      `${"a".repeat(64)}.example.com`,
      `${"a".repeat(58)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`,
    ],
    "a lower-case fully-qualified domain name such as shop.example.com",
  ],
  [
    "hostedZoneId",
    ["Z1", "Z0123456789EXAMPLE00"],
    ["xZ123", "Z123x", "Z"],
    "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
  ],
  [
    "amiId",
    ["ami-0123abcd", "ami-0123456789abcdef0"],
    ["xami-0123abcd", "ami-0123abcd0", "ami-0", "ami-gggggggg", "ami-0123abcdx"],
    "an AMI id such as ami-0123456789abcdef0",
  ],
  [
    "instanceType",
    ["m6i.xlarge", "c7gn.metal"],
    ["1m6i.xlarge", "m6i.xlarge!", "m6i"],
    "an EC2 instance type such as m6i.xlarge",
  ],
  [
    "vpcCidr",
    ["10.30.0.0/16"],
    ["110.30.0.0/16", "10.30.0.0/160", "10.30.1.0/16", "192.168.0.0/16"],
    "a /16 in 10.0.0.0/8 such as 10.10.0.0/16 (distinct per region so the VPCs can be peered)",
  ],
  [
    "healthCheckPath",
    ["/health_check.php", "/"],
    ["x/health", "/health?x", "health"],
    "an absolute URL path such as /health_check.php",
  ],
  [
    "dbEngineVersion",
    ["8.4", "8.4.7", "8.0", "8.0.39"],
    ["18.4", "8.4.7x", "8.4.ab", "8.1", "5.7"],
    'MySQL "8.4" (LTS, the default) or a version such as 8.4.7; "8.0" only with its Extended Support charge',
  ],
  [
    "dbInstanceClass",
    ["db.r6g.xlarge"],
    ["xdb.r6g.xlarge", "db.r6g.xlarge!", "db.r6g"],
    "an RDS class such as db.r6g.xlarge",
  ],
  [
    "cacheNodeType",
    ["cache.r7g.large"],
    ["xcache.r7g.large", "cache.r7g.large!", "cache.r7g"],
    "a node type such as cache.r7g.large",
  ],
  ["cacheEngineVersion", ["7.1", "7.10"], ["17.1", "7.1x", "6.2"], "a Redis 7 version such as 7.1"],
  [
    "searchEngineVersion",
    ["OpenSearch_2.13", "OpenSearch_10.1"],
    ["xOpenSearch_2.13", "OpenSearch_2.13x", "Elasticsearch_7.10"],
    "an OpenSearch version such as OpenSearch_2.13",
  ],
  [
    "searchInstanceType",
    ["r6g.large.search"],
    ["-r6g.large.search", "r6g.large.searchx", "r6g.large"],
    "an OpenSearch instance type such as r6g.large.search",
  ],
  [
    "searchMasterInstanceType",
    ["m6g.large.search"],
    ["-m6g.large.search", "m6g.large.searchx"],
    "an OpenSearch instance type such as m6g.large.search",
  ],
  [
    "homeStack",
    ["acme/magento-dr/prod-use1", "a/b/c"],
    ["/a/b/c", "a/b/c/", "a/b"],
    "a fully-qualified stack name <organization>/<project>/<stack>",
  ],
  [
    "alertEmail",
    ["ops@example.com", "a@b.c"],
    [" ops@example.com", "ops@example.com ", "ops@example", "ops@@example.com"],
    "an e-mail address",
  ],
  [
    "mediaReplicaFileSystemId",
    ["fs-0123abcd", "fs-0123456789abcdef0"],
    ["xfs-0123abcd", "fs-0123abcd!", "fs-0", "fs-gggggggg"],
    "an EFS file system id such as fs-0123456789abcdef0",
  ],
];

describe("config bounds: the shape of each string value", () => {
  for (const [name, accepted, rejected, expected] of PATTERNS) {
    it(`${name}: ${accepted.length} accepted, ${rejected.length} rejected`, () => {
      for (const v of accepted) {
        const c = parse({ [name]: v }) as unknown as Record<string, unknown>;
        assert.strictEqual(c[name], v, `${name} = ${v}`);
      }
      for (const v of rejected) {
        assert.deepStrictEqual(
          problems({ [name]: v }),
          [`${k(name)} = ${JSON.stringify(v)}: expected ${expected}`],
          `${name} = ${v}`,
        );
      }
    });
  }

  it("a required string that is missing or empty is named with what is expected", () => {
    for (const v of [undefined, ""]) {
      assert.deepStrictEqual(problems({ instanceType: v }), [
        `${k("instanceType")} is required but missing: expected an EC2 instance type such as m6i.xlarge`,
      ]);
    }
  });

  it("an unknown region names the known ones; every problem is listed in the error's message", () => {
    const found = problems({ homeRegion: "xx-east-1" });
    assert.ok(
      found.includes(
        `${k("homeRegion")} = "xx-east-1": expected one of the known AWS regions (us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, eu-west-1, eu-west-2, eu-west-3, eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, ap-south-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, sa-east-1)`,
      ),
      found.join("\n"),
    );
    assert.ok(
      found.includes(
        `${k("homeRegion")} = "xx-east-1": expected one of ${k("regions")} (us-east-1, eu-west-1)`,
      ),
    );
    try {
      parse({ amiId: "nope" });
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.strictEqual(err.name, "ConfigError");
      assert.strictEqual(
        err.message,
        `Invalid stack configuration (1 problem):\n  - ${k("amiId")} = "nope": expected an AMI id such as ami-0123456789abcdef0`,
      );
    }
    assert.match(
      (() => {
        try {
          parse({ amiId: "nope", hostedZoneId: "nope" });
        } catch (err) {
          return (err as Error).message;
        }
        return "";
      })(),
      /^Invalid stack configuration \(2 problems\):\n  - .*hostedZoneId.*\n  - .*amiId/,
    );
  });

  it("invalid regions are reported alone, not also as every region missing from them", () => {
    assert.deepStrictEqual(problems({ regions: '["us-east-1"]' }), [
      `${k("regions")} = "[\\"us-east-1\\"]": expected a list of at least two AWS region codes, in failover priority`,
    ]);
  });
});

describe("config bounds: empty values and lists in messages", () => {
  it("an empty string is missing, like an absent key", () => {
    assert.deepStrictEqual(problems({ rtoTargetSeconds: "" }), [
      `${k("rtoTargetSeconds")} is required but missing: expected an integer between 60 and 86400`,
    ]);
    assert.deepStrictEqual(problems({ protect: "" }), [
      `${k("protect")} is required but missing: expected true or false`,
    ]);
    assert.deepStrictEqual(problems({ regions: "" }), [
      `${k("regions")} is required but missing: expected a list of AWS regions`,
    ]);
    assert.deepStrictEqual(problems({ homeRegion: undefined }), [
      `${k("homeRegion")} is required but missing: expected an AWS region code`,
    ]);
    // An empty threshold object means the defaults.
    assert.strictEqual(parse({ alarmThresholds: "" }).alarmThresholds.dbReplicaLagSeconds, 60);
  });

  it("whitespace around an integer is ignored", () => {
    assert.strictEqual(parse({ rtoTargetSeconds: " 120 " }).rtoTargetSeconds, 120);
  });

  it("a missing aws:region is the only problem, not also a missing homeStack", () => {
    assert.deepStrictEqual(problems({ "aws:region": undefined }, "prod-use1"), [
      "aws:region is required but missing: expected an AWS region code",
    ]);
  });

  it("several duplicates and several unknown threshold fields are each named, comma-separated", () => {
    assert.ok(
      problems({ regions: '["us-east-1","eu-west-1","us-east-1","eu-west-1"]' }).includes(
        `${k("regions")} = ["us-east-1","eu-west-1","us-east-1","eu-west-1"]: expected each region once; duplicated: us-east-1, eu-west-1`,
      ),
    );
    const fields =
      "cacheReplicationLagSeconds, cacheEngineCpuPercent, cacheMemoryPercent, cacheEvictionsPerMinute, cacheConnections, dbReplicaLagSeconds, dbCpuPercent, dbFreeStorageGiB, searchFreeStorageGiB, searchJvmPressurePercent, searchReplicationLagOperations, alb5xxPerMinute";
    assert.deepStrictEqual(problems({ alarmThresholds: '{"nope": 1}' }), [
      `${k("alarmThresholds")} = {"nope":1}: expected only the fields ${fields}`,
    ]);
    assert.deepStrictEqual(problems({ alarmThresholds: "[1]" }), [
      `${k("alarmThresholds")} = "[1]": expected an object with numeric fields (${fields})`,
    ]);
  });
});
