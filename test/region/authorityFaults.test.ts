// The fencing lease when two things fail at once, against dynalite: a lease write whose answer is
// lost (it landed, or it did not) while another writer moves the item, so the retry meets a failed
// condition and must tell "my own earlier write landed" from "someone else won". Also the initial
// conditional put of the serving lease, abort signals, and what a read makes of an odd item.
import { PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AuthorityStore,
  LeaseConflict,
  type AuthorityRecord,
  type LeaseWriteRetry,
  type TakeLeaseRequest,
} from "../../functions/region/authority";
import { assert, assertFields } from "./helpers/assertions";
import { useDynalite } from "../helpers/regionHarness";
import { uniqueTableName } from "./helpers/dynalite";
import {
  flakyDynamo,
  throttled,
  unavailable,
  updating,
  type FlakyRule,
} from "./helpers/flakyDynamo";

const T0 = 1_800_000_000_000;
const A = "orchestrator:a";
const B = "orchestrator:b";

// Which write an UpdateItem is, by its update expression.
const TAKE = "SET epoch = :next";
const RENEW_SERVING = "servingRenewedAt = :now";
const RENEW = "SET leaseExpiresAt = :expires";
const RELEASE = "SET leaseExpiresAt = :zero";
const COMPLETE = "SET phase = :completed";

const accessDenied = () =>
  Object.assign(new Error("User is not authorized to perform dynamodb:PutItem"), {
    name: "AccessDeniedException",
    $metadata: { httpStatusCode: 400 },
  });

