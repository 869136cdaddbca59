import assert from "node:assert/strict";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  refusedUrl,
  SearchServers,
  ServerBehaviour,
  startSearchServers,
} from "../../bench/searchServers";
import {
  Decision,
  decide,
  HealthState,
  parseState,
  Thresholds,
} from "../../functions/searchDecision";
import {
  createSearchHealthHandler,
  plannedSweepMs,
  resolveSearchHealthSettings,
  SearchHealthSettings,
} from "../../functions/searchHealth";
import { healthUrl, probeEndpoint, ProbeStatus, sweep } from "../../functions/searchProbe";
import { MemoryStateStore } from "../../functions/searchState";
import { SEARCH_CHECKER_THRESHOLDS } from "../../components/tierAutomation";
import { captureLogs, FAKE_CREDENTIALS, fakeParameterStore, puts } from "./fakeAws";

const TIMEOUT_MS = 200;

describe("searchProbe against real servers on 127.0.0.1", () => {
  const behaviours: ServerBehaviour[] = [
    "green",
    "yellow",
    "red",
    "error-500",
    "garbage",
    "no-status",
    "silent",
  ];
  let fleet: SearchServers;
  before(async () => {
    fleet = await startSearchServers(behaviours);
  });
  after(() => fleet.close());

  const expected: Record<ServerBehaviour, [ProbeStatus, boolean]> = {
    green: ["green", true],
    yellow: ["yellow", true],
    red: ["red", false],
    "error-500": ["http-error", false],
    garbage: ["bad-response", false],
    "no-status": ["bad-response", false],
    silent: ["timeout", false],
  };
  behaviours.forEach((behaviour, index) => {
    const [status, healthy] = expected[behaviour];
    it(`classifies a server answering ${behaviour} as ${status}, healthy=${healthy}`, async () => {
      const result = await probeEndpoint(fleet.urls[index], {
        timeoutMs: TIMEOUT_MS,
        yellowIs: "healthy",
      });
      assert.equal(result.status, status);
      assert.equal(result.healthy, healthy);
      assert.equal(result.endpoint, fleet.urls[index]);
    });
  });

  it("counts yellow as failed when configured so", async () => {
    const result = await probeEndpoint(fleet.urls[1], {
      timeoutMs: TIMEOUT_MS,
      yellowIs: "failed",
    });
    assert.deepEqual([result.status, result.healthy], ["yellow", false]);
  });

  it("classifies a refused connection as a network error", async () => {
    const result = await probeEndpoint(await refusedUrl(), {
      timeoutMs: TIMEOUT_MS,
      yellowIs: "healthy",
    });
    assert.equal(result.status, "network-error");
    assert.match(result.detail ?? "", /ECONNREFUSED/);
  });

  it("sends GET /_cluster/health with the extra headers", async () => {
    const green = fleet.servers[0];
    await probeEndpoint(green.url, {
      timeoutMs: TIMEOUT_MS,
      yellowIs: "healthy",
      headers: { authorization: "Basic bW9uaXRvcjpzZWNyZXQ=" },
    });
    const seen = green.requests[green.requests.length - 1];
    assert.equal(seen.method, "GET");
    assert.equal(seen.url, "/_cluster/health");
    assert.equal(seen.headers.authorization, "Basic bW9uaXRvcjpzZWNyZXQ=");
    assert.equal(seen.headers.accept, "application/json");
  });

  it("probes host names over HTTPS and keeps explicit base URLs", () => {
    assert.equal(
      healthUrl("vpc-shop-abc.eu-west-1.es.amazonaws.com"),
      "https://vpc-shop-abc.eu-west-1.es.amazonaws.com/_cluster/health",
    );
    assert.equal(healthUrl("http://127.0.0.1:9200/"), "http://127.0.0.1:9200/_cluster/health");
  });

  it("sweeps 3 silent endpoints of 5 in about one timeout, not three (scenario 25)", async () => {
    const mixed = await startSearchServers(["green", "silent", "silent", "silent", "red"]);
    try {
      const started = performance.now();
      const results = await sweep(mixed.urls, { timeoutMs: TIMEOUT_MS, yellowIs: "healthy" });
      const elapsed = performance.now() - started;
      assert.deepEqual(
        results.map((r) => [r.endpoint, r.status]),
        [
          [mixed.urls[0], "green"],
          [mixed.urls[1], "timeout"],
          [mixed.urls[2], "timeout"],
          [mixed.urls[3], "timeout"],
          [mixed.urls[4], "red"],
        ],
      );
      // Sequential probing would need >= 3 timeouts; the loose bound leaves room for a busy CI.
      assert.ok(elapsed < 2.5 * TIMEOUT_MS, `sweep took ${Math.round(elapsed)} ms`);
    } finally {
      await mixed.close();
    }
  });
});

