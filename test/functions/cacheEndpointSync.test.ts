import assert from "node:assert/strict";
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroup,
} from "@aws-sdk/client-elasticache";
import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { checkCacheEvent, concernsGroup } from "../../functions/cacheEvent";
import {
  CacheSyncSettings,
  createCacheEndpointSyncHandler,
} from "../../functions/cacheEndpointSync";
import { captureLogs, FAKE_CREDENTIALS, fakeParameterStore, puts } from "./fakeAws";

const settings: CacheSyncSettings = {
  region: "eu-west-1",
  accountId: "111122223333",
  replicationGroupId: "shop-cache",
  primaryParameterName: "/magento-dr/prod-euw1/cache/primary",
  readerParameterName: "/magento-dr/prod-euw1/cache/reader",
  epochParameterName: "/magento-dr/prod-euw1/endpoints/epoch",
};
const OLD_PRIMARY = "shop-cache-001.abc123.0001.euw1.cache.amazonaws.com";
const NEW_PRIMARY = "shop-cache-002.abc123.0001.euw1.cache.amazonaws.com";
const READER = "shop-cache-ro.abc123.euw1.cache.amazonaws.com";
const CONFIG_ENDPOINT = "clustercfg.shop-cache.abc123.euw1.cache.amazonaws.com";

type Event = Record<string, unknown>;

function envelope(source: string, detailType: string, detail: unknown): Event {
  return {
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": detailType,
    source,
    account: settings.accountId,
    time: "2025-01-01T03:00:00Z",
    region: settings.region,
    resources: [],
    detail,
  };
}

/** The real shape of an ElastiCache service event on EventBridge. */
function cacheUpdated(detail: Record<string, unknown> = {}): Event {
  return envelope("aws.elasticache", "Cache Updated", {
    EventCategories: ["failover"],
    EventID: "01234567-0123-0123-0123-012345678901",
    Message: "Failover to replica node shop-cache-002 completed",
    SourceArn: `arn:aws:elasticache:${settings.region}:${settings.accountId}:replicationgroup:shop-cache`,
    SourceIdentifier: "shop-cache",
    SourceType: "replication-group",
    ...detail,
  });
}

function alarmChange(dimensions: Record<string, string>): Event {
  return envelope("aws.cloudwatch", "CloudWatch Alarm State Change", {
    alarmName: "shop-cache-engine-cpu",
    state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2025-01-01T03:00:00Z" },
    previousState: { value: "OK" },
    configuration: {
      metrics: [
        {
          id: "m1",
          metricStat: {
            metric: { namespace: "AWS/ElastiCache", name: "EngineCPUUtilization", dimensions },
            period: 60,
            stat: "Average",
          },
          returnData: true,
        },
      ],
    },
  });
}

function group(primary: string, overrides: Partial<ReplicationGroup> = {}): ReplicationGroup {
  return {
    ReplicationGroupId: "shop-cache",
    Status: "available",
    ClusterEnabled: false,
    NodeGroups: [
      {
        NodeGroupId: "0001",
        Status: "available",
        PrimaryEndpoint: { Address: primary, Port: 6379 },
        ReaderEndpoint: { Address: READER, Port: 6379 },
      },
    ],
    ...overrides,
  };
}

