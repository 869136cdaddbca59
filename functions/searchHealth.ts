// Scheduled search health checker: probes every configured OpenSearch endpoint several times per
// invocation, keeps consecutive counts across invocations, points Magento's search endpoint
// parameter at a healthy endpoint (with hysteresis) and publishes health metrics for the alarms and
// the region-failover detector.
//
// Error contract: SSM reads and the switch's writes throw (the scheduled run fails visibly and the
// next minute starts again from the stored parameters). A PutMetricData failure does not stop the
// rounds or the state write, but the invocation still throws at the end: a detector without
// metrics must not look like a healthy one.
import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { SSMClient } from "@aws-sdk/client-ssm";
import { clientConfig, lazy } from "./awsClients";
import { LOG_TIER_FUNCTIONS } from "./contractLog";
import { METRIC_DIMENSIONS, METRIC_NAMESPACES, SEARCH_METRICS } from "./contractMetrics";
import { logEvent } from "./log";
import { Decision, decide, HealthState, parseState, Thresholds } from "./searchDecision";
import { DEFAULT_HEALTH_PATH, ProbeOptions, ProbeResult, sweep } from "./searchProbe";
import { SsmStateStore, StateStore } from "./searchState";
import { bumpEpoch, modifiedAfter, readParameters, writeString } from "./ssmParameters";

export interface SearchHealthSettings {
  region: string;
  /** Endpoints by priority, first preferred: host names (HTTPS) or base URLs with a scheme. */
  endpoints: string[];
  /** SSM parameter Magento reads the search endpoint from; holds one of `endpoints` verbatim. */
  endpointParameterName: string;
  /** SSM parameter the instances' endpoint watcher follows; bumped after a switch. */
  epochParameterName: string;
  /** SSM parameter holding the counters document (see SsmStateStore). */
  stateParameterName: string;
  /** @default METRIC_NAMESPACES.search ("MagentoDR/Search") */
  metricNamespace?: string;
  /** Per-probe deadline (connect, headers and body). @default 5000 */
  timeoutMs?: number;
  /** Probe rounds per invocation, so detection is not bounded by the 1-minute schedule. @default 3 */
  rounds?: number;
  /** Start-to-start spacing of rounds; at least timeoutMs. @default 20000 */
  roundIntervalMs?: number;
  /** Consecutive failures before the current endpoint is abandoned. @default 3 */
  failureThreshold?: number;
  /** Consecutive successes before moving back to a higher-priority endpoint. @default 5 */
  recoveryThreshold?: number;
  /** @default "healthy" */
  yellowIs?: "healthy" | "failed";
  /** @default "/_cluster/health" */
  healthPath?: string;
}

export type ResolvedSearchHealthSettings = Required<SearchHealthSettings>;

export interface SearchHealthDeps {
  ssm?: SSMClient;
  cloudwatch?: CloudWatchClient;
  /** @default an SsmStateStore on settings.stateParameterName */
  store?: StateStore;
  /** Headers for each sweep, e.g. a signed Authorization header when the domain requires one. */
  requestHeaders?: () => Promise<Record<string, string>>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** The part of the Lambda context the checker uses to stop starting rounds it cannot finish. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

export interface RoundReport {
  results: ProbeResult[];
  decision: Decision;
}

export interface SearchHealthResult {
  outcome: "healthy" | "degraded" | "switched" | "no-healthy-candidate" | "unmanaged";
  current: string | undefined;
  /** The epoch written by this invocation, if any. */
  epoch?: string;
  stateWritten: boolean;
  rounds: RoundReport[];
}

export { SEARCH_METRICS };

// Time kept free at the end of an invocation for the SSM and CloudWatch writes.
const WRITE_RESERVE_MS = 10_000;

function positiveInteger(key: keyof SearchHealthSettings, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(
      `search health setting ${key} is ${JSON.stringify(value)}, expected an integer >= 1`,
    );
  }
  return value;
}

