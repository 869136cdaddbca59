// The quorum rule and the witness's reading as pure functions, each case's whole decision
// written out (action, the vantage points failed and known, the reason people are paged with),
// and the detection state's items as DynamoDB holds them. The scenario tests (detection.test.ts)
// run the detector end to end; these pin what it decides and says in each corner.
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  decide,
  SignalStore,
  witnessReading,
  type SignalReading,
} from "../../functions/region/detection";
import { assert } from "./helpers/assertions";
import { recordSdkCalls, type SdkRecorder } from "./helpers/sdkCalls";

const r = (
  vantage: SignalReading["vantage"],
  status: SignalReading["status"],
  consecutiveFailures = status === "failed" ? 3 : 0,
): SignalReading => ({ vantage, status, consecutiveFailures, detail: "d" });

const CANARY_FAILED = r("standby-canary", "failed");
const WITNESS_FAILED = r("witness", "failed");
const R53_FAILED = r("route53", "failed");

describe("the quorum rule, case by case", () => {
  it("quorum 2: canary and witness failed, this region ready → failover", () => {
    assert.deepEqual(
      decide({
        readings: [CANARY_FAILED, WITNESS_FAILED, r("route53", "unknown")],
        quorum: 2,
        localReady: true,
      }),
      {
        action: "failover",
        failed: ["standby-canary", "witness"],
        known: ["standby-canary", "witness"],
        reason: "quorum failed: standby-canary, witness",
      },
    );
  });

  it("quorum reached but this region unhealthy, or its readiness unknown → page humans, no promotion", () => {
    const readings = [CANARY_FAILED, WITNESS_FAILED, R53_FAILED];
    assert.deepEqual(decide({ readings, quorum: 2, localReady: false }), {
      action: "page-humans",
      failed: ["standby-canary", "witness", "route53"],
      known: ["standby-canary", "witness", "route53"],
      reason:
        "active region failed by quorum (standby-canary, witness, route53) but this region is not ready (unhealthy): no promotion",
    });
    assert.equal(
      decide({ readings, quorum: 2, localReady: "unknown" }).reason,
      "active region failed by quorum (standby-canary, witness, route53) but this region is not ready (readiness unknown): no promotion",
    );
  });

  it("quorum 3 needs Route 53 as well: unknown there is insufficient signals, healthy there is degraded", () => {
    assert.deepEqual(
      decide({
        readings: [CANARY_FAILED, WITNESS_FAILED, r("route53", "unknown")],
        quorum: 3,
        localReady: true,
      }),
      {
        action: "insufficient-signals",
        failed: ["standby-canary", "witness"],
        known: ["standby-canary", "witness"],
        reason:
          "route53 unreadable: a failover needs the shallow signal from standby-canary and witness and route53",
      },
    );
    assert.deepEqual(
      decide({
        readings: [CANARY_FAILED, WITNESS_FAILED, r("route53", "healthy")],
        quorum: 3,
        localReady: true,
      }),
      {
        action: "degraded",
        failed: ["standby-canary", "witness"],
        known: ["standby-canary", "witness", "route53"],
        reason: "failed from standby-canary, witness only: below quorum 3",
      },
    );
    assert.equal(
      decide({ readings: [CANARY_FAILED, WITNESS_FAILED, R53_FAILED], quorum: 3, localReady: true })
        .action,
      "failover",
    );
  });

  it("a required vantage point missing from the readings counts as unknown", () => {
    assert.deepEqual(decide({ readings: [CANARY_FAILED], quorum: 2, localReady: true }), {
      action: "insufficient-signals",
      failed: ["standby-canary"],
      known: ["standby-canary"],
      reason:
        "witness unreadable: a failover needs the shallow signal from standby-canary and witness",
    });
  });

  it("both required unknown: both named", () => {
    assert.equal(
      decide({
        readings: [r("standby-canary", "unknown"), r("witness", "unknown"), R53_FAILED],
        quorum: 2,
        localReady: true,
      }).reason,
      "standby-canary, witness unreadable: a failover needs the shallow signal from standby-canary and witness",
    );
  });

  it("failures below the threshold only (healthy, counting) → degraded; none at all → none", () => {
    assert.deepEqual(
      decide({
        readings: [
          r("standby-canary", "healthy", 2),
          r("witness", "healthy"),
          r("route53", "healthy"),
        ],
        quorum: 2,
        localReady: true,
      }),
      {
        action: "degraded",
        failed: [],
        known: ["standby-canary", "witness", "route53"],
        reason: "failures seen, none reached the consecutive threshold",
      },
    );
    assert.deepEqual(
      decide({
        readings: [
          r("standby-canary", "healthy"),
          r("witness", "healthy"),
          r("route53", "unknown"),
        ],
        quorum: 2,
        localReady: true,
      }),
      {
        action: "none",
        failed: [],
        known: ["standby-canary", "witness"],
        reason: "active region healthy",
      },
    );
    // An unknown reading's count is no suspicion: unknown never counts as failed.
    assert.equal(
      decide({
        readings: [
          r("standby-canary", "healthy"),
          r("witness", "healthy"),
          r("route53", "unknown", 2),
        ],
        quorum: 2,
        localReady: true,
      }).action,
      "none",
    );
    // Route 53 alone failed: degraded, never a failover.
    assert.equal(
      decide({
        readings: [r("standby-canary", "healthy"), r("witness", "healthy"), R53_FAILED],
        quorum: 2,
        localReady: true,
      }).reason,
      "failed from route53 only: below quorum 2",
    );
  });

  it("the deep signal: degraded within the dwell, page humans at it (not before), degraded again under a veto", () => {
    const healthy = [
      r("standby-canary", "healthy"),
      r("witness", "healthy"),
      r("route53", "healthy"),
    ];
    const deep = (failingForMs: number, veto?: string) => ({
      failing: true,
      failingForMs,
      detail: "HTTP 500",
      veto,
    });
    assert.deepEqual(
      decide({
        readings: healthy,
        quorum: 2,
        localReady: true,
        deep: deep(899_499),
        deepDwellMs: 900_000,
      }),
      {
        action: "degraded",
        failed: [],
        known: ["standby-canary", "witness", "route53"],
        reason:
          "deep check failing for 899 s (HTTP 500), shallow signal answering: in-region recovery window, pages humans after 900 s",
      },
    );
    assert.deepEqual(
      decide({
        readings: healthy,
        quorum: 2,
        localReady: true,
        deep: deep(900_000),
        deepDwellMs: 900_000,
      }),
      {
        action: "page-humans",
        failed: [],
        known: ["standby-canary", "witness", "route53"],
        reason:
          "deep check failing for 900 s (HTTP 500) while the region serves HTTP: longer than any documented " +
          'in-region recovery (900 s). Not promoted automatically (a bad deploy would follow to the standby): decide, and run "npm run promote -- unplanned" if the data tier is lost',
      },
    );
    assert.equal(
      decide({
        readings: healthy,
        quorum: 2,
        localReady: true,
        deep: deep(
          3_600_000,
          "magento-db-use1: Multi-AZ failover started at 2026-11-29T10:00:00.000Z",
        ),
        deepDwellMs: 900_000,
      }).reason,
      "deep check failing for 3600 s (HTTP 500), shallow signal answering: in-region recovery reported by the " +
        "source (magento-db-use1: Multi-AZ failover started at 2026-11-29T10:00:00.000Z): no escalation",
    );
    // A deep check that is not failing changes nothing.
    assert.equal(
      decide({
        readings: healthy,
        quorum: 2,
        localReady: true,
        deep: { failing: false, failingForMs: 0, detail: "ok" },
      }).action,
      "none",
    );
  });

  it("the shallow quorum wins over the deep signal; an unreadable quorum too", () => {
    const deep = { failing: true, failingForMs: 10_000_000, detail: "HTTP 500" };
    assert.equal(
      decide({
        readings: [CANARY_FAILED, WITNESS_FAILED],
        quorum: 2,
        localReady: true,
        deep,
        deepDwellMs: 1,
      }).action,
      "failover",
    );
    assert.equal(
      decide({ readings: [CANARY_FAILED], quorum: 2, localReady: true, deep, deepDwellMs: 1 })
        .action,
      "insufficient-signals",
    );
  });
});

