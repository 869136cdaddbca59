// The fencing lease against a real DynamoDB-compatible server (dynalite on 127.0.0.1): every
// conditional write is evaluated by the server, and the races are real concurrent requests.
import {
  AuthorityStore,
  LeaseConflict,
  type AuthorityRecord,
} from "../../functions/region/authority";
import { IncidentLog } from "../../functions/region/audit";
import { assert, assertFields } from "./helpers/assertions";
import { useDynalite } from "../helpers/regionHarness";
import { uniqueTableName } from "./helpers/dynalite";
import { flakyDynamo, throttled, unavailable, updating } from "./helpers/flakyDynamo";

describe("region authority lease (dynalite)", () => {
  const dynamo = useDynalite();
  let clock: { now: number };
  let store: AuthorityStore;

  beforeEach(async () => {
    const tableName = uniqueTableName();
    await dynamo().createAuthorityTable(tableName);
    clock = { now: 1_800_000_000_000 };
    store = new AuthorityStore({
      client: dynamo().client("eu-west-1"),
      tableName,
      initialActiveRegion: "us-east-1",
      now: () => clock.now,
    });
  });

  const take = (holder: string, expectedEpoch = 0, incidentId = "incident-1") =>
    store.takeLease({
      expectedEpoch,
      newActiveRegion: "eu-west-1",
      holder,
      incidentId,
      ttlMs: 60_000,
      fromRegion: "us-east-1",
    });

  const settle = async (promises: Promise<AuthorityRecord>[]) => {
    const results = await Promise.allSettled(promises);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    return { won, lost };
  };

  describe("every lease write retries throttling and transient errors, with a bound", () => {
    let tableName: string;
    const fastRetry = { attempts: 4, baseDelayMs: 2, maxDelayMs: 10 };
    const storeOn = (client: ReturnType<typeof flakyDynamo>["client"]) =>
      new AuthorityStore({
        client,
        tableName,
        initialActiveRegion: "us-east-1",
        now: () => clock.now,
        retry: fastRetry,
      });
    const request = {
      expectedEpoch: 0,
      newActiveRegion: "eu-west-1",
      holder: "orchestrator:a",
      incidentId: "incident-1",
      ttlMs: 60_000,
      fromRegion: "us-east-1",
    };
    beforeEach(async () => {
      tableName = uniqueTableName();
      await dynamo().createAuthorityTable(tableName);
    });

    it("the take: two throttled writes, then granted (the take was not retried before)", async () => {
      const flaky = flakyDynamo(dynamo().client(), [
        { command: "UpdateItem", times: 2, error: throttled },
      ]);
      assertFields(await storeOn(flaky.client).takeLease(request), { epoch: 1 });
      assert.deepEqual(
        flaky.calls.map((c) => [c.command, c.failed]),
        [
          ["UpdateItem", "ProvisionedThroughputExceededException"],
          ["UpdateItem", "ProvisionedThroughputExceededException"],
          ["UpdateItem", undefined],
        ],
      );
    });

    it("a take applied whose answer was lost is recognised on the retry: granted, not a conflict", async () => {
      const flaky = flakyDynamo(dynamo().client(), [
        { command: "UpdateItem", times: 1, at: "after", error: unavailable },
      ]);
      const record = await storeOn(flaky.client).takeLease(request);
      assertFields(record, { epoch: 1, holder: "orchestrator:a", phase: "promoting" });
      // The retry's condition failed (epoch moved to 1): the store read and saw its own write.
      assert.deepEqual(
        flaky.calls.map((c) => c.command),
        ["UpdateItem", "UpdateItem", "GetItem"],
      );
    });

    it("renew, release and complete retry too; a lost completion answer is not a conflict", async () => {
      const flaky = flakyDynamo(dynamo().client(), [
        {
          command: "UpdateItem",
          when: updating("leaseExpiresAt = :expires, updatedAt"),
          times: 1,
          error: throttled,
        },
        {
          command: "UpdateItem",
          when: updating("REMOVE holder"),
          times: 1,
          at: "after",
          error: unavailable,
        },
      ]);
      const s = storeOn(flaky.client);
      await s.takeLease(request);
      clock.now += 1_000;
      assertFields(await s.renewLease({ epoch: 1, holder: "orchestrator:a", ttlMs: 60_000 }), {
        leaseExpiresAt: clock.now + 60_000,
      });
      assertFields(
        await s.completePromotion({ epoch: 1, holder: "orchestrator:a", incidentId: "incident-1" }),
        { phase: "completed", epoch: 1 },
      );
      assert.equal(flaky.calls.filter((c) => c.failed).length, 2);
    });

    it("bounded: a table that keeps throttling fails the write after the set attempts", async () => {
      const flaky = flakyDynamo(dynamo().client(), [
        { command: "UpdateItem", times: Infinity, error: throttled },
      ]);
      await assert.rejects(storeOn(flaky.client).takeLease(request), {
        name: "ProvisionedThroughputExceededException",
      });
      assert.equal(flaky.calls.length, fastRetry.attempts);
    });

    it("a failed condition is never retried: one write, a LeaseConflict", async () => {
      await take("orchestrator:other");
      const flaky = flakyDynamo(dynamo().client(), []);
      const s = new AuthorityStore({
        client: flaky.client,
        tableName: (store as unknown as { options: { tableName: string } }).options.tableName,
        initialActiveRegion: "us-east-1",
        now: () => clock.now,
        retry: fastRetry,
      });
      await assert.rejects(s.takeLease(request), LeaseConflict);
      assert.deepEqual(
        flaky.calls.map((c) => c.command),
        ["UpdateItem", "GetItem"],
      );
    });
  });

  it("reads the initial record before anything was written", async () => {
    const record = await store.read();
    assertFields(record, { epoch: 0, activeRegion: "us-east-1", phase: "steady", exists: false });
  });

  it("takes the lease with one write: epoch + 1, the new region active, phase promoting", async () => {
    const record = await take("orchestrator:a");
    assertFields(record, {
      epoch: 1,
      activeRegion: "eu-west-1",
      previousActiveRegion: "us-east-1",
      holder: "orchestrator:a",
      phase: "promoting",
      incidentId: "incident-1",
      leaseExpiresAt: clock.now + 60_000,
    });
    assert.deepEqual(await store.read(), record);
  });

  it("scenario 4: eight concurrent takeLease calls for one incident: exactly one wins", async () => {
    const { won, lost } = await settle(
      Array.from({ length: 8 }, (_, i) => take(`orchestrator:req-${i}`)),
    );
    assert.equal(won.length, 1);
    assert.equal(lost.length, 7);
    for (const l of lost) assert.ok(l.reason instanceof LeaseConflict);
    const record = await store.read();
    assert.equal(record.epoch, 1);
    assert.equal(record.holder, (won[0] as PromiseFulfilledResult<AuthorityRecord>).value.holder);
  });

  it("scenario 5: the detector and an operator at once: one wins, the loser sees the winner", async () => {
    await take("seed", 0, "bootstrap");
    await store.completePromotion({ epoch: 1, holder: "seed", incidentId: "bootstrap" });
    const { won, lost } = await settle([
      take("orchestrator:req-1", 1, "auto-1"),
      take("operator:alice", 1, "op-1"),
    ]);
    assert.equal(won.length, 1);
    const conflict = lost[0].reason as LeaseConflict;
    assert.ok(conflict instanceof LeaseConflict);
    assert.equal(conflict.current.epoch, 2);
    assert.equal(
      conflict.current.holder,
      (won[0] as PromiseFulfilledResult<AuthorityRecord>).value.holder,
    );
  });

  it("scenario 23: two operator promotions at once: one proceeds, the other fails and the record is consistent", async () => {
    const { won, lost } = await settle([
      take("operator:alice", 0, "op-a"),
      take("operator:bob", 0, "op-b"),
    ]);
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    const record = await store.read();
    const winner = (won[0] as PromiseFulfilledResult<AuthorityRecord>).value;
    assert.deepEqual(record, winner);
    assert.equal(record.incidentId, winner.holder === "operator:alice" ? "op-a" : "op-b");
  });

  it("rejects a stale epoch and changes nothing", async () => {
    await take("orchestrator:a");
    const before = await store.read();
    clock.now += 120_000; // the lease has expired: only the epoch stops the stale caller
    const error = await take("orchestrator:late", 0).catch((e: unknown) => e);
    assert.ok(error instanceof LeaseConflict);
    assert.deepEqual(await store.read(), before);
  });

  it("rejects a replay of a completed incident even at the current epoch", async () => {
    await take("orchestrator:a");
    await store.completePromotion({ epoch: 1, holder: "orchestrator:a", incidentId: "incident-1" });
    const before = await store.read();
    const error = await take("orchestrator:replay", 1, "incident-1").catch((e: unknown) => e);
    assert.ok(error instanceof LeaseConflict);
    assert.deepEqual(await store.read(), before);
  });

  it("an unexpired lease blocks another holder; an expired one does not", async () => {
    await take("orchestrator:a");
    const blocked = await take("orchestrator:b", 1).catch((e: unknown) => e);
    assert.ok(blocked instanceof LeaseConflict);
    clock.now += 60_001;
    const taken = await take("orchestrator:b", 1);
    assertFields(taken, { epoch: 2, holder: "orchestrator:b" });
  });

  it("renew, release and complete are fenced by epoch and holder", async () => {
    await take("orchestrator:a");
    clock.now += 1_000;
    const renewed = await store.renewLease({ epoch: 1, holder: "orchestrator:a", ttlMs: 60_000 });
    assert.equal(renewed.leaseExpiresAt, clock.now + 60_000);
    assert.ok(
      (await store
        .renewLease({ epoch: 1, holder: "intruder", ttlMs: 1 })
        .catch((e) => e)) instanceof LeaseConflict,
    );
    const released = await store.releaseLease({ epoch: 1, holder: "orchestrator:a" });
    assertFields(released, { phase: "promoting", leaseExpiresAt: 0 });
    assert.equal(released.holder, undefined);
    // After release, the zombie can no longer complete: it no longer holds the lease.
    const zombie = await store
      .completePromotion({ epoch: 1, holder: "orchestrator:a", incidentId: "incident-1" })
      .catch((e: unknown) => e);
    assert.ok(zombie instanceof LeaseConflict);
    const resumed = await take("orchestrator:b", 1);
    const done = await store.completePromotion({
      epoch: 2,
      holder: "orchestrator:b",
      incidentId: "incident-1",
    });
    assert.equal(resumed.epoch, 2);
    assertFields(done, {
      phase: "completed",
      epoch: 2,
      activeRegion: "eu-west-1",
      leaseExpiresAt: 0,
    });
  });
});

describe("incident audit record (dynalite)", () => {
  const dynamo = useDynalite();

  it("never downgrades a completed incident; a late run is still appended", async () => {
    const tableName = uniqueTableName();
    await dynamo().createAuthorityTable(tableName);
    const log = new IncidentLog({ client: dynamo().client("eu-west-1"), tableName, now: () => 1 });
    const run = (holder: string, outcome: string) => ({
      epoch: 1,
      holder,
      trigger: "test",
      mode: "unplanned",
      decision: "new",
      outcome,
      startedAt: "t0",
      endedAt: "t1",
      steps: [],
    });
    await log.appendRun("i-1", run("orchestrator:a", "incomplete"), "incomplete");
    assertFields(await log.read("i-1"), { status: "incomplete" });
    await log.appendRun("i-1", run("orchestrator:b", "completed"), "completed");
    await log.appendRun("i-1", run("orchestrator:a", "fenced"), "incomplete");
    const incident = await log.read("i-1");
    assert.equal(incident?.status, "completed");
    assert.deepEqual(
      incident?.runs.map((r) => r.outcome),
      ["incomplete", "completed", "fenced"],
    );
  });
});
