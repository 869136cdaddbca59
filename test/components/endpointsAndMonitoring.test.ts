// MagentoEndpoints and Monitoring on their own: what a deploy may overwrite, and which alarms act
// in which role of the region.
import * as assert from "assert";
import { MagentoEndpoints } from "../../components/endpoints";
import { Monitoring, type MonitoringArgs } from "../../components/monitoring";
import { DEFAULT_THRESHOLDS } from "../../config";
import { runComponent } from "../helpers/component";

const PARAMETER = "aws:ssm/parameter:Parameter";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("component: MagentoEndpoints", function () {
  this.timeout(30_000);

  it("a deploy never overwrites what the automation writes, and writes everything else", async () => {
    const run = await runComponent(() => {
      new MagentoEndpoints("e", {
        path: "/shop/prod/",
        values: {
          "db/writer-host": "db.example",
          "cache/primary-host": "cache.example",
          "search/endpoint": "search.example",
          maintenance: "off",
          epoch: "0",
          "active-region": "us-east-1",
          "search/reindex-requested": "0",
        },
      });
      return {};
    });
    const ignored = Object.fromEntries(
      run.ofType(PARAMETER).map((p) => [p.inputs.name, p.ignoreChanges]),
    );
    assert.deepStrictEqual(ignored, {
      "/shop/prod/db/writer-host": [],
      "/shop/prod/cache/primary-host": ["value"],
      "/shop/prod/search/endpoint": ["value"],
      "/shop/prod/maintenance": ["value"],
      "/shop/prod/epoch": ["value"],
      "/shop/prod/active-region": ["value"],
      "/shop/prod/search/reindex-requested": ["value"],
    });
    assert.strictEqual(run.one(PARAMETER, "-db-writer-host").inputs.tier, "Standard");
  });

  it("refuses a path that is not /<project>/<stack>/, naming it", async () => {
    for (const path of ["shop/prod/", "/shop/prod", "/shop/", "/shop/prod/x/"]) {
      await assert.rejects(
        runComponent(() => {
          new MagentoEndpoints("e", { path, values: {} });
          return {};
        }),
        new RegExp(`MagentoEndpoints e: path "${path}" must look like /<project>/<stack>/`),
        path,
      );
    }
  });
});

describe("component: Monitoring", function () {
  this.timeout(30_000);
  const args = (over: Partial<MonitoringArgs>): MonitoringArgs => ({
    region: "eu-west-1",
    accountId: "123456789012",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:ops",
    thresholds: DEFAULT_THRESHOLDS,
    replicaRegion: true,
    activeRegion: "us-east-1",
    namePrefix: "shop",
    replicationGroupId: "shop-cache",
    cacheNodes: 2,
    databaseIdentifier: "shop-db",
    searchDomainName: "shop-search",
    albArnSuffix: "app/shop/1",
    targetGroupArnSuffix: "targetgroup/shop/1",
    functionLogGroups: [],
    ...over,
  });
  const alarms = async (over: Partial<MonitoringArgs>) => {
    const run = await runComponent(
      () => {
        new Monitoring("m", args(over));
        return {};
      },
      { region: "eu-west-1" },
    );
    return new Map(run.ofType(ALARM).map((a) => [a.inputs.name as string, a.inputs]));
  };

  it("a standby's replica-lag alarm acts while it is the standby, breaching on missing data", async () => {
    const lag = (await alarms({})).get("shop-db-db-replica-lag")!;
    assert.deepStrictEqual(
      [lag.metricName, lag.comparisonOperator, lag.treatMissingData, lag.actionsEnabled],
      ["ReplicaLag", "GreaterThanThreshold", "breaching", true],
    );
  });

  it("once its region is active, the replica-lag alarm no longer acts; the others still do", async () => {
    const byName = await alarms({ activeRegion: "eu-west-1" });
    assert.strictEqual(byName.get("shop-db-db-replica-lag")!.actionsEnabled, false);
    const others = [...byName].filter(([name]) => name !== "shop-db-db-replica-lag");
    assert.ok(others.length > 10);
    for (const [name, inputs] of others) {
      assert.strictEqual(inputs.actionsEnabled, undefined, `${name} keeps AWS's default (on)`);
    }
  });

  it("the home region has no replication-lag alarms at all", async () => {
    const names = [...(await alarms({ replicaRegion: false })).keys()];
    assert.ok(!names.some((n) => /replica-lag|replication-lag/.test(n)), names.join(", "));
  });
});