describe("the witness's verdict as the standby reads it", () => {
  const NOW = 1_900_000_000_000;
  it("absent, about another region, or older than the limit → unknown, saying why", () => {
    assert.deepEqual(witnessReading(undefined, "us-east-1", 3, 60_000, NOW), {
      vantage: "witness",
      status: "unknown",
      consecutiveFailures: 0,
      detail: "no verdict",
    });
    assert.deepEqual(
      witnessReading(
        { target: "eu-west-1", consecutiveFailures: 9, observedAt: NOW },
        "us-east-1",
        3,
        60_000,
        NOW,
      ),
      {
        vantage: "witness",
        status: "unknown",
        consecutiveFailures: 0,
        detail: "verdict is about eu-west-1, not us-east-1",
      },
    );
    assert.deepEqual(
      witnessReading(
        { target: "us-east-1", consecutiveFailures: 9, observedAt: NOW - 60_001 },
        "us-east-1",
        3,
        60_000,
        NOW,
      ),
      { vantage: "witness", status: "unknown", consecutiveFailures: 0, detail: "verdict 60 s old" },
    );
  });

  it("at the age limit still counts; at the threshold failed, one below healthy", () => {
    assert.deepEqual(
      witnessReading(
        { target: "us-east-1", consecutiveFailures: 3, observedAt: NOW - 60_000 },
        "us-east-1",
        3,
        60_000,
        NOW,
      ),
      {
        vantage: "witness",
        status: "failed",
        consecutiveFailures: 3,
        detail: "3 consecutive failures",
      },
    );
    assert.deepEqual(
      witnessReading(
        { target: "us-east-1", consecutiveFailures: 2, observedAt: NOW },
        "us-east-1",
        3,
        60_000,
        NOW,
      ),
      {
        vantage: "witness",
        status: "healthy",
        consecutiveFailures: 2,
        detail: "2 consecutive failures",
      },
    );
  });
});

