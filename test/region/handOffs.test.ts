// The small pieces between the detector, the authority table and the orchestrator, each on its
// own with the inputs AWS would check: the hold's item and both sides of its bounds, the
// asynchronous invoke of the orchestrator (only a 202 means queued), and the wait for the old
// region's serving lease (bounded; a lease still renewed past the bound refuses the promotion).
import { GetItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { AuthorityRecord, AuthorityStore } from "../../functions/region/authority";
import { HoldStore, MAX_HOLD_MS } from "../../functions/region/hold";
import { memoryLogger } from "../../functions/region/log";
import { invokeOrchestrator } from "../../functions/region/requestPromotion";
import { awaitServingLeaseExpiry, servingFreeAt } from "../../functions/region/servingLease";
import { assert, assertFields } from "./helpers/assertions";
import { recordSdkCalls, type SdkRecorder } from "./helpers/sdkCalls";

describe("the operator hold's item", () => {
  let sdk: SdkRecorder;
  const NOW = 1_900_000_000_000;
  beforeEach(() => (sdk = recordSdkCalls([DynamoDBClient])));
  afterEach(() => sdk.restore());
  const store = () =>
    new HoldStore({
      client: new DynamoDBClient({ region: "eu-west-1" }),
      tableName: "magento-dr-authority",
      now: () => NOW,
    });
  const answer = (item: Record<string, unknown> | undefined) =>
    sdk.stubs
      .get("DynamoDBClient")!
      .on(GetItemCommand)
      .resolves({ Item: item as never });

  it("is read strongly consistent by its key, and is in force only strictly before `until`", async () => {
    const item = {
      pk: { S: "hold" },
      until: { N: String(NOW + 1) },
      reason: { S: "RDS minor upgrade" },
      by: { S: "alice" },
      createdAt: { N: String(NOW - 60_000) },
    };
    answer(item);
    assert.deepEqual(await store().active(), {
      until: NOW + 1,
      reason: "RDS minor upgrade",
      by: "alice",
      createdAt: NOW - 60_000,
    });
    const [call] = await sdk.calls();
    assert.deepEqual(call.input, {
      TableName: "magento-dr-authority",
      Key: { pk: { S: "hold" } },
      ConsistentRead: true,
    });
    answer({ ...item, until: { N: String(NOW) } });
    assert.equal(await store().active(), undefined, "expired at `until`");
    answer(undefined);
    assert.equal(await store().active(), undefined, "no item");
    const signal = new AbortController().signal;
    await store().active(signal);
    const options = sdk.stubs.get("DynamoDBClient")!.calls().at(-1)!.args as unknown[];
    assert.equal((options[1] as { abortSignal?: AbortSignal }).abortSignal, signal);
  });

  it("an item missing its fields (written by hand) is read without throwing: no until is no hold", async () => {
    answer({ pk: { S: "hold" }, until: { N: String(NOW + 60_000) } });
    assert.deepEqual(await store().active(), {
      until: NOW + 60_000,
      reason: "",
      by: "",
      createdAt: 0,
    });
    answer({ pk: { S: "hold" }, reason: { S: "x" } });
    assert.equal(await store().active(), undefined);
  });

  it("its length: 1 ms and MAX_HOLD_MS (24 h) accepted; 0, negative, past 24 h, NaN and Infinity refused, nothing written", async () => {
    assert.equal(MAX_HOLD_MS, 86_400_000);
    for (const forMs of [0, -1, 86_400_001, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(store().set({ forMs, reason: "x", by: "y" }), {
        name: "RangeError",
        message: `hold length ${forMs} ms: expected 1 ms to 86400000 ms`,
      });
    }
    assert.deepEqual(await sdk.calls(), [], "nothing written");
    for (const forMs of [1, 86_400_000]) {
      assert.deepEqual(await store().set({ forMs, reason: "drill", by: "bob" }), {
        until: NOW + forMs,
        reason: "drill",
        by: "bob",
        createdAt: NOW,
      });
    }
    const puts = (await sdk.calls()).filter((c) => c.command === "PutItemCommand");
    assert.deepEqual(puts.at(-1)!.input, {
      TableName: "magento-dr-authority",
      Item: {
        pk: { S: "hold" },
        until: { N: String(NOW + 86_400_000) },
        reason: { S: "drill" },
        by: { S: "bob" },
        createdAt: { N: String(NOW) },
      },
    });
  });
});

describe("the detector's request to the orchestrator", () => {
  const lambda = (statusCode: number | undefined) => {
    const sent: { input: Record<string, any>; options: { abortSignal?: AbortSignal } }[] = [];
    const client = {
      send: async (
        command: { input: Record<string, any> },
        options: { abortSignal?: AbortSignal },
      ) => {
        sent.push({ input: command.input, options });
        return { StatusCode: statusCode };
      },
    } as unknown as LambdaClient;
    return { client, sent };
  };
  const event = { source: "magento-dr.detector", detail: { incidentId: "auto-1" } } as never;

  it("is an asynchronous invoke of the named function with the event as payload; 202 is queued", async () => {
    const { client, sent } = lambda(202);
    const signal = new AbortController().signal;
    const out = await invokeOrchestrator(client, "magento-dr-prod-euw1-orchestrator")(
      event,
      signal,
    );
    assert.deepEqual(out, { outcome: "requested", statusCode: 202 });
    assertFields(sent[0].input, {
      FunctionName: "magento-dr-prod-euw1-orchestrator",
      InvocationType: "Event",
    });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(sent[0].input.Payload)), event);
    assert.equal(sent[0].options.abortSignal, signal);
  });

  it("any other status (200 is a synchronous answer, not a queued event) throws", async () => {
    for (const status of [200, 204, undefined]) {
      await assert.rejects(invokeOrchestrator(lambda(status).client, "orch")(event), {
        message: `orchestrator orch not queued: status ${status}`,
      });
    }
  });
});