describe("region authority lease: two faults at once (dynalite)", () => {
  const dynamo = useDynalite();
  let tableName: string;
  let clock: { now: number };
  const fastRetry: LeaseWriteRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

  beforeEach(async () => {
    tableName = uniqueTableName();
    await dynamo().createAuthorityTable(tableName);
    clock = { now: T0 };
  });

  const storeOn = (client = dynamo().client(), retry: LeaseWriteRetry | undefined = fastRetry) =>
    new AuthorityStore({
      client,
      tableName,
      initialActiveRegion: "us-east-1",
      now: () => clock.now,
      ...(retry ? { retry } : {}),
    });
  /** The other writer (and the test's own view of the table): no faults. */
  const other = () => storeOn();
  const flaky = (rules: FlakyRule[]) => flakyDynamo(dynamo().client(), rules);
  const take = (
    holder: string,
    expectedEpoch = 0,
    incidentId = "incident-1",
  ): TakeLeaseRequest => ({
    expectedEpoch,
    newActiveRegion: "eu-west-1",
    holder,
    incidentId,
    ttlMs: 60_000,
    fromRegion: "us-east-1",
  });
  /** The write `text` reaches the table, then its answer is lost. */
  const answerLost = (text: string): FlakyRule => ({
    command: "UpdateItem",
    when: updating(text),
    times: 1,
    at: "after",
    error: unavailable,
  });
  /** The write `text` fails before reaching the table while another writer does `meanwhile`. */
  const failsWhile = (text: string, meanwhile: () => Promise<unknown>): FlakyRule => ({
    command: "UpdateItem",
    when: updating(text),
    times: 1,
    error: unavailable,
    meanwhile,
  });
  /** The call rejects with a LeaseConflict saying `message` and carrying the table's record. */
  const conflict = async (call: Promise<AuthorityRecord>, message: string) => {
    const error = await call.then(
      () => assert.fail(`expected a LeaseConflict: ${message}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof LeaseConflict, `not a LeaseConflict: ${String(error)}`);
    assert.equal(error.name, "LeaseConflict");
    assert.equal(error.message, message);
    assert.deepEqual(error.current, await other().read());
    return error.current;
  };
  const commands = (calls: { command: string; failed?: string }[]) =>
    calls.map((c) => (c.failed ? `${c.command}!` : c.command));

  describe("a write that landed and whose answer was lost: the retry returns the record", () => {
    it("takeLease", async () => {
      const f = flaky([answerLost(TAKE)]);
      const record = await storeOn(f.client).takeLease(take(A));
      assertFields(record, { epoch: 1, holder: A, incidentId: "incident-1", phase: "promoting" });
      assert.deepEqual(record, await other().read());
      assert.deepEqual(commands(f.calls), ["UpdateItem!", "UpdateItem", "GetItem"]);
    });

    it("releaseLease", async () => {
      await other().takeLease(take(A));
      const f = flaky([answerLost(RELEASE)]);
      const record = await storeOn(f.client).releaseLease({ epoch: 1, holder: A });
      assertFields(record, { epoch: 1, holder: undefined, phase: "promoting", leaseExpiresAt: 0 });
      assert.deepEqual(record, await other().read());
      assert.deepEqual(commands(f.calls), ["UpdateItem!", "UpdateItem", "GetItem"]);
    });

    it("completePromotion", async () => {
      await other().takeLease(take(A));
      const f = flaky([answerLost(COMPLETE)]);
      const record = await storeOn(f.client).completePromotion({
        epoch: 1,
        holder: A,
        incidentId: "incident-1",
      });
      assertFields(record, { epoch: 1, holder: undefined, phase: "completed", leaseExpiresAt: 0 });
      assert.deepEqual(commands(f.calls), ["UpdateItem!", "UpdateItem", "GetItem"]);
    });
  });

  describe("a write that did not land while another writer moved the item: a LeaseConflict", () => {
    const notGranted = "lease for epoch 0 not granted to orchestrator:a";

    it("takeLease: another holder took the lease for the same incident", async () => {
      const f = flaky([failsWhile(TAKE, () => other().takeLease(take(B)))]);
      const current = await conflict(storeOn(f.client).takeLease(take(A)), notGranted);
      assertFields(current, { epoch: 1, holder: B, incidentId: "incident-1" });
      assert.deepEqual(commands(f.calls), ["UpdateItem!", "UpdateItem", "GetItem"]);
    });

    it("takeLease: the same holder took it for another incident", async () => {
      const f = flaky([failsWhile(TAKE, () => other().takeLease(take(A, 0, "incident-2")))]);
      const current = await conflict(storeOn(f.client).takeLease(take(A)), notGranted);
      assertFields(current, { epoch: 1, holder: A, incidentId: "incident-2" });
    });

    it("takeLease: the epoch moved twice under the same holder and incident", async () => {
      const f = flaky([
        failsWhile(TAKE, async () => {
          await other().takeLease(take(A));
          await other().takeLease(take(A, 1));
        }),
      ]);
      const current = await conflict(storeOn(f.client).takeLease(take(A)), notGranted);
      assertFields(current, { epoch: 2, holder: A, incidentId: "incident-1" });
    });

    it("renewServing: another region became active", async () => {
      const f = flaky([failsWhile(RENEW_SERVING, () => other().takeLease(take(B)))]);
      const current = await conflict(
        storeOn(f.client).renewServing("us-east-1", 30_000),
        "serving lease of us-east-1 not renewed: the authority names another region active",
      );
      assertFields(current, { epoch: 1, activeRegion: "eu-west-1", servingRegion: "eu-west-1" });
      assert.deepEqual(commands(f.calls), ["PutItem", "UpdateItem!", "UpdateItem", "GetItem"]);
    });

    it("renewLease: the lease ran out and another holder took the next epoch", async () => {
      await other().takeLease(take(A));
      const f = flaky([
        failsWhile(RENEW, async () => {
          clock.now += 60_001;
          await other().takeLease(take(B, 1));
        }),
      ]);
      const current = await conflict(
        storeOn(f.client).renewLease({ epoch: 1, holder: A, ttlMs: 60_000 }),
        "lease of orchestrator:a at epoch 1 lost",
      );
      assertFields(current, { epoch: 2, holder: B });
    });

    it("releaseLease: the epoch moved and its new holder released too", async () => {
      await other().takeLease(take(A));
      const f = flaky([
        failsWhile(RELEASE, async () => {
          clock.now += 60_001;
          await other().takeLease(take(B, 1));
          await other().releaseLease({ epoch: 2, holder: B });
        }),
      ]);
      const current = await conflict(
        storeOn(f.client).releaseLease({ epoch: 1, holder: A }),
        "lease of orchestrator:a at epoch 1 lost before release",
      );
      assertFields(current, { epoch: 2, holder: undefined, phase: "promoting" });
    });

    it("releaseLease: the same holder completed the promotion meanwhile", async () => {
      await other().takeLease(take(A));
      const f = flaky([
        failsWhile(RELEASE, () =>
          other().completePromotion({ epoch: 1, holder: A, incidentId: "incident-1" }),
        ),
      ]);
      const current = await conflict(
        storeOn(f.client).releaseLease({ epoch: 1, holder: A }),
        "lease of orchestrator:a at epoch 1 lost before release",
      );
      assertFields(current, { epoch: 1, holder: undefined, phase: "completed" });
    });

    it("releaseLease: by a caller that never held the lease another holder has at that epoch", async () => {
      const f = flaky([failsWhile(RELEASE, () => other().takeLease(take(B)))]);
      const current = await conflict(
        storeOn(f.client).releaseLease({ epoch: 1, holder: A }),
        "lease of orchestrator:a at epoch 1 lost before release",
      );
      assertFields(current, { epoch: 1, holder: B, phase: "promoting" });
    });

    it("completePromotion: another holder took the next epoch and completed the incident", async () => {
      await other().takeLease(take(A));
      const f = flaky([
        failsWhile(COMPLETE, async () => {
          clock.now += 60_001;
          await other().takeLease(take(B, 1));
          await other().completePromotion({ epoch: 2, holder: B, incidentId: "incident-1" });
        }),
      ]);
      const current = await conflict(
        storeOn(f.client).completePromotion({ epoch: 1, holder: A, incidentId: "incident-1" }),
        "lease of orchestrator:a at epoch 1 lost before completion",
      );
      assertFields(current, { epoch: 2, phase: "completed", incidentId: "incident-1" });
    });

    it("completePromotion: the same holder released the lease meanwhile", async () => {
      await other().takeLease(take(A));
      const f = flaky([failsWhile(COMPLETE, () => other().releaseLease({ epoch: 1, holder: A }))]);
      const current = await conflict(
        storeOn(f.client).completePromotion({ epoch: 1, holder: A, incidentId: "incident-1" }),
        "lease of orchestrator:a at epoch 1 lost before completion",
      );
      assertFields(current, { epoch: 1, phase: "promoting", incidentId: "incident-1" });
    });

    it("completePromotion: the same holder completed another incident meanwhile", async () => {
      await other().takeLease(take(A));
      const f = flaky([
        failsWhile(COMPLETE, () =>
          other().completePromotion({ epoch: 1, holder: A, incidentId: "incident-1" }),
        ),
      ]);
      const current = await conflict(
        storeOn(f.client).completePromotion({ epoch: 1, holder: A, incidentId: "incident-2" }),
        "lease of orchestrator:a at epoch 1 lost before completion",
      );
      assertFields(current, { epoch: 1, phase: "completed", incidentId: "incident-1" });
    });
  });

  describe("a failed condition on the first attempt is a conflict, even if the record looks applied", () => {
    it("a repeated take, release or completion by the same holder", async () => {
      const s = other();
      await s.takeLease(take(A));
      await conflict(s.takeLease(take(A)), "lease for epoch 0 not granted to orchestrator:a");
      await s.releaseLease({ epoch: 1, holder: A });
      await conflict(
        s.releaseLease({ epoch: 1, holder: A }),
        "lease of orchestrator:a at epoch 1 lost before release",
      );
      await s.takeLease(take(A, 1));
      await s.completePromotion({ epoch: 2, holder: A, incidentId: "incident-1" });
      await conflict(
        s.completePromotion({ epoch: 2, holder: A, incidentId: "incident-1" }),
        "lease of orchestrator:a at epoch 2 lost before completion",
      );
    });

    it("a condition failure from another copy of the SDK (matched by name) is a conflict too", async () => {
      const foreign = () =>
        Object.assign(new Error("The conditional request failed"), {
          name: "ConditionalCheckFailedException",
          $metadata: { httpStatusCode: 400 },
        });
      const f = flaky([{ command: "UpdateItem", times: 1, error: foreign }]);
      const current = await conflict(
        storeOn(f.client).takeLease(take(A)),
        "lease for epoch 0 not granted to orchestrator:a",
      );
      assertFields(current, { epoch: 0, exists: false });
      assert.deepEqual(commands(f.calls), ["UpdateItem!", "GetItem"]);
    });

    it("a rejection that is not an error object is passed on as is, never retried", async () => {
      let calls = 0;
      const broken = {
        send: () => {
          calls++;
          return Promise.reject(null);
        },
      } as unknown as DynamoDBClient;
      await assert.rejects(storeOn(broken).takeLease(take(A)), (e) => e === null);
      assert.equal(calls, 1);
    });
  });

  describe("renewServing's first conditional put", () => {
    it("a transient error is retried, then the lease is renewed", async () => {
      const f = flaky([{ command: "PutItem", times: 1, error: unavailable }]);
      const record = await storeOn(f.client).renewServing("us-east-1", 30_000);
      assertFields(record, {
        epoch: 0,
        activeRegion: "us-east-1",
        servingRegion: "us-east-1",
        servingExpiresAt: T0 + 30_000,
        exists: true,
      });
      assert.deepEqual(commands(f.calls), ["PutItem!", "PutItem", "UpdateItem"]);
    });

    it("a refusal that is not transient is thrown as is, nothing renewed", async () => {
      const f = flaky([{ command: "PutItem", times: 1, error: accessDenied }]);
      await assert.rejects(storeOn(f.client).renewServing("us-east-1", 30_000), {
        name: "AccessDeniedException",
      });
      assert.deepEqual(commands(f.calls), ["PutItem!"]);
      assertFields(await other().read(), { exists: false });
    });

    it("bounded by the store's attempts (two here)", async () => {
      const f = flaky([{ command: "PutItem", times: Infinity, error: unavailable }]);
      const s = storeOn(f.client, { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 });
      await assert.rejects(s.renewServing("us-east-1", 30_000), { name: "InternalServerError" });
      assert.deepEqual(commands(f.calls), ["PutItem!", "PutItem!"]);
    });
  });

  it("every lease write is bounded by the store's attempts (two here)", async () => {
    await other().takeLease(take(A));
    const f = flaky([{ command: "UpdateItem", times: Infinity, error: throttled }]);
    const s = storeOn(f.client, { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 });
    await assert.rejects(s.renewLease({ epoch: 1, holder: A, ttlMs: 60_000 }), {
      name: "ProvisionedThroughputExceededException",
    });
    assert.deepEqual(commands(f.calls), ["UpdateItem!", "UpdateItem!"]);
  });

  it("without a retry option the default retry applies (one transient error each, put and update)", async () => {
    const f = flaky([
      { command: "PutItem", times: 1, error: unavailable },
      { command: "UpdateItem", times: 1, error: throttled },
    ]);
    const record = await storeOn(f.client, undefined).renewServing("us-east-1", 30_000);
    assertFields(record, { servingRegion: "us-east-1", servingExpiresAt: T0 + 30_000 });
    assert.deepEqual(commands(f.calls), ["PutItem!", "PutItem", "UpdateItem!", "UpdateItem"]);
  });

  describe("an already-aborted signal reaches the client: nothing is read or written", () => {
    const aborted = () => AbortSignal.abort();

    it("read", async () => {
      await other().takeLease(take(A));
      await assert.rejects(other().read(aborted()), { name: "AbortError" });
    });

    it("takeLease", async () => {
      await assert.rejects(other().takeLease(take(A), aborted()), { name: "AbortError" });
      assertFields(await other().read(), { exists: false });
    });

    it("renewServing (its first put included)", async () => {
      await assert.rejects(other().renewServing("us-east-1", 30_000, aborted()), {
        name: "AbortError",
      });
      assertFields(await other().read(), { exists: false });
    });
  });

  describe("takeLease's defaults", () => {
    it("grants the serving lease for the default 100 s, or the request's own TTL", async () => {
      assertFields(await other().takeLease(take(A)), { servingExpiresAt: T0 + 100_000 });
      clock.now += 1_000;
      const next = await other().takeLease({ ...take(A, 1), servingTtlMs: 30_000 });
      assertFields(next, { servingRegion: "eu-west-1", servingExpiresAt: T0 + 1_000 + 30_000 });
    });

    it("without fromRegion: granted, no previous active region recorded", async () => {
      const { fromRegion: _, ...request } = take(A);
      const record = await other().takeLease(request);
      assertFields(record, { epoch: 1, activeRegion: "eu-west-1", mode: "unplanned" });
      assert.equal((await other().read()).previousActiveRegion, undefined);
    });

    it("an omitted mode is unplanned: refused while another region's serving lease runs", async () => {
      await other().renewServing("us-east-1", 100_000);
      const current = await conflict(
        other().takeLease(take(B)),
        "lease for epoch 0 not granted to orchestrator:b",
      );
      assertFields(current, { servingRegion: "us-east-1", servingExpiresAt: T0 + 100_000 });
      assertFields(await other().takeLease({ ...take(B), mode: "planned" }), {
        epoch: 1,
        mode: "planned",
      });
    });
  });

  describe("what read() makes of the item", () => {
    it("an existing item reads as existing; one without a phase reads as steady", async () => {
      // An item written by hand (an operator's repair) carries only what was typed.
      await dynamo()
        .client()
        .send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: "authority" }, epoch: { N: "4" }, activeRegion: { S: "eu-west-1" } },
          }),
        );
      assert.deepEqual(await other().read(), {
        epoch: 4,
        activeRegion: "eu-west-1",
        previousActiveRegion: undefined,
        holder: undefined,
        phase: "steady",
        leaseExpiresAt: 0,
        incidentId: undefined,
        mode: undefined,
        updatedAt: 0,
        servingRegion: undefined,
        servingExpiresAt: undefined,
        exists: true,
      });
    });

    it("an item without an active region names none (every region fenced), not the initial one", async () => {
      await dynamo()
        .client()
        .send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: "authority" } } }));
      assertFields(await other().read(), { epoch: 0, activeRegion: "", exists: true });
    });
  });
});
