// Quorum detection: is the active region down, as seen from several independent places?
//
// TWO KINDS OF SIGNAL (docs/detection.md, "Two kinds of signal"):
//  - the SHALLOW signal, "the region serves HTTP": `/dr-shallow`, answered by nginx on the
//    instances through the ALB without PHP, MySQL, Redis or OpenSearch. Only its loss decides
//    the fast quorum below;
//  - the DEEP signal, Magento's health_check.php, which fails whenever MySQL or Redis is briefly
//    unreachable: an RDS Multi-AZ failover takes "typically 60–120 seconds" (RDS User Guide,
//    "Failing over a Multi-AZ DB instance for Amazon RDS"), an ElastiCache Multi-AZ failover
//    some downtime too (ElastiCache User Guide, "Minimizing downtime in ElastiCache by using
//    Multi-AZ with Valkey and Redis OSS"), and so does a bad deploy. A deep failure with the
//    shallow signal healthy is an in-region problem: it is alerted on at once ("degraded") and
//    pages humans ("page-humans") only after `deepDwellMs`, longer than the worst documented
//    in-region recovery, and never while the source region reports its own RDS or ElastiCache
//    failover or maintenance events (the veto). It never promotes by itself: the automation
//    cannot tell a lasting data-tier loss from a bad deploy, and a failover moves the deploy.
//
// Three vantage points, each reporting the shallow signal "healthy" | "failed" | "unknown":
//  - standby-canary: this region's Lambda probing the active region's public shallow URL;
//  - witness: a canary in a third region, whose verdicts are stored in the authority table;
//  - route53: Route 53's own health-check status for the active region's ALB (a global API
//    served from us-east-1, so it may be unreadable exactly when it matters). Its check asks
//    `/dr-serving`, which also reports maintenance, so it corroborates but never decides.
// A vantage point reports "failed" only after N consecutive failed probes (counts persist across
// runs in the authority table), so a flapping endpoint never reaches it.
//
// THE RULE FOR UNKNOWNS (tested in test/region/detection.test.ts):
//  - "unknown" never counts as failed, and never as healthy;
//  - failover needs the shallow signal "failed" from BOTH the standby canary and the witness
//    (quorum 2), and from Route 53 as well with quorum 3;
//  - if one of those required vantage points is unknown, the quorum cannot be reached either
//    way: no failover, and an "insufficient-signals" alert, because a blind detector is an
//    incident;
//  - quorum reached but the standby itself is not ready (or its readiness is unknown): no
//    promotion into an unhealthy target; humans are paged;
//  - anything short of quorum with some failure seen is "degraded": an alert, never a failover.
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { signalsKey, witnessKey } from "../contractAuthority";

export type SignalStatus = "healthy" | "failed" | "unknown";
export type Vantage = "standby-canary" | "witness" | "route53";

export interface SignalReading {
  vantage: Vantage;
  status: SignalStatus;
  /** Consecutive failures seen so far (0 when healthy or unknown). */
  consecutiveFailures: number;
  detail: string;
}

export type DetectionAction =
  "none" | "degraded" | "insufficient-signals" | "page-humans" | "failover" | "held";

export interface DetectionDecision {
  action: DetectionAction;
  failed: Vantage[];
  known: Vantage[];
  reason: string;
}

/** A vantage point's verdict from its consecutive-failure count. */
export function verdictFromCount(consecutiveFailures: number, threshold: number): SignalStatus {
  return consecutiveFailures >= threshold ? "failed" : "healthy";
}

/** The vantage points whose shallow verdicts must all be "failed" for a failover. */
export function requiredVantages(quorum: number): Vantage[] {
  return quorum >= 3 ? ["standby-canary", "witness", "route53"] : ["standby-canary", "witness"];
}

/** The deep signal (Magento's health check) as the standby canary sees it. */
export interface DeepReading {
  /** Its last probe failed. */
  failing: boolean;
  /** How long it has failed without a success in between (0 at the first failure). */
  failingForMs: number;
  detail: string;
  /** The source region's own in-region recovery being reported (RDS/ElastiCache events);
   * undefined when none is, or when the source could not be read (inRegionEvents.ts). */
  veto?: string;
}

export function decide(input: {
  readings: SignalReading[];
  quorum: number;
  /** The standby's own readiness to take traffic; "unknown" when the check itself failed. */
  localReady: boolean | "unknown";
  deep?: DeepReading;
  /** A deep failure pages humans once it has lasted this long (and no veto stands). */
  deepDwellMs?: number;
}): DetectionDecision {
  const known = input.readings.filter((r) => r.status !== "unknown").map((r) => r.vantage);
  const failed = input.readings.filter((r) => r.status === "failed").map((r) => r.vantage);
  const suspect = input.readings.some((r) => r.status === "healthy" && r.consecutiveFailures > 0);
  const base = { failed, known };
  const required = requiredVantages(input.quorum);
  const status = (v: Vantage) => input.readings.find((r) => r.vantage === v)?.status ?? "unknown";
  if (required.every((v) => status(v) === "failed")) {
    if (input.localReady !== true) {
      return {
        ...base,
        action: "page-humans",
        reason:
          `active region failed by quorum (${failed.join(", ")}) but this region is not ready ` +
          `(${input.localReady === false ? "unhealthy" : "readiness unknown"}): no promotion`,
      };
    }
    return { ...base, action: "failover", reason: `quorum failed: ${failed.join(", ")}` };
  }
  const blind = required.filter((v) => status(v) === "unknown");
  if (blind.length > 0) {
    return {
      ...base,
      action: "insufficient-signals",
      reason: `${blind.join(", ")} unreadable: a failover needs the shallow signal from ${required.join(" and ")}`,
    };
  }
  const deep = input.deep;
  if (deep?.failing) {
    const dwell = input.deepDwellMs ?? Number.POSITIVE_INFINITY;
    const seconds = Math.round(deep.failingForMs / 1000);
    if (deep.failingForMs >= dwell && !deep.veto) {
      return {
        ...base,
        action: "page-humans",
        reason:
          `deep check failing for ${seconds} s (${deep.detail}) while the region serves HTTP: ` +
          `longer than any documented in-region recovery (${Math.round(dwell / 1000)} s). Not ` +
          "promoted automatically (a bad deploy would follow to the standby): decide, and run " +
          '"npm run promote -- unplanned" if the data tier is lost',
      };
    }
    return {
      ...base,
      action: "degraded",
      reason:
        `deep check failing for ${seconds} s (${deep.detail}), shallow signal answering: ` +
        (deep.veto
          ? `in-region recovery reported by the source (${deep.veto}): no escalation`
          : `in-region recovery window, pages humans after ${Math.round(dwell / 1000)} s`),
    };
  }
  if (failed.length > 0 || suspect) {
    return {
      ...base,
      action: "degraded",
      reason:
        failed.length > 0
          ? `failed from ${failed.join(", ")} only: below quorum ${input.quorum}`
          : "failures seen, none reached the consecutive threshold",
    };
  }
  return { ...base, action: "none", reason: "active region healthy" };
}