describe("searchDecision (pure)", () => {
  const [A, B, C] = ["a.search", "b.search", "c.search"];
  const ENDPOINTS = [A, B, C];
  const T: Thresholds = { failureThreshold: 3, recoveryThreshold: 5 };

  /** Runs rounds of [a, b, c] health, following switches like the handler does. */
  function run(
    current: string,
    rounds: [boolean, boolean, boolean][],
    state: HealthState = parseState(undefined, ENDPOINTS),
  ): { current: string; decisions: Decision["kind"][]; state: HealthState } {
    const decisions: Decision["kind"][] = [];
    for (const round of rounds) {
      const observations = ENDPOINTS.map((endpoint, i) => ({ endpoint, healthy: round[i] }));
      const step = decide({ state, current, observations, endpoints: ENDPOINTS, thresholds: T });
      state = step.state;
      decisions.push(step.decision.kind);
      if (step.decision.kind === "switch") current = step.decision.to;
    }
    return { current, decisions, state };
  }
  /** State from [consecutiveFailures, consecutiveSuccesses] of a, b and c. */
  const stateOf = (...counts: [number, number][]): HealthState => ({
    version: 1,
    endpoints: Object.fromEntries(
      ENDPOINTS.map((e, i) => [
        e,
        { consecutiveFailures: counts[i][0], consecutiveSuccesses: counts[i][1] },
      ]),
    ),
  });
  const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

  it("abandons the current endpoint after exactly failureThreshold consecutive failures", () => {
    const outcome = run(A, repeat(3, [false, true, true]));
    assert.deepEqual(outcome.decisions, ["stay", "stay", "switch"]);
    assert.equal(outcome.current, B);
  });

  it("never switches on a flapping endpoint (fail, ok, fail, ok ...)", () => {
    const flapping = Array.from({ length: 20 }, (_, i): [boolean, boolean, boolean] => [
      i % 2 === 1,
      true,
      true,
    ]);
    const outcome = run(A, flapping);
    assert.deepEqual(outcome.decisions, repeat(20, "stay"));
    assert.equal(outcome.current, A);
  });

  it("never switches when failures stop one short of the threshold", () => {
    const outcome = run(A, [
      ...repeat(2, [false, true, true] as [boolean, boolean, boolean]),
      [true, true, true],
      ...repeat(2, [false, true, true] as [boolean, boolean, boolean]),
    ]);
    assert.equal(outcome.current, A);
    assert.ok(outcome.decisions.every((d) => d === "stay"));
  });

  it("moves back to a higher-priority endpoint only after recoveryThreshold successes", () => {
    const failedOver = run(A, repeat(3, [false, true, true]));
    const interrupted = run(
      failedOver.current,
      [...repeat(4, [true, true, true]), [false, true, true], ...repeat(4, [true, true, true])] as [
        boolean,
        boolean,
        boolean,
      ][],
      failedOver.state,
    );
    assert.equal(interrupted.current, B, "a streak broken by one failure starts over");
    const recovered = run(B, [[true, true, true]], interrupted.state);
    assert.deepEqual(recovered.decisions, ["switch"]);
    assert.equal(recovered.current, A);
  });

  it("never points at an unhealthy target: no switch when every candidate fails", () => {
    const outcome = run(A, repeat(5, [false, false, false]));
    assert.deepEqual(outcome.decisions, [
      "stay",
      "stay",
      "no-healthy-candidate",
      "no-healthy-candidate",
      "no-healthy-candidate",
    ]);
    assert.equal(outcome.current, A);
  });

  it("skips an unhealthy candidate and takes the next by priority", () => {
    const outcome = run(A, repeat(3, [false, false, true]));
    assert.equal(outcome.current, C);
  });

  it("prefers a settled endpoint over a higher-priority one that just came back", () => {
    const state = stateOf([0, 1], [2, 0], [0, 5]);
    assert.equal(run(B, [[true, false, true]], state).current, C);
  });

  it("still leaves a dead endpoint for one that just came back when nothing else answers", () => {
    const state = stateOf([0, 1], [2, 0], [4, 0]);
    assert.equal(run(B, [[true, false, false]], state).current, A);
  });

  it("does not manage a current endpoint that is not configured", () => {
    const outcome = run("other.search", [[true, true, true]]);
    assert.deepEqual(outcome.decisions, ["unmanaged"]);
  });

  it("saturates counters, so a steady state stops changing", () => {
    const after5 = run(A, repeat(5, [true, true, true])).state;
    const after9 = run(A, repeat(9, [true, true, true])).state;
    assert.deepEqual(after9, after5);
    assert.equal(after9.endpoints[A].consecutiveSuccesses, 5);
  });

  it("reads a malformed state document as zero counts, for the configured endpoints only", () => {
    const zero = { consecutiveFailures: 0, consecutiveSuccesses: 0 };
    assert.deepEqual(parseState("{not json", ENDPOINTS).endpoints, {
      [A]: zero,
      [B]: zero,
      [C]: zero,
    });
    const parsed = parseState(
      {
        version: 1,
        endpoints: {
          [A]: { consecutiveFailures: -1, consecutiveSuccesses: 2 },
          [B]: { consecutiveFailures: "2", consecutiveSuccesses: 0 },
          [C]: { consecutiveFailures: 2, consecutiveSuccesses: 0 },
          "removed.search": { consecutiveFailures: 9, consecutiveSuccesses: 0 },
        },
      },
      ENDPOINTS,
    );
    assert.deepEqual(parsed.endpoints, {
      [A]: zero,
      [B]: zero,
      [C]: { consecutiveFailures: 2, consecutiveSuccesses: 0 },
    });
  });
});