describe("cacheEndpointSync", () => {
  const elasticache = new ElastiCacheClient({
    region: settings.region,
    credentials: FAKE_CREDENTIALS,
  });
  const ssm = new SSMClient({ region: settings.region, credentials: FAKE_CREDENTIALS });
  const elasticacheMock = mockClient(elasticache);
  const ssmMock = mockClient(ssm);
  const handler = createCacheEndpointSyncHandler(settings, { elasticache, ssm });
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    elasticacheMock.reset();
    ssmMock.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  const givenGroup = (g: ReplicationGroup) =>
    elasticacheMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [g] });

  describe("rejects malformed and foreign events: no AWS call, no throw, one log line", () => {
    const rejected: [string, unknown, RegExp][] = [
      ["missing detail", { ...cacheUpdated(), detail: undefined }, /detail missing/],
      [
        "detail that is a string",
        { ...cacheUpdated(), detail: "shop-cache" },
        /detail missing or not an object/,
      ],
      ["wrong source", { ...cacheUpdated(), source: "aws.rds" }, /unexpected source "aws.rds"/],
      [
        "source of the wrong type",
        { ...cacheUpdated(), source: 42 },
        /source missing or not a string/,
      ],
      [
        "wrong detail-type",
        { ...cacheUpdated(), "detail-type": "Snapshot Created" },
        /unexpected detail-type/,
      ],
      [
        "foreign account",
        { ...cacheUpdated(), account: "999988887777" },
        /foreign account "999988887777"/,
      ],
      [
        "account of the wrong type",
        { ...cacheUpdated(), account: 111122223333 },
        /foreign account 111122223333/,
      ],
      ["other region", { ...cacheUpdated(), region: "us-east-1" }, /other region "us-east-1"/],
      [
        "other replication group",
        cacheUpdated({ SourceIdentifier: "blog-cache" }),
        /concerns "blog-cache"/,
      ],
      [
        "SourceIdentifier of the wrong type",
        cacheUpdated({ SourceIdentifier: ["shop-cache"] }),
        /SourceIdentifier/,
      ],
      [
        "SourceArn of another account",
        cacheUpdated({
          SourceArn: "arn:aws:elasticache:eu-west-1:999988887777:replicationgroup:shop-cache",
        }),
        /SourceArn .* is not ours/,
      ],
      [
        "event about a parameter group",
        cacheUpdated({ SourceType: "cache-parameter-group" }),
        /SourceType/,
      ],
      [
        "alarm on another group",
        alarmChange({ ReplicationGroupId: "blog-cache" }),
        /does not watch/,
      ],
      [
        "alarm with state of the wrong type",
        { ...alarmChange({}), detail: { alarmName: "x", state: "ALARM" } },
        /state.value/,
      ],
      ["not an object at all", "Cache Updated", /event is not an object/],
      ["null", null, /event is not an object/],
    ];
    for (const [name, event, reason] of rejected) {
      it(name, async () => {
        const result = await handler(event);
        assert.equal(result.outcome, "rejected");
        assert.match(result.outcome === "rejected" ? result.reason : "", reason);
        assert.equal(elasticacheMock.calls().length, 0);
        assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
        assert.equal(ssmMock.calls().length, 0);
        const lines = logs.lines();
        assert.equal(lines.length, 1);
        assert.equal(lines[0].outcome, "rejected");
        assert.equal(lines[0].level, "warn");
        assert.match(String(lines[0].reason), reason);
      });
    }
  });

  describe("which resources belong to the group", () => {
    it("matches the group and its member clusters only", () => {
      for (const id of ["shop-cache", "shop-cache-001", "shop-cache-002", "shop-cache-0001-002"]) {
        assert.equal(concernsGroup(id, "shop-cache"), true, id);
      }
      for (const id of [
        "shop-cache2",
        "shop-cache-x",
        "old-shop-cache-001",
        "shop",
        "shop-cache-01",
      ]) {
        assert.equal(concernsGroup(id, "shop-cache"), false, id);
      }
    });

    it("treats regex characters in the group id literally", () => {
      assert.equal(concernsGroup("shopXcache", "shop.cache"), false);
      assert.equal(concernsGroup("shop.cache-001", "shop.cache"), true);
    });

    it("accepts an alarm on a member cluster, a member cache event and a schedule", () => {
      const accepted = [
        alarmChange({ CacheClusterId: "shop-cache-002" }),
        alarmChange({ ReplicationGroupId: "shop-cache" }),
        cacheUpdated({ SourceIdentifier: "shop-cache-002", SourceType: "cache-cluster" }),
        envelope("aws.events", "Scheduled Event", {}),
      ];
      for (const event of accepted) {
        assert.equal(checkCacheEvent(event, settings).ok, true, JSON.stringify(event));
      }
    });
  });

  it("writes the new primary and bumps the epoch once, endpoint before epoch", async () => {
    givenGroup(group(NEW_PRIMARY));
    ssmMock.on(GetParametersCommand).resolves({
      Parameters: [
        {
          Name: settings.primaryParameterName,
          Value: OLD_PRIMARY,
          LastModifiedDate: new Date(1000),
        },
        { Name: settings.readerParameterName, Value: READER, LastModifiedDate: new Date(1000) },
        { Name: settings.epochParameterName, Value: "7", LastModifiedDate: new Date(2000) },
      ],
    });
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });

    const result = await handler(cacheUpdated());

    assert.deepEqual(result, {
      outcome: "updated",
      primary: NEW_PRIMARY,
      reader: READER,
      epoch: "8",
      written: [settings.primaryParameterName],
    });
    assert.deepEqual(
      elasticacheMock.commandCalls(DescribeReplicationGroupsCommand).map((c) => c.args[0].input),
      [{ ReplicationGroupId: "shop-cache" }],
    );
    assert.deepEqual(
      ssmMock.commandCalls(GetParametersCommand).map((c) => c.args[0].input),
      [
        {
          Names: [
            settings.primaryParameterName,
            settings.readerParameterName,
            settings.epochParameterName,
          ],
        },
      ],
    );
    assert.deepEqual(
      ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input),
      [
        {
          Name: settings.primaryParameterName,
          Value: NEW_PRIMARY,
          Type: "String",
          Overwrite: true,
        },
        { Name: settings.epochParameterName, Value: "8", Type: "String", Overwrite: true },
      ],
    );
    const [line] = logs.lines();
    assert.equal(line.outcome, "updated");
    assert.equal(line.previousPrimary, OLD_PRIMARY);
  });

  it("writes nothing when the endpoints are unchanged", async () => {
    givenGroup(group(OLD_PRIMARY));
    fakeParameterStore(ssmMock, {
      [settings.primaryParameterName]: OLD_PRIMARY,
      [settings.readerParameterName]: READER,
      [settings.epochParameterName]: "7",
    });

    const result = await handler(alarmChange({ CacheClusterId: "shop-cache-001" }));

    assert.deepEqual(result, { outcome: "unchanged", primary: OLD_PRIMARY, reader: READER });
    assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
    assert.equal(elasticacheMock.commandCalls(DescribeReplicationGroupsCommand).length, 1);
  });

  it("publishes PrimaryEndpoint and never the ConfigurationEndpoint", async () => {
    givenGroup(
      group(NEW_PRIMARY, { ConfigurationEndpoint: { Address: CONFIG_ENDPOINT, Port: 6379 } }),
    );
    fakeParameterStore(ssmMock, { [settings.epochParameterName]: "1" });

    await handler(cacheUpdated());

    const written = puts(ssmMock);
    assert.deepEqual(written, [
      [settings.primaryParameterName, NEW_PRIMARY],
      [settings.readerParameterName, READER],
      [settings.epochParameterName, "2"],
    ]);
    assert.ok(written.every(([, value]) => !value.includes("clustercfg")));
  });

  it("skips a cluster-mode group, whose only endpoint is the ConfigurationEndpoint", async () => {
    givenGroup(
      group(NEW_PRIMARY, {
        ClusterEnabled: true,
        ConfigurationEndpoint: { Address: CONFIG_ENDPOINT, Port: 6379 },
        NodeGroups: [{ NodeGroupId: "0001" }, { NodeGroupId: "0002" }],
      }),
    );

    const result = await handler(cacheUpdated());

    assert.equal(result.outcome, "skipped");
    assert.match(
      result.outcome === "skipped" ? result.reason : "",
      /cluster mode \(2 node groups\)/,
    );
    assert.equal(ssmMock.calls().length, 0);
  });

  for (const status of ["creating", "deleting", "create-failed"]) {
    it(`skips a group in status "${status}" without touching SSM`, async () => {
      givenGroup(group(NEW_PRIMARY, { Status: status }));
      const result = await handler(cacheUpdated());
      assert.equal(result.outcome, "skipped");
      assert.equal(ssmMock.calls().length, 0);
    });
  }

  it("skips when the primary endpoint is missing", async () => {
    givenGroup(group(NEW_PRIMARY, { NodeGroups: [{ NodeGroupId: "0001", Status: "modifying" }] }));
    const result = await handler(cacheUpdated());
    assert.deepEqual(result, {
      outcome: "skipped",
      reason: "NodeGroups[0].PrimaryEndpoint.Address is missing",
    });
    assert.equal(ssmMock.calls().length, 0);
  });

  it("starts the epoch at 1 when it does not exist yet", async () => {
    givenGroup(group(NEW_PRIMARY));
    fakeParameterStore(ssmMock, { [settings.readerParameterName]: READER });
    const result = await handler(cacheUpdated());
    assert.equal(result.outcome === "updated" && result.epoch, "1");
    assert.deepEqual(puts(ssmMock), [
      [settings.primaryParameterName, NEW_PRIMARY],
      [settings.epochParameterName, "1"],
    ]);
  });

  it("throws before any write when the epoch is not an integer", async () => {
    givenGroup(group(NEW_PRIMARY));
    fakeParameterStore(ssmMock, { [settings.epochParameterName]: "seven" });
    await assert.rejects(handler(cacheUpdated()), /epoch parameter .*epoch holds "seven"/);
    assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
  });

  it("throws when an AWS call fails after validation, so Lambda retries", async () => {
    elasticacheMock.on(DescribeReplicationGroupsCommand).rejects(new Error("ThrottlingException"));
    await assert.rejects(handler(cacheUpdated()), /ThrottlingException/);
    assert.equal(ssmMock.calls().length, 0);
  });

  it("a retry after the epoch write failed still bumps the epoch, once", async () => {
    givenGroup(group(NEW_PRIMARY));
    const parameters = fakeParameterStore(ssmMock, {
      [settings.primaryParameterName]: OLD_PRIMARY,
      [settings.readerParameterName]: READER,
      [settings.epochParameterName]: "7",
    });
    parameters.failNextPut(settings.epochParameterName, new Error("InternalServerError"));

    await assert.rejects(handler(cacheUpdated()), /InternalServerError/);
    const retry = await handler(cacheUpdated());
    const third = await handler(cacheUpdated());

    assert.equal(retry.outcome, "updated");
    assert.deepEqual(retry.outcome === "updated" && retry.written, []);
    assert.equal(third.outcome, "unchanged");
    assert.equal(parameters.value(settings.epochParameterName), "8");
    assert.deepEqual(puts(ssmMock), [
      [settings.primaryParameterName, NEW_PRIMARY],
      [settings.epochParameterName, "8"], // the failed attempt, recorded by the mock
      [settings.epochParameterName, "8"],
    ]);
  });
});