/** What the standby's detector persists between runs (pk = "signals#<region>"). */
export interface DetectorState {
  /** The active region these counts are about; counts reset when it changes. */
  target: string;
  canaryFailures: number;
  route53Failures: number;
  lastAction: DetectionAction;
  decidedAt: number;
  /** The authority epoch the decision was made against. */
  epoch: number;
  /** When the deep check started failing without a success since; 0 (or absent) when healthy. */
  deepFailingSince?: number;
}

/** What a witness persists (pk = "witness#<witness region>"). */
export interface WitnessState {
  target: string;
  consecutiveFailures: number;
  observedAt: number;
}

export { signalsKey, witnessKey };

/** Detection state in the authority table: one small item per observer. */
export class SignalStore {
  constructor(private readonly options: { client: DynamoDBClient; tableName: string }) {}

  async readDetector(region: string, signal?: AbortSignal): Promise<DetectorState | undefined> {
    const item = await this.get(signalsKey(region), signal);
    if (!item) return undefined;
    return {
      target: item.target?.S ?? "",
      canaryFailures: Number(item.canaryFailures?.N ?? 0),
      route53Failures: Number(item.route53Failures?.N ?? 0),
      lastAction: (item.lastAction?.S as DetectionAction | undefined) ?? "none",
      decidedAt: Number(item.decidedAt?.N ?? 0),
      epoch: Number(item.epoch?.N ?? 0),
      deepFailingSince: Number(item.deepFailingSince?.N ?? 0),
    };
  }

  async writeDetector(region: string, state: DetectorState, signal?: AbortSignal): Promise<void> {
    await this.put(
      signalsKey(region),
      {
        target: { S: state.target },
        canaryFailures: { N: String(state.canaryFailures) },
        route53Failures: { N: String(state.route53Failures) },
        lastAction: { S: state.lastAction },
        decidedAt: { N: String(state.decidedAt) },
        epoch: { N: String(state.epoch) },
        deepFailingSince: { N: String(state.deepFailingSince ?? 0) },
      },
      signal,
    );
  }

  async readWitness(region: string, signal?: AbortSignal): Promise<WitnessState | undefined> {
    const item = await this.get(witnessKey(region), signal);
    if (!item) return undefined;
    return {
      target: item.target?.S ?? "",
      consecutiveFailures: Number(item.consecutiveFailures?.N ?? 0),
      observedAt: Number(item.observedAt?.N ?? 0),
    };
  }

  async writeWitness(region: string, state: WitnessState, signal?: AbortSignal): Promise<void> {
    await this.put(
      witnessKey(region),
      {
        target: { S: state.target },
        consecutiveFailures: { N: String(state.consecutiveFailures) },
        observedAt: { N: String(state.observedAt) },
      },
      signal,
    );
  }

  private async get(pk: string, signal?: AbortSignal) {
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: pk } },
        ConsistentRead: true,
      }),
      { abortSignal: signal },
    );
    return out.Item;
  }

  private async put(pk: string, fields: Record<string, AttributeValue>, signal?: AbortSignal) {
    await this.options.client.send(
      new PutItemCommand({ TableName: this.options.tableName, Item: { pk: { S: pk }, ...fields } }),
      { abortSignal: signal },
    );
  }
}

/** The witness's reading as the standby sees it: stale, absent or about another region → unknown. */
export function witnessReading(
  state: WitnessState | undefined,
  target: string,
  threshold: number,
  maxAgeMs: number,
  now: number,
): SignalReading {
  if (!state)
    return { vantage: "witness", status: "unknown", consecutiveFailures: 0, detail: "no verdict" };
  if (state.target !== target) {
    return {
      vantage: "witness",
      status: "unknown",
      consecutiveFailures: 0,
      detail: `verdict is about ${state.target}, not ${target}`,
    };
  }
  const ageMs = now - state.observedAt;
  if (ageMs > maxAgeMs) {
    return {
      vantage: "witness",
      status: "unknown",
      consecutiveFailures: 0,
      detail: `verdict ${Math.round(ageMs / 1000)} s old`,
    };
  }
  return {
    vantage: "witness",
    status: verdictFromCount(state.consecutiveFailures, threshold),
    consecutiveFailures: state.consecutiveFailures,
    detail: `${state.consecutiveFailures} consecutive failures`,
  };
}