describe("the wait for the old region's serving lease", () => {
  const OLD = "us-east-1";
  const NEW = "eu-west-1";
  const rec = (servingExpiresAt: number | undefined, servingRegion = OLD): AuthorityRecord => ({
    epoch: 3,
    activeRegion: OLD,
    phase: "steady",
    leaseExpiresAt: 0,
    updatedAt: 0,
    exists: true,
    servingRegion,
    servingExpiresAt,
  });
  const still = (record: AuthorityRecord) =>
    ({ read: async () => record }) as unknown as AuthorityStore;

  it("is free at expiry plus the 10 s skew; at once for the lease's own region or none", () => {
    assert.equal(servingFreeAt(rec(1_000_000), NEW), 1_010_000);
    assert.equal(servingFreeAt(rec(1_000_000, NEW), NEW), 0);
    assert.equal(servingFreeAt({ ...rec(1_000_000), servingRegion: undefined }, NEW), 0);
    assert.equal(servingFreeAt(rec(undefined), NEW), 10_000);
  });

  it("a lease that runs out: waits, polling the table, and reports the wait", async () => {
    const { logger, lines } = memoryLogger();
    let now = 1_000_000;
    let reads = 0;
    const authority = {
      read: async () => {
        reads++;
        now += 10_000;
        return rec(1_000_000);
      },
    } as unknown as AuthorityStore;
    const started = Date.now();
    const out = await awaitServingLeaseExpiry({
      authority,
      current: rec(1_000_000),
      targetRegion: NEW,
      now: () => now,
      maxWaitMs: 5_000,
      log: logger,
      pollMs: 5,
    });
    assert.ok(out.ok);
    assert.ok(out.waitedMs >= 0 && out.waitedMs <= Date.now() - started + 1, `${out.waitedMs}`);
    assert.equal(reads, 1);
    assert.deepEqual(
      lines.map((l) => [l.event, l.servingRegion, l.servingExpiresAt, l.remainingMs]),
      [["serving-lease-wait", OLD, 1_000_000, 10_000]],
    );
  });

  it("a lease still renewed after the longest wait refuses: promoting would make two writers", async () => {
    const started = Date.now();
    const out = await awaitServingLeaseExpiry({
      authority: still(rec(1_000_000)),
      current: rec(1_000_000),
      targetRegion: NEW,
      now: () => 1_000_000,
      maxWaitMs: 60,
      log: memoryLogger().logger,
      pollMs: 10_000,
    });
    const took = Date.now() - started;
    assert.ok(took >= 55 && took < 2_000, `waited ${took} ms: the poll is cut to the longest wait`);
    assert.deepEqual(out, {
      ok: false,
      reason:
        "us-east-1 still holds its serving lease (until 1970-01-01T00:16:40.000Z): its fence keeps " +
        "renewing it, so it is not cut off; promoting now would make two writers",
    });
  });

  it("a lease renewed during the wait: the last sleep is cut to what is left of the longest wait", async () => {
    const t0 = Date.now();
    // Free 200 ms from now; the table then shows it renewed for long.
    const first = rec(t0 + 200 - 10_000);
    const out = await awaitServingLeaseExpiry({
      authority: still(rec(t0 + 600_000)),
      current: first,
      targetRegion: NEW,
      now: Date.now,
      maxWaitMs: 300,
      log: memoryLogger().logger,
      pollMs: 10_000,
    });
    const took = Date.now() - t0;
    assert.equal(out.ok, false);
    assert.ok(took >= 290 && took < 600, `refused after ${took} ms, expected about 300`);
  });

  it("a zero longest wait refuses at once, without sleeping or reading again", async () => {
    let reads = 0;
    const counted = {
      read: async () => {
        reads++;
        return rec(1_000_000);
      },
    } as unknown as AuthorityStore;
    const out = await awaitServingLeaseExpiry({
      authority: counted,
      current: rec(1_000_000),
      targetRegion: NEW,
      now: () => 1_000_000,
      maxWaitMs: 0,
      log: memoryLogger().logger,
    });
    assert.equal(out.ok, false);
    assert.equal(reads, 0);
  });
});
