// The deep-page veto's reader on its own: what it asks the source region (each API's own source
// type, identifier, categories and duration, as RDS and ElastiCache filter), which event it
// names (the most recent of both services), and that it never throws. The fake services answer
// only the source they are asked about, like DescribeEvents does.
import { RDSClient } from "@aws-sdk/client-rds";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { inRegionEventReader } from "../../functions/region/inRegionEvents";
import { assert, assertFields } from "./helpers/assertions";
import { recordSdkCalls } from "./helpers/sdkCalls";

const SOURCES = { databaseInstanceId: "magento-db-use1", replicationGroupId: "magento-cache-use1" };
type Event = { SourceIdentifier: string; Message?: string; Date?: Date };

interface Sent {
  service: string;
  input: Record<string, any>;
  signal?: AbortSignal;
}

/** Fake clients answering `events` of the named source only (RDS: of the asked categories). */
function fakeClients(
  db: (Event & { category?: string })[],
  cache: Event[],
  opts: { fail?: "rds" | "elasticache"; hang?: boolean } = {},
) {
  const sent: Sent[] = [];
  const client = (service: "rds" | "elasticache", events: (Event & { category?: string })[]) => ({
    send: async (
      command: { input: Record<string, any> },
      options?: { abortSignal?: AbortSignal },
    ) => {
      sent.push({ service, input: command.input, signal: options?.abortSignal });
      if (opts.fail === service)
        throw Object.assign(new Error("AccessDenied"), { name: "AccessDenied" });
      if (opts.hang) await new Promise(() => undefined);
      return {
        Events: events.filter(
          (e) =>
            e.SourceIdentifier === command.input.SourceIdentifier &&
            (!command.input.EventCategories ||
              (e.category !== undefined && command.input.EventCategories.includes(e.category))),
        ),
      };
    },
  });
  const built: string[] = [];
  return {
    sent,
    built,
    clients: (region: string) => {
      built.push(region);
      return {
        rds: client("rds", db) as unknown as RDSClient,
        elastiCache: client("elasticache", cache) as unknown as ElastiCacheClient,
      };
    },
  };
}

const at = (iso: string) => new Date(iso);