/** Defaults applied and every value checked; throws naming the setting, the value and the rule. */
export function resolveSearchHealthSettings(s: SearchHealthSettings): ResolvedSearchHealthSettings {
  if (s.endpoints.length === 0) throw new Error("search health setting endpoints is empty");
  if (new Set(s.endpoints).size !== s.endpoints.length) {
    throw new Error(`search health setting endpoints has duplicates: ${s.endpoints.join(", ")}`);
  }
  const resolved: ResolvedSearchHealthSettings = {
    ...s,
    metricNamespace: s.metricNamespace ?? METRIC_NAMESPACES.search,
    timeoutMs: positiveInteger("timeoutMs", s.timeoutMs ?? 5000),
    rounds: positiveInteger("rounds", s.rounds ?? 3),
    roundIntervalMs: positiveInteger("roundIntervalMs", s.roundIntervalMs ?? 20_000),
    failureThreshold: positiveInteger("failureThreshold", s.failureThreshold ?? 3),
    recoveryThreshold: positiveInteger("recoveryThreshold", s.recoveryThreshold ?? 5),
    yellowIs: s.yellowIs ?? "healthy",
    healthPath: s.healthPath ?? DEFAULT_HEALTH_PATH,
  };
  if (resolved.rounds > 1 && resolved.roundIntervalMs < resolved.timeoutMs) {
    throw new Error(
      `search health setting roundIntervalMs is ${resolved.roundIntervalMs}, expected >= timeoutMs (${resolved.timeoutMs})`,
    );
  }
  return resolved;
}

/**
 * The longest the probing part of one invocation takes; the Lambda timeout should exceed it by
 * the SDK budget (about 15 s), and stay under the schedule period so runs do not overlap.
 */
export function plannedSweepMs(settings: SearchHealthSettings): number {
  const s = resolveSearchHealthSettings(settings);
  return (s.rounds - 1) * s.roundIntervalMs + s.timeoutMs;
}

function metricData(results: ProbeResult[], tierHealthy: boolean | undefined, at: Date) {
  const data: MetricDatum[] = results.map((r) => ({
    MetricName: SEARCH_METRICS.endpointHealth,
    Dimensions: [{ Name: METRIC_DIMENSIONS.endpoint, Value: r.endpoint }],
    Value: r.healthy ? 1 : 0,
    Unit: "None",
    Timestamp: at,
  }));
  // Without a managed current endpoint there is no tier health to report: publishing 0 would
  // trip the region-failover detector over a configuration problem.
  if (tierHealthy !== undefined) {
    data.push({
      MetricName: SEARCH_METRICS.tierHealth,
      Value: tierHealthy ? 1 : 0,
      Unit: "None",
      Timestamp: at,
    });
  }
  return data;
}

/** False when a round needing `needMs` would leave too little time for the final writes. */
function roundFits(context: InvocationContext | undefined, needMs: number): boolean {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined || remaining >= needMs + WRITE_RESERVE_MS;
}

/** Returns the error instead of throwing: a metrics outage must not stop the switching logic. */
async function publishHealth(
  cloudwatch: CloudWatchClient,
  namespace: string,
  results: ProbeResult[],
  tierHealthy: boolean | undefined,
  at: Date,
): Promise<unknown> {
  try {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: metricData(results, tierHealthy, at),
      }),
    );
    return undefined;
  } catch (error) {
    logEvent({
      fn: LOG_TIER_FUNCTIONS.searchHealth,
      level: "error",
      message: "PutMetricData failed",
      error,
    });
    return error;
  }
}

function roundLevel(decision: Decision, results: ProbeResult[]): "info" | "warn" | "error" {
  if (decision.kind === "unmanaged" || decision.kind === "no-healthy-candidate") return "error";
  return decision.kind === "stay" && results.every((r) => r.healthy) ? "info" : "warn";
}

function outcomeOf(rounds: RoundReport[], switched: boolean): SearchHealthResult["outcome"] {
  if (switched) return "switched";
  const last = rounds[rounds.length - 1];
  if (last.decision.kind === "unmanaged" || last.decision.kind === "no-healthy-candidate") {
    return last.decision.kind;
  }
  return last.results.every((r) => r.healthy) ? "healthy" : "degraded";
}

