import * as assert from "assert";
import { ConfigError, parseConfig, RawConfig } from "../config";
import { readStackConfig } from "../plan/stackConfig";
import { runProgram, PlannedResource } from "../plan/runProgram";

const PROJECT = "magento-dr";

function baseConfig(stack = "prod-euw1"): RawConfig {
  return readStackConfig(stack).config;
}

function rejection(overrides: RawConfig, stack = "prod-euw1"): string {
  const raw = { ...baseConfig(stack), ...overrides };
  try {
    parseConfig(raw, PROJECT, stack);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err.message;
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}

describe("config", () => {
  it("accepts both prod stack files and derives each region's role", () => {
    const use1 = parseConfig(baseConfig("prod-use1"), PROJECT, "prod-use1");
    assert.deepStrictEqual(
      [
        use1.region,
        use1.isHome,
        use1.isActive,
        use1.failoverRole,
        use1.standbyRegion,
        use1.authorityRegion,
      ],
      ["us-east-1", true, true, "PRIMARY", "eu-west-1", "us-west-2"],
    );
    assert.deepStrictEqual(use1.capacity, { min: 2, desired: 3, max: 12 });
    const euw1 = parseConfig(baseConfig("prod-euw1"), PROJECT, "prod-euw1");
    assert.deepStrictEqual(
      [euw1.region, euw1.isHome, euw1.isActive, euw1.failoverRole, euw1.homeStack],
      ["eu-west-1", false, false, "SECONDARY", "acme/magento-dr/prod-use1"],
    );
    assert.deepStrictEqual(
      euw1.capacity,
      { min: 0, desired: 0, max: 12 },
      "pilot light runs no instances",
    );
    assert.strictEqual(euw1.protect, true);
  });

  it("sizes a warm standby from warmMinSize/warmDesiredSize", () => {
    const warm = parseConfig(
      { ...baseConfig(), "magento-dr:standby": "warm" },
      PROJECT,
      "prod-euw1",
    );
    assert.deepStrictEqual(warm.capacity, { min: 1, desired: 1, max: 12 });
  });

  it("keeps sessions in DynamoDB by default, in Redis on request, and rejects anything else", () => {
    assert.strictEqual(parseConfig(baseConfig(), PROJECT, "prod-euw1").sessionStore, "dynamodb");
    const redis = { ...baseConfig(), "magento-dr:sessionStore": "redis" };
    assert.strictEqual(parseConfig(redis, PROJECT, "prod-euw1").sessionStore, "redis");
    assert.match(
      rejection({ "magento-dr:sessionStore": "memcached" }),
      /magento-dr:sessionStore = "memcached": expected "dynamodb" \(the DynamoDB global table\) or "redis"/,
    );
  });

  it("rejects an unknown region", () => {
    const message = rejection({ "magento-dr:activeRegion": "mars-north-1" });
    assert.match(
      message,
      /magento-dr:activeRegion = "mars-north-1": expected one of the known AWS regions/,
    );
  });

  it("rejects an unknown region inside regions", () => {
    assert.match(
      rejection({ "magento-dr:regions": '["us-east-1","eu-west-9"]' }),
      /magento-dr:regions = \["us-east-1","eu-west-9"\]: expected known AWS regions only; "eu-west-9" is not one/,
    );
  });

  it("rejects an activeRegion that is not in regions", () => {
    assert.match(
      rejection({ "magento-dr:activeRegion": "eu-central-1" }),
      /magento-dr:activeRegion = "eu-central-1": expected one of magento-dr:regions \(us-east-1, eu-west-1\)/,
    );
  });

  it("rejects a stack whose own region is not in regions", () => {
    assert.match(
      rejection({ "aws:region": "eu-central-1" }),
      /aws:region = "eu-central-1": expected one of magento-dr:regions/,
    );
  });

  it("rejects duplicate regions", () => {
    assert.match(
      rejection({ "magento-dr:regions": '["us-east-1","eu-west-1","us-east-1"]' }),
      /magento-dr:regions = .*: expected each region once; duplicated: us-east-1/,
    );
  });

  it("rejects regions that are not a list", () => {
    assert.match(
      rejection({ "magento-dr:regions": "us-east-1" }),
      /magento-dr:regions = "us-east-1": expected a list of at least two AWS region codes/,
    );
  });

  it("rejects a non-positive size", () => {
    assert.match(
      rejection({ "magento-dr:activeMinSize": "0" }),
      /magento-dr:activeMinSize = "0": expected an integer between 1 and 1000/,
    );
  });

  it("rejects a size that is not an integer", () => {
    assert.match(
      rejection({ "magento-dr:activeMaxSize": "twelve" }),
      /magento-dr:activeMaxSize = "twelve": expected an integer/,
    );
  });

  it("rejects inverted sizes", () => {
    assert.match(
      rejection({ "magento-dr:activeMinSize": "5", "magento-dr:activeDesiredSize": "3" }),
      /magento-dr:activeDesiredSize = \{"min":5,"desired":3,"max":12\}: expected activeMinSize <= activeDesiredSize <= activeMaxSize/,
    );
    assert.match(
      rejection({ "magento-dr:warmDesiredSize": "20" }),
      /warmDesiredSize = .*: expected warmMinSize <= warmDesiredSize <= activeMaxSize/,
    );
  });

  it("rejects a malformed domain name", () => {
    assert.match(
      rejection({ "magento-dr:domainName": "https://Shop.example.com" }),
      /magento-dr:domainName = "https:\/\/Shop.example.com": expected a lower-case fully-qualified domain name/,
    );
  });

  it("rejects a malformed AMI id", () => {
    assert.match(
      rejection({ "magento-dr:amiId": "ami-123" }),
      /magento-dr:amiId = "ami-123": expected an AMI id such as ami-0123456789abcdef0/,
    );
  });

  it("rejects a malformed hosted zone id", () => {
    assert.match(
      rejection({ "magento-dr:hostedZoneId": "example.com" }),
      /hostedZoneId = "example.com": expected a Route 53 hosted zone id/,
    );
  });

  it("rejects a missing required key", () => {
    assert.match(
      rejection({ "magento-dr:domainName": undefined }),
      /magento-dr:domainName is required but missing: expected a lower-case fully-qualified domain name/,
    );
  });

  it("rejects an unknown standby mode", () => {
    assert.match(
      rejection({ "magento-dr:standby": "cold" }),
      /magento-dr:standby = "cold": expected "pilot-light" or "warm"/,
    );
  });

  it("rejects a standby stack without homeStack", () => {
    assert.match(
      rejection({ "magento-dr:homeStack": undefined }),
      /magento-dr:homeStack is required on a stack outside the home region \(eu-west-1 is not us-east-1\)/,
    );
  });

  it("rejects a non-boolean protect", () => {
    assert.match(
      rejection({ "magento-dr:protect": "yes" }),
      /magento-dr:protect = "yes": expected true or false/,
    );
  });

  it("rejects unknown alarm threshold fields and non-positive thresholds", () => {
    assert.match(
      rejection({ "magento-dr:alarmThresholds": '{"dbReplicaLag": 30}' }),
      /magento-dr:alarmThresholds = \{"dbReplicaLag":30\}: expected only the fields/,
    );
    assert.match(
      rejection({ "magento-dr:alarmThresholds": '{"dbReplicaLagSeconds": -1}' }),
      /expected dbReplicaLagSeconds to be a positive number/,
    );
  });

  it("rejects a witness region that is not a third region", () => {
    assert.match(
      rejection({ "magento-dr:witnessRegion": "eu-west-1" }),
      /magento-dr:witnessRegion = "eu-west-1": expected a third region, neither homeRegion nor the standby/,
    );
  });

  it("rejects an RTO target below a minute", () => {
    assert.match(
      rejection({ "magento-dr:rtoTargetSeconds": "30" }),
      /rtoTargetSeconds = "30": expected an integer between 60/,
    );
  });

  it("rejects a search engine without cross-cluster replication", () => {
    assert.match(
      rejection({ "magento-dr:searchEngineVersion": "OpenSearch_1.0" }),
      /magento-dr:searchEngineVersion = "OpenSearch_1.0": expected a version that replicates: OpenSearch_1.0 has no cross-cluster replication/,
    );
  });

  it("rejects burstable search instances, data or master, which cannot replicate", () => {
    assert.match(
      rejection({ "magento-dr:searchInstanceType": "t3.medium.search" }),
      /magento-dr:searchInstanceType = "t3.medium.search": expected an instance type that replicates: t3.medium.search is a burstable/,
    );
    assert.match(
      rejection({ "magento-dr:searchMasterInstanceType": "m3.medium.search" }),
      /magento-dr:searchMasterInstanceType = "m3.medium.search": expected an instance type that replicates/,
    );
  });

  it("defaults Magento's index prefix and rejects one Magento could not have", () => {
    const parsed = parseConfig(baseConfig(), PROJECT, "prod-euw1");
    assert.strictEqual(parsed.searchIndexPrefix, "magento2");
    assert.deepStrictEqual(parsed.searchFallbackEndpoints, []);
    assert.match(
      rejection({ "magento-dr:searchIndexPrefix": "Shop*" }),
      /magento-dr:searchIndexPrefix = "Shop\*": expected Magento's search index prefix/,
    );
  });

  it("accepts fallback search endpoints as a list of distinct host names only", () => {
    const hosts = '["vpc-second-abc.eu-west-1.es.amazonaws.com"]';
    const parsed = parseConfig(
      { ...baseConfig(), "magento-dr:searchFallbackEndpoints": hosts },
      PROJECT,
      "prod-euw1",
    );
    assert.deepStrictEqual(parsed.searchFallbackEndpoints, [
      "vpc-second-abc.eu-west-1.es.amazonaws.com",
    ]);
    for (const bad of ['"one.host"', '["a.host","a.host"]', '["http://a.host"]', '["a host"]']) {
      assert.match(
        rejection({ "magento-dr:searchFallbackEndpoints": bad }),
        /magento-dr:searchFallbackEndpoints = .*: expected a JSON list of distinct host names/,
        bad,
      );
    }
  });

  it("reports every problem at once", () => {
    const message = rejection({ "magento-dr:amiId": "nope", "magento-dr:domainName": "x" });
    assert.match(message, /2 problems/);
  });

  it("fails before any resource is registered", async () => {
    const records: PlannedResource[] = [];
    const config = { ...baseConfig(), "magento-dr:activeRegion": "eu-central-1" } as Record<
      string,
      string
    >;
    await assert.rejects(
      runProgram({ project: PROJECT, stack: "prod-euw1", config, records }),
      (err: Error) => err instanceof ConfigError && /activeRegion/.test(err.message),
    );
    assert.deepStrictEqual(records, []);
  });
});