describe("the detection state's items", () => {
  let sdk: SdkRecorder;
  beforeEach(() => (sdk = recordSdkCalls([DynamoDBClient])));
  afterEach(() => sdk.restore());
  const store = () =>
    new SignalStore({
      client: new DynamoDBClient({ region: "eu-west-1" }),
      tableName: "magento-dr-authority",
    });

  it("are read strongly consistent by their keys, bounded by the caller's signal", async () => {
    const signal = new AbortController().signal;
    await store().readDetector("eu-west-1", signal);
    await store().readWitness("us-west-2", signal);
    const calls = await sdk.calls();
    assert.deepEqual(
      calls.map((c) => c.input),
      [
        {
          TableName: "magento-dr-authority",
          Key: { pk: { S: "signals#eu-west-1" } },
          ConsistentRead: true,
        },
        {
          TableName: "magento-dr-authority",
          Key: { pk: { S: "witness#us-west-2" } },
          ConsistentRead: true,
        },
      ],
    );
    const stub = sdk.stubs.get("DynamoDBClient")!;
    // The options the code passed to send() beside the command.
    const optionsOf = (call: { args: unknown[] }) =>
      call.args[1] as { abortSignal?: AbortSignal } | undefined;
    assert.ok(stub.calls().every((c) => optionsOf(c)?.abortSignal === signal));
    await store().writeWitness(
      "us-west-2",
      { target: "us-east-1", consecutiveFailures: 1, observedAt: 5 },
      signal,
    );
    assert.equal(optionsOf(stub.calls().at(-1)!)?.abortSignal, signal);
  });

  it("an item missing its fields (an older version wrote it) reads as zeros, never a throw", async () => {
    sdk.stubs
      .get("DynamoDBClient")!
      .on(GetItemCommand)
      .resolves({ Item: { pk: { S: "signals#eu-west-1" } } });
    assert.deepEqual(await store().readDetector("eu-west-1"), {
      target: "",
      canaryFailures: 0,
      route53Failures: 0,
      lastAction: "none",
      decidedAt: 0,
      epoch: 0,
      deepFailingSince: 0,
    });
    assert.deepEqual(await store().readWitness("us-west-2"), {
      target: "",
      consecutiveFailures: 0,
      observedAt: 0,
    });
  });
});