/**
 * The Lambda handler for the 1-minute schedule. Build it once per container (e.g. in a
 * CallbackFunction's callbackFactory); clients are created on first use unless given in `deps`.
 */
export function createSearchHealthHandler(
  settings: SearchHealthSettings,
  deps: SearchHealthDeps = {},
): (event?: unknown, context?: InvocationContext) => Promise<SearchHealthResult> {
  const s = resolveSearchHealthSettings(settings);
  const thresholds: Thresholds = {
    failureThreshold: s.failureThreshold,
    recoveryThreshold: s.recoveryThreshold,
  };
  const ssm = lazy(() => deps.ssm ?? new SSMClient(clientConfig(s.region)));
  const cloudwatch = lazy(() => deps.cloudwatch ?? new CloudWatchClient(clientConfig(s.region)));
  const store = deps.store ?? new SsmStateStore(ssm, s.stateParameterName);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? (() => new Date());
  const logBase = { fn: LOG_TIER_FUNCTIONS.searchHealth };

  return async (_event?: unknown, context?: InvocationContext): Promise<SearchHealthResult> => {
    const [stored, document] = await Promise.all([
      readParameters(ssm(), [s.endpointParameterName, s.epochParameterName]),
      store.get(),
    ]);
    let current = stored.get(s.endpointParameterName)?.value;
    let epoch: string | undefined;
    // A previous run switched the endpoint but died before bumping the epoch: finish it first.
    if (modifiedAfter(stored.get(s.endpointParameterName), stored.get(s.epochParameterName))) {
      epoch = await bumpEpoch(ssm(), s.epochParameterName);
      logEvent({
        ...logBase,
        level: "warn",
        message: "bumped an epoch a previous run owed",
        epoch,
      });
    }
    const initial = parseState(document, s.endpoints);
    let state: HealthState = initial;
    let switched = false;
    let metricsError: unknown;
    const rounds: RoundReport[] = [];
    const started = Date.now();

    for (let round = 0; round < s.rounds; round++) {
      const wait = Math.max(0, started + round * s.roundIntervalMs - Date.now());
      if (round > 0 && !roundFits(context, wait + s.timeoutMs)) {
        logEvent({ ...logBase, level: "warn", message: "rounds cut short by the deadline", round });
        break;
      }
      if (wait > 0) await sleep(wait);

      const probe: ProbeOptions = {
        timeoutMs: s.timeoutMs,
        yellowIs: s.yellowIs,
        path: s.healthPath,
        headers: deps.requestHeaders ? await deps.requestHeaders() : undefined,
      };
      const results = await sweep(s.endpoints, probe);
      const step = decide({
        state,
        current,
        observations: results,
        endpoints: s.endpoints,
        thresholds,
      });
      state = step.state;
      const { decision } = step;
      if (decision.kind === "switch") {
        // Endpoint first, epoch last: the watcher reloads on the epoch and must see the new value.
        await writeString(ssm(), s.endpointParameterName, decision.to);
        epoch = await bumpEpoch(ssm(), s.epochParameterName);
        current = decision.to;
        switched = true;
      }
      const tierHealthy =
        decision.kind === "unmanaged"
          ? undefined
          : results.some((r) => r.endpoint === current && r.healthy);
      const published = await publishHealth(
        cloudwatch(),
        s.metricNamespace,
        results,
        tierHealthy,
        now(),
      );
      metricsError = published ?? metricsError;
      logEvent({ ...logBase, level: roundLevel(decision, results), round, decision, results });
      rounds.push({ results, decision });
    }

    const stateWritten = JSON.stringify(state) !== JSON.stringify(initial);
    if (stateWritten) await store.put(state);
    const result: SearchHealthResult = {
      outcome: outcomeOf(rounds, switched),
      current,
      ...(epoch === undefined ? {} : { epoch }),
      stateWritten,
      rounds,
    };
    logEvent({ ...logBase, level: "info", outcome: result.outcome, current, epoch, stateWritten });
    if (metricsError !== undefined) {
      throw new Error("search health metrics could not be published", { cause: metricsError });
    }
    return result;
  };
}