describe("the source region's in-region events (the deep-page veto)", () => {
  it("asks each service about its own source over the window, and names the most recent event of both", async () => {
    const fake = fakeClients(
      [
        {
          SourceIdentifier: SOURCES.databaseInstanceId,
          Message: "Multi-AZ failover started",
          Date: at("2026-11-29T10:00:00Z"),
          category: "failover",
        },
        {
          SourceIdentifier: SOURCES.databaseInstanceId,
          Message: "DB instance restarted",
          Date: at("2026-11-29T10:02:00Z"),
          category: "availability",
        },
        {
          SourceIdentifier: SOURCES.databaseInstanceId,
          Message: "Backup completed",
          Date: at("2026-11-29T10:09:00Z"),
          category: "backup",
        },
      ],
      [
        {
          SourceIdentifier: SOURCES.replicationGroupId,
          Message: "Failover to replica node completed",
          Date: at("2026-11-29T10:01:00Z"),
        },
      ],
    );
    // 90 s → 2 minutes (each API's Duration is in whole minutes).
    const read = inRegionEventReader({ windowMs: 90_000, timeoutMs: 500, clients: fake.clients });
    const result = await read("us-east-1", SOURCES);
    assert.deepEqual(result, {
      veto: "magento-db-use1: DB instance restarted at 2026-11-29T10:02:00.000Z",
      detail: "3 in-region event(s) in 2 min",
    });
    assert.deepEqual(
      fake.sent.map((s) => [s.service, s.input]),
      [
        [
          "rds",
          {
            SourceType: "db-instance",
            SourceIdentifier: "magento-db-use1",
            EventCategories: ["failover", "maintenance", "availability", "recovery"],
            Duration: 2,
          },
        ],
        [
          "elasticache",
          { SourceType: "replication-group", SourceIdentifier: "magento-cache-use1", Duration: 2 },
        ],
      ],
    );
    assert.ok(
      fake.sent.every((s) => s.signal instanceof AbortSignal),
      "both calls are bounded",
    );
    assert.deepEqual(fake.built, ["us-east-1"]);
  });

  it("the cache's event wins when it is the newer; an event without message or date is still named", async () => {
    const fake = fakeClients(
      [
        {
          SourceIdentifier: SOURCES.databaseInstanceId,
          Message: "Multi-AZ failover completed",
          Date: at("2026-11-29T10:00:00Z"),
          category: "failover",
        },
      ],
      [
        {
          SourceIdentifier: SOURCES.replicationGroupId,
          Message: "Cache node replaced",
          Date: at("2026-11-29T10:05:00Z"),
        },
        { SourceIdentifier: SOURCES.replicationGroupId },
      ],
    );
    const read = inRegionEventReader({ windowMs: 1, timeoutMs: 500, clients: fake.clients });
    const result = await read("us-east-1", SOURCES);
    assert.equal(
      result.veto,
      "magento-cache-use1: Cache node replaced at 2026-11-29T10:05:00.000Z",
    );
    assert.equal(result.detail, "3 in-region event(s) in 1 min");
    assert.ok(
      fake.sent.every((s) => s.input.Duration === 1),
      "at least one minute",
    );

    // An undated event first: the sort compares it either way round without throwing.
    const undatedFirst = fakeClients(
      [],
      [
        { SourceIdentifier: SOURCES.replicationGroupId, Message: "undated" },
        {
          SourceIdentifier: SOURCES.replicationGroupId,
          Message: "Cache node replaced",
          Date: at("2026-11-29T10:05:00Z"),
        },
      ],
    );
    assert.equal(
      (
        await inRegionEventReader({
          windowMs: 60_000,
          timeoutMs: 500,
          clients: undatedFirst.clients,
        })("us-east-1", SOURCES)
      ).veto,
      "magento-cache-use1: Cache node replaced at 2026-11-29T10:05:00.000Z",
    );
    const bare = fakeClients([], [{ SourceIdentifier: SOURCES.replicationGroupId }]);
    const only = await inRegionEventReader({
      windowMs: 60_000,
      timeoutMs: 500,
      clients: bare.clients,
    })("us-east-1", SOURCES);
    assert.deepEqual(only, {
      veto: "magento-cache-use1: event at ?",
      detail: "1 in-region event(s) in 1 min",
    });
  });

  it("no event in the window: no veto", async () => {
    const fake = fakeClients(
      [
        {
          SourceIdentifier: "another-db",
          Message: "restarted",
          Date: at("2026-11-29T10:00:00Z"),
          category: "availability",
        },
      ],
      [],
    );
    const read = inRegionEventReader({
      windowMs: 30 * 60_000,
      timeoutMs: 500,
      clients: fake.clients,
    });
    assert.deepEqual(await read("us-east-1", SOURCES), {
      detail: "no RDS or ElastiCache event in 30 min",
    });
  });

  it("one service refusing, or both hanging, is no veto and never a throw", async () => {
    const refused = fakeClients([], [], { fail: "elasticache" });
    const r1 = await inRegionEventReader({
      windowMs: 60_000,
      timeoutMs: 500,
      clients: refused.clients,
    })("us-east-1", SOURCES);
    assert.deepEqual(r1, { detail: "source events unreadable (no veto): AccessDenied" });

    const hung = fakeClients([], [], { hang: true });
    const started = Date.now();
    const r2 = await inRegionEventReader({
      windowMs: 60_000,
      timeoutMs: 50,
      clients: hung.clients,
    })("us-east-1", SOURCES);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(r2.veto, undefined);
    assert.match(
      r2.detail,
      /^source events unreadable \(no veto\): in-region-events did not finish within 50 ms$/,
    );
    assert.ok(
      hung.sent.every((s) => s.signal?.aborted),
      "the hung calls are aborted",
    );
  });

  it("clients are built once per region and reused", async () => {
    const fake = fakeClients([], []);
    const read = inRegionEventReader({ windowMs: 60_000, timeoutMs: 500, clients: fake.clients });
    await read("us-east-1", SOURCES);
    await read("us-east-1", SOURCES);
    await read("us-west-2", SOURCES);
    assert.deepEqual(fake.built, ["us-east-1", "us-west-2"]);
  });

  it("default clients: the watched region's endpoints, one attempt, the connection bounded by the shorter of 2 s and the timeout", async () => {
    const sdk = recordSdkCalls([RDSClient, ElastiCacheClient]);
    try {
      const read = inRegionEventReader({ windowMs: 60_000, timeoutMs: 700 });
      assert.deepEqual(await read("us-east-1", SOURCES), {
        detail: "no RDS or ElastiCache event in 1 min",
      });
      const calls = await sdk.calls();
      assert.deepEqual(calls.map((c) => [c.client, c.command, c.region]).sort(), [
        ["ElastiCacheClient", "DescribeEventsCommand", "us-east-1"],
        ["RDSClient", "DescribeEventsCommand", "us-east-1"],
      ]);
      const client = sdk.stubs.get("RDSClient")!.calls()[0].thisValue as any;
      assert.equal(await client.config.maxAttempts(), 1);
      const handler = await client.config.requestHandler.configProvider;
      assertFields(handler, { connectionTimeout: 700, requestTimeout: 700 });
      const long = inRegionEventReader({ windowMs: 60_000, timeoutMs: 5_000 });
      await long("us-west-2", SOURCES);
      const second = sdk.stubs.get("RDSClient")!.calls().at(-1)!.thisValue as any;
      assertFields(await second.config.requestHandler.configProvider, {
        connectionTimeout: 2_000,
        requestTimeout: 5_000,
      });
    } finally {
      sdk.restore();
    }
  });
});
