// The log line schema: one JSON object per line (functions/log.ts), read by the metric filters,
// the dashboard's Logs Insights query and operators. The field names and the values other code
// matches on are defined once here, in plain TypeScript (no Pulumi import);
// test/contractLog.test.ts pins them and checks the writers and the readers against them.

/** Fields of a line. The region functions' lines carry level, event, time, component, region. */
export const LOG_FIELDS = {
  level: "level",
  /** What happened, kebab-case (`event-rejected`): what metric filters match. */
  event: "event",
  /** ISO 8601, written by the logger (Lambda adds its own timestamp too). */
  time: "time",
  /** Which region function or CLI wrote it (LOG_COMPONENTS). */
  component: "component",
  region: "region",
  /** Which tier function wrote it (LOG_TIER_FUNCTIONS): their lines carry fn, not component. */
  fn: "fn",
  /** A handler's result, and why (the dashboard's "Last failover events" shows both). */
  outcome: "outcome",
  reason: "reason",
  /** The tier functions' prose, where a line has no event name. */
  message: "message",
} as const;

export type LogLevel = "debug" | "info" | "warn" | "error";

/** `component` of the region functions and of the operator CLI. */
export const LOG_COMPONENTS = {
  orchestrator: "region-orchestrator",
  detector: "region-detector",
  witness: "region-witness",
  fence: "region-fence",
  cli: "promote-cli",
  cliObserve: "promote-cli-observe",
} as const;

/** `fn` of the tier functions. */
export const LOG_TIER_FUNCTIONS = {
  cacheEndpointSync: "cacheEndpointSync",
  searchHealth: "searchHealth",
  searchReplication: "searchReplication",
} as const;

/** Events other code matches on. */
export const LOG_EVENTS = {
  /**
   * The orchestrator refused a request (forged, replayed, stale, malformed): a metric filter on its
   * log group counts these lines and pages (components/regionFailover.ts).
   */
  rejected: "event-rejected",
  /**
   * A detector run could not complete: a metric filter on its log group counts these lines, and
   * three minutes of them in a row page (components/regionFailover.ts).
   */
  detectorError: "detector-error",
} as const;