describe("searchHealth handler", () => {
  const AT = new Date("2025-01-01T03:00:00Z");
  const ENDPOINT_PARAM = "/magento-dr/prod-euw1/search/endpoint";
  const EPOCH_PARAM = "/magento-dr/prod-euw1/endpoints/epoch";
  const STATE_PARAM = "/magento-dr/prod-euw1/search/health-state";
  const ssm = new SSMClient({ region: "eu-west-1", credentials: FAKE_CREDENTIALS });
  const cloudwatch = new CloudWatchClient({ region: "eu-west-1", credentials: FAKE_CREDENTIALS });
  let ssmMock: AwsClientStub<SSMClient>;
  let cloudwatchMock: AwsClientStub<CloudWatchClient>;
  before(() => {
    ssmMock = mockClient(ssm);
    cloudwatchMock = mockClient(cloudwatch);
  });
  after(() => {
    ssmMock.restore();
    cloudwatchMock.restore();
  });
  let fleet: SearchServers;
  let logs: ReturnType<typeof captureLogs>;
  let A: string, B: string, C: string;

  before(async () => {
    fleet = await startSearchServers(["green", "green", "green"]);
    [A, B, C] = fleet.urls;
  });
  after(() => fleet.close());
  beforeEach(() => {
    for (const server of fleet.servers) server.behaviour = "green";
    ssmMock.reset();
    cloudwatchMock.reset();
    cloudwatchMock.on(PutMetricDataCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  const settings = (overrides: Partial<SearchHealthSettings> = {}): SearchHealthSettings => ({
    region: "eu-west-1",
    endpoints: [A, B, C],
    endpointParameterName: ENDPOINT_PARAM,
    epochParameterName: EPOCH_PARAM,
    stateParameterName: STATE_PARAM,
    timeoutMs: TIMEOUT_MS,
    rounds: 1,
    roundIntervalMs: TIMEOUT_MS,
    failureThreshold: 2,
    recoveryThreshold: 3,
    ...overrides,
  });
  const handlerFor = (overrides: Partial<SearchHealthSettings> = {}, store?: MemoryStateStore) =>
    createSearchHealthHandler(settings(overrides), {
      ssm,
      cloudwatch,
      store,
      now: () => AT,
      sleep: async () => undefined,
    });
  const behave = (...behaviours: ServerBehaviour[]) =>
    behaviours.forEach((b, i) => (fleet.servers[i].behaviour = b));
  const metricInputs = () =>
    cloudwatchMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
  const endpointWrites = () => puts(ssmMock).filter(([name]) => name !== STATE_PARAM);

  it("the deployed thresholds: 3 consecutive failures move to the fallback, 5 successes bring it back", async () => {
    // The region's own domain first, then a configured extra candidate (searchFallbackEndpoints).
    const deployed = { ...SEARCH_CHECKER_THRESHOLDS, endpoints: [A, B], rounds: 1 };
    const parameters = fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "1" });
    const store = new MemoryStateStore();
    const minute = () => handlerFor(deployed, store)();
    behave("error-500", "green");
    const failing = [await minute(), await minute(), await minute()];
    assert.deepEqual(
      failing.map((r) => r.outcome),
      ["degraded", "degraded", "switched"],
      "the third consecutive failure moves the endpoint",
    );
    assert.equal(parameters.value(ENDPOINT_PARAM), B);
    behave("green", "green");
    const recovering: string[] = [];
    for (let i = 0; i < 5; i++) recovering.push((await minute()).outcome);
    assert.deepEqual(
      recovering,
      ["healthy", "healthy", "healthy", "healthy", "switched"],
      "recovery needs its own threshold: back only on the fifth success",
    );
    assert.equal(parameters.value(ENDPOINT_PARAM), A);
  });

  it("publishes per-endpoint health and the tier health of the current endpoint", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    behave("green", "silent", "red");

    const result = await handlerFor()();

    assert.equal(result.outcome, "degraded");
    assert.deepEqual(metricInputs(), [
      {
        Namespace: "MagentoDR/Search",
        MetricData: [
          {
            MetricName: "EndpointHealth",
            Dimensions: [{ Name: "Endpoint", Value: A }],
            Value: 1,
            Unit: "None",
            Timestamp: AT,
          },
          {
            MetricName: "EndpointHealth",
            Dimensions: [{ Name: "Endpoint", Value: B }],
            Value: 0,
            Unit: "None",
            Timestamp: AT,
          },
          {
            MetricName: "EndpointHealth",
            Dimensions: [{ Name: "Endpoint", Value: C }],
            Value: 0,
            Unit: "None",
            Timestamp: AT,
          },
          { MetricName: "TierHealth", Value: 1, Unit: "None", Timestamp: AT },
        ],
      },
    ]);
    assert.deepEqual(endpointWrites(), []);
  });

  it("keeps counts between invocations in the SSM state parameter and switches on the second", async () => {
    const parameters = fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    behave("silent", "green", "green");

    const first = await handlerFor()();
    // A new handler is a new Lambda container: only the parameter store carries the counts over.
    const second = await handlerFor()();

    assert.equal(first.outcome, "degraded");
    assert.equal(second.outcome, "switched");
    assert.deepEqual(
      ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name),
      [STATE_PARAM, STATE_PARAM, EPOCH_PARAM],
    );
    const written = puts(ssmMock);
    assert.deepEqual(
      written.map(([name]) => name),
      [STATE_PARAM, ENDPOINT_PARAM, EPOCH_PARAM, STATE_PARAM],
    );
    assert.deepEqual(JSON.parse(written[0][1]).endpoints[A], {
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
    });
    assert.deepEqual(written.slice(1, 3), [
      [ENDPOINT_PARAM, B],
      [EPOCH_PARAM, "5"],
    ]);
    assert.deepEqual(JSON.parse(written[3][1]).endpoints[A], {
      consecutiveFailures: 2,
      consecutiveSuccesses: 0,
    });
    assert.equal(parameters.value(ENDPOINT_PARAM), B);
    assert.equal(metricInputs()[1].MetricData?.at(-1)?.Value, 1, "tier healthy again on B");
  });

  it("writes nothing to SSM when the counts are already steady", async () => {
    const steady = { consecutiveFailures: 0, consecutiveSuccesses: 3 };
    fakeParameterStore(ssmMock, {
      [ENDPOINT_PARAM]: A,
      [EPOCH_PARAM]: "4",
      [STATE_PARAM]: JSON.stringify({
        version: 1,
        endpoints: { [A]: steady, [B]: steady, [C]: steady },
      }),
    });

    const result = await handlerFor()();

    assert.deepEqual([result.outcome, result.stateWritten], ["healthy", false]);
    assert.equal(ssmMock.commandCalls(PutParameterCommand).length, 0);
  });

  it("never switches on an endpoint that flaps between invocations", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    const store = new MemoryStateStore();
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      behave(i % 2 === 0 ? "error-500" : "green", "green", "green");
      outcomes.push((await handlerFor({}, store)()).outcome);
    }
    assert.deepEqual(outcomes, [
      "degraded",
      "healthy",
      "degraded",
      "healthy",
      "degraded",
      "healthy",
    ]);
    assert.deepEqual(endpointWrites(), []);
    assert.equal(store.puts, 6);
  });

  it("switches within one invocation after failureThreshold rounds, then fails back with hysteresis", async () => {
    const parameters = fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    const store = new MemoryStateStore();
    const multiRound = { rounds: 3, failureThreshold: 3, recoveryThreshold: 3 };
    behave("error-500", "green", "green");

    const failover = await handlerFor(multiRound, store)();
    behave("green", "green", "green");
    const stillOnB = await handlerFor({ ...multiRound, rounds: 2 }, store)();
    const failback = await handlerFor({ ...multiRound, rounds: 1 }, store)();

    assert.deepEqual(
      failover.rounds.map((r) => r.decision.kind),
      ["stay", "stay", "switch"],
    );
    assert.deepEqual(
      stillOnB.rounds.map((r) => r.decision.kind),
      ["stay", "stay"],
    );
    assert.deepEqual(
      failback.rounds.map((r) => r.decision.kind),
      ["switch"],
    );
    assert.deepEqual(endpointWrites(), [
      [ENDPOINT_PARAM, B],
      [EPOCH_PARAM, "5"],
      [ENDPOINT_PARAM, A],
      [EPOCH_PARAM, "6"],
    ]);
    assert.equal(parameters.value(ENDPOINT_PARAM), A);
  });

  it("does not switch when every candidate fails, and reports the tier unhealthy", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    behave("error-500", "red", "garbage");

    const result = await handlerFor({ failureThreshold: 1 })();

    assert.equal(result.outcome, "no-healthy-candidate");
    assert.equal(result.current, A);
    assert.deepEqual(endpointWrites(), []);
    assert.deepEqual(
      metricInputs()[0].MetricData?.map((d) => d.Value),
      [0, 0, 0, 0],
    );
    assert.ok(
      logs
        .lines()
        .some(
          (l) => l.level === "error" && (l.decision as Decision).kind === "no-healthy-candidate",
        ),
    );
  });

  it("leaves an unmanaged endpoint alone and publishes no tier health for it", async () => {
    fakeParameterStore(ssmMock, {
      [ENDPOINT_PARAM]: "https://manual-override.example",
      [EPOCH_PARAM]: "4",
    });

    const result = await handlerFor()();

    assert.equal(result.outcome, "unmanaged");
    assert.deepEqual(endpointWrites(), []);
    const names = metricInputs()[0].MetricData?.map((d) => d.MetricName);
    assert.deepEqual(names, ["EndpointHealth", "EndpointHealth", "EndpointHealth"]);
  });

  it("saves the counts but fails the invocation when metrics cannot be published", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    cloudwatchMock.on(PutMetricDataCommand).rejects(new Error("ThrottlingException"));

    await assert.rejects(handlerFor()(), /metrics could not be published/);
    assert.deepEqual(
      puts(ssmMock).map(([name]) => name),
      [STATE_PARAM],
    );
  });

  it("finishes an epoch bump a previous run owed", async () => {
    // The endpoint parameter is newer than the epoch: a run switched and died before the bump.
    fakeParameterStore(ssmMock, { [EPOCH_PARAM]: "7", [ENDPOINT_PARAM]: A });
    const result = await handlerFor()();
    assert.equal(result.epoch, "8");
    assert.deepEqual(endpointWrites(), [[EPOCH_PARAM, "8"]]);
  });

  it("starts no round it cannot finish before the Lambda deadline", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    const handler = handlerFor({ rounds: 3, roundIntervalMs: 1000 });
    const result = await handler({}, { getRemainingTimeInMillis: () => 5000 });
    assert.equal(result.rounds.length, 1);
    assert.ok(logs.lines().some((l) => l.message === "rounds cut short by the deadline"));
  });

  it("spaces rounds by roundIntervalMs, start to start", async () => {
    fakeParameterStore(ssmMock, { [ENDPOINT_PARAM]: A, [EPOCH_PARAM]: "4" });
    const waits: number[] = [];
    const handler = createSearchHealthHandler(settings({ rounds: 3, roundIntervalMs: 300 }), {
      ssm,
      cloudwatch,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await handler();
    assert.equal(waits.length, 2);
    assert.ok(waits[0] > 0 && waits[0] <= 300, `first wait ${waits[0]}`);
    assert.ok(waits[1] > 300 && waits[1] <= 600, `second wait ${waits[1]}`);
  });

  it("rejects settings that cannot work, naming the setting", () => {
    assert.throws(
      () => resolveSearchHealthSettings(settings({ endpoints: [] })),
      /endpoints is empty/,
    );
    assert.throws(() => resolveSearchHealthSettings(settings({ endpoints: [A, A] })), /duplicates/);
    assert.throws(
      () => resolveSearchHealthSettings(settings({ failureThreshold: 0 })),
      /failureThreshold is 0/,
    );
    assert.throws(
      () => resolveSearchHealthSettings(settings({ rounds: 2, roundIntervalMs: 100 })),
      /roundIntervalMs is 100, expected >= timeoutMs \(200\)/,
    );
    assert.equal(
      plannedSweepMs({
        ...settings(),
        timeoutMs: undefined,
        rounds: undefined,
        roundIntervalMs: undefined,
      }),
      45_000,
    );
  });
});
