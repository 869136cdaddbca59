// Which search endpoint Magento should use, from consecutive probe outcomes. Pure: no I/O, no
// clock, so every switching rule is tested without servers or mocks.
//
// Rules (endpoints are listed by priority, first preferred):
// - counters are consecutive failures / successes per endpoint, kept across invocations;
// - the current endpoint is abandoned only after `failureThreshold` consecutive failures
//   (a flapping endpoint never gets there);
// - a forced move goes to the first endpoint by priority that is *settled*: healthy in the last
//   probe and, if it ranks above the current one, healthy `recoveryThreshold` times in a row.
//   When none is settled, it goes to the first endpoint whose last probe was healthy anyway:
//   a recovering endpoint beats a dead one. When none answered healthy, nothing moves: never
//   point at an unhealthy target;
// - a voluntary move back to a higher-priority endpoint needs `recoveryThreshold` consecutive
//   successes of that endpoint.

export interface EndpointCounters {
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface HealthState {
  version: 1;
  endpoints: Record<string, EndpointCounters>;
}

export interface Thresholds {
  failureThreshold: number;
  recoveryThreshold: number;
}

export interface Observation {
  endpoint: string;
  healthy: boolean;
}

export type Decision =
  | { kind: "stay"; current: string; reason: string }
  | { kind: "switch"; from: string; to: string; reason: string }
  | { kind: "no-healthy-candidate"; current: string; reason: string }
  | { kind: "unmanaged"; current: string | undefined; reason: string };

const ZERO: EndpointCounters = { consecutiveFailures: 0, consecutiveSuccesses: 0 };

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function property(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The stored document as state for exactly the configured endpoints, in their order. Anything
 * malformed counts as zero: losing counts only delays a switch, it never causes one.
 */
export function parseState(document: unknown, endpoints: readonly string[]): HealthState {
  const stored = property(document, "version") === 1 ? property(document, "endpoints") : undefined;
  const state: HealthState = { version: 1, endpoints: {} };
  for (const endpoint of endpoints) {
    const failures = property(property(stored, endpoint), "consecutiveFailures");
    const successes = property(property(stored, endpoint), "consecutiveSuccesses");
    state.endpoints[endpoint] =
      isCount(failures) && isCount(successes)
        ? { consecutiveFailures: failures, consecutiveSuccesses: successes }
        : { ...ZERO };
  }
  return state;
}

/**
 * Counters after one round of observations. They saturate at the larger threshold, so a steady
 * state stops changing and the state document is not rewritten every minute.
 */
export function countObservations(
  state: HealthState,
  observations: readonly Observation[],
  thresholds: Thresholds,
): HealthState {
  const cap = Math.max(thresholds.failureThreshold, thresholds.recoveryThreshold);
  const next: HealthState = { version: 1, endpoints: { ...state.endpoints } };
  for (const { endpoint, healthy } of observations) {
    const c = next.endpoints[endpoint] ?? ZERO;
    next.endpoints[endpoint] = healthy
      ? { consecutiveFailures: 0, consecutiveSuccesses: Math.min(c.consecutiveSuccesses + 1, cap) }
      : { consecutiveFailures: Math.min(c.consecutiveFailures + 1, cap), consecutiveSuccesses: 0 };
  }
  return next;
}

/** Applies the switching rules to the counters (see the top of this file). */
export function chooseEndpoint(
  state: HealthState,
  current: string | undefined,
  endpoints: readonly string[],
  thresholds: Thresholds,
): Decision {
  const rank = current === undefined ? -1 : endpoints.indexOf(current);
  if (current === undefined || rank < 0) {
    return {
      kind: "unmanaged",
      current,
      reason: `current endpoint ${JSON.stringify(current)} is not a configured endpoint`,
    };
  }
  const counters = (endpoint: string) => state.endpoints[endpoint] ?? ZERO;
  const settled = (endpoint: string, index: number) =>
    counters(endpoint).consecutiveSuccesses >= (index < rank ? thresholds.recoveryThreshold : 1);
  const failures = counters(current).consecutiveFailures;

  if (failures >= thresholds.failureThreshold) {
    const others = endpoints.filter((e) => e !== current);
    const target =
      others.find((e) => settled(e, endpoints.indexOf(e))) ??
      others.find((e) => counters(e).consecutiveSuccesses >= 1);
    if (target === undefined) {
      return {
        kind: "no-healthy-candidate",
        current,
        reason: `current failed ${failures} times in a row and no other endpoint is healthy`,
      };
    }
    return {
      kind: "switch",
      from: current,
      to: target,
      reason: `current failed ${failures} times in a row`,
    };
  }

  const preferred = endpoints.slice(0, rank).find((e, index) => settled(e, index));
  if (preferred !== undefined) {
    return {
      kind: "switch",
      from: current,
      to: preferred,
      reason: `higher-priority endpoint healthy ${counters(preferred).consecutiveSuccesses} times in a row`,
    };
  }
  return { kind: "stay", current, reason: failures > 0 ? `${failures} failure(s) in a row` : "ok" };
}

/** One round: count the probe outcomes, then decide. */
export function decide(input: {
  state: HealthState;
  current: string | undefined;
  observations: readonly Observation[];
  endpoints: readonly string[];
  thresholds: Thresholds;
}): { state: HealthState; decision: Decision } {
  const state = countObservations(input.state, input.observations, input.thresholds);
  return {
    state,
    decision: chooseEndpoint(state, input.current, input.endpoints, input.thresholds),
  };
}
