// The failover request event: EventBridge-shaped, so it can come from the orchestrator's own
// event bus, an async Invoke or the detector in-process alike. Validation is total: anything that
// is not exactly a request for THIS region, from the detector in OUR account, recent and
// well-typed, is rejected with a reason, before anything is read or written.
//
// Only the detector may request a promotion by event. An event cannot say who sent it (an
// EventBridge event carries no caller identity, and neither does a Lambda invocation), so an
// operator's name in one would be self-declared: operators promote with the CLI instead, whose
// every call AWS signs and CloudTrail attributes, and whose audit records the caller's ARN from
// sts:GetCallerIdentity. The detector's requests are authenticated twice over: its bus admits
// only the detector's role (regionFailover.ts), and the orchestrator acts only on a quorum
// decision the detector recorded in the authority table, which only the detector's role may write.
import type { PromotionMode } from "./authority";
import type { RegionFailoverSettings } from "./settings";
import { LOG_EVENTS } from "../contractLog";

/**
 * Every source of ours starts with this: the tripwire rule on the default bus matches it
 * (components/regionFailover.ts), since none of ours sends an event there.
 */
export const EVENT_SOURCE_PREFIX = "magento-dr.";
export const DETECTOR_SOURCE = `${EVENT_SOURCE_PREFIX}detector`;
/** Refused by the orchestrator (see above); events with it on the default bus page operators. */
export const OPERATOR_SOURCE = `${EVENT_SOURCE_PREFIX}operator`;
/** The log event of a refused request; a metric filter on it pages operators. */
export const REJECTED_EVENT = LOG_EVENTS.rejected;
export const FAILOVER_DETAIL_TYPE = "RegionFailoverRequested";

/** Clock skew tolerated on an event's timestamp. */
const FUTURE_SKEW_MS = 60_000;

export interface FailoverRequestDetail {
  incidentId: string;
  mode: PromotionMode;
  failedRegion: string;
  targetRegion: string;
  /** The authority epoch the request was decided against. */
  epoch: number;
}

export interface FailoverEvent {
  id: string;
  source: typeof DETECTOR_SOURCE;
  account: string;
  region: string;
  time: string;
  "detail-type": typeof FAILOVER_DETAIL_TYPE;
  detail: FailoverRequestDetail;
}

export type ParsedEvent =
  { ok: true; event: FailoverEvent; timeMs: number } | { ok: false; reason: string; field: string };

const INCIDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export function parseFailoverEvent(
  input: unknown,
  settings: RegionFailoverSettings,
  now: number,
): ParsedEvent {
  const fail = (field: string, reason: string): ParsedEvent => ({ ok: false, field, reason });
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return fail("event", "not an object");
  }
  const e = input as Record<string, unknown>;
  if (e.source === OPERATOR_SOURCE) {
    return fail(
      "source",
      "operator requests by event are refused (an event cannot prove its sender): use npm run promote",
    );
  }
  if (e.source !== DETECTOR_SOURCE) {
    return fail("source", `unknown source ${JSON.stringify(e.source)}`);
  }
  if (e["detail-type"] !== FAILOVER_DETAIL_TYPE) {
    return fail("detail-type", `expected ${FAILOVER_DETAIL_TYPE}`);
  }
  if (e.account !== settings.accountId) {
    return fail("account", `account ${JSON.stringify(e.account)} is not ${settings.accountId}`);
  }
  if (typeof e.id !== "string" || e.id === "") return fail("id", "missing event id");
  const timeMs = typeof e.time === "string" ? Date.parse(e.time) : NaN;
  if (!Number.isFinite(timeMs)) return fail("time", "missing or unparseable time");
  if (now - timeMs > settings.maxEventAgeMs) {
    return fail(
      "time",
      `event is ${Math.round((now - timeMs) / 1000)} s old (limit ${settings.maxEventAgeMs / 1000} s)`,
    );
  }
  if (timeMs - now > FUTURE_SKEW_MS) return fail("time", "event is from the future");
  const d = e.detail;
  if (typeof d !== "object" || d === null || Array.isArray(d))
    return fail("detail", "missing detail");
  const detail = d as Record<string, unknown>;
  if (typeof detail.incidentId !== "string" || !INCIDENT_ID.test(detail.incidentId)) {
    return fail("detail.incidentId", "expected 1-128 characters of [A-Za-z0-9._:@-]");
  }
  if (detail.mode !== "planned" && detail.mode !== "unplanned") {
    return fail("detail.mode", `expected "planned" or "unplanned"`);
  }
  if (typeof detail.failedRegion !== "string" || !settings.regions.includes(detail.failedRegion)) {
    return fail("detail.failedRegion", `unknown region ${JSON.stringify(detail.failedRegion)}`);
  }
  if (detail.failedRegion === settings.localRegion) {
    return fail("detail.failedRegion", "this region cannot fail over to itself");
  }
  if (detail.targetRegion !== settings.localRegion) {
    return fail("detail.targetRegion", `this orchestrator promotes only ${settings.localRegion}`);
  }
  if (typeof detail.epoch !== "number" || !Number.isSafeInteger(detail.epoch) || detail.epoch < 0) {
    return fail("detail.epoch", "expected a non-negative integer");
  }
  if (detail.mode !== "unplanned") {
    return fail("detail.mode", "the detector only requests unplanned failovers");
  }
  return { ok: true, event: input as FailoverEvent, timeMs };
}

export function buildFailoverEvent(options: {
  source: FailoverEvent["source"];
  accountId: string;
  region: string;
  now: number;
  detail: FailoverRequestDetail;
}): FailoverEvent {
  return {
    id: `${options.detail.incidentId}@${options.now}`,
    source: options.source,
    account: options.accountId,
    region: options.region,
    time: new Date(options.now).toISOString(),
    "detail-type": FAILOVER_DETAIL_TYPE,
    detail: options.detail,
  };
}

/** The incident id the detector uses: the same for every run and every detector at one epoch,
 * so concurrent triggers for one outage are one incident. */
export const automaticIncidentId = (from: string, to: string, epoch: number) =>
  `auto-${from}-to-${to}-epoch-${epoch}`;
