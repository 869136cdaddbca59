// What the region-failover Lambdas need to know, as plain values the Pulumi program captures
// (strings and numbers only: no Pulumi objects, no secrets). `resolveSettings` fills defaults and
// rejects a bad value naming the field, before any handler runs.
import { DEFAULT_SDK_TIMEOUTS, SdkTimeouts } from "./clients";
import { REGION_GATE_METRICS, regionGateNamespace } from "../contractMetrics";

export interface RegionEndpoint {
  /** The DEEP signal: Magento's health check through the region's ALB (MySQL, Redis behind it);
   * the standby canary probes it, and its failure alone never promotes (detection.ts). */
  healthUrl: string;
  /** The SHALLOW signal: "the region serves HTTP", answered by nginx on the instances through
   * the ALB without PHP or any data store (`/dr-shallow`); its loss from both the standby canary
   * and the witness decides the fast quorum. */
  shallowUrl: string;
  /** The region's own database instance and cache replication group, whose RDS/ElastiCache
   * events veto a deep-check page while they report an in-region recovery (inRegionEvents.ts);
   * omit and there is no veto. */
  inRegionSources?: { databaseInstanceId: string; replicationGroupId: string };
  /** Route 53 health check on that ALB (an endpoint check: calculated checks have no status API). */
  route53HealthCheckId?: string;
}

export interface DetectionSettings {
  /** Consecutive failed probes before a vantage point reports "failed" (N). */
  failureThreshold: number;
  /** Vantage points that must report "failed" before a failover (of the three). */
  quorum: number;
  /** Probes per detector run; the detector runs once a minute, so this sets the cadence. */
  probesPerRun: number;
  /** Pause between probes inside one run. */
  probeIntervalMs: number;
  /** Timeout of one HTTP probe (AbortSignal). */
  probeTimeoutMs: number;
  /** The witness canary's region (a third region); omit and the witness is always "unknown". */
  witnessRegion?: string;
  /** A witness verdict older than this is "unknown". */
  witnessMaxAgeMs: number;
  /** Timeout of the Route 53 status read. */
  route53TimeoutMs: number;
  /** A deep failure with the shallow signal healthy pages humans once it lasted this long:
   * longer than the worst documented in-region recovery (RDS Multi-AZ failover "typically
   * 60–120 seconds", RDS User Guide, "Failing over a Multi-AZ DB instance for Amazon RDS";
   * a Multi-AZ minor version upgrade "several minutes", "Upgrading a DB instance engine
   * version"). At least 180 s. @default 600_000 */
  deepDwellMs: number;
  /** Source-region RDS/ElastiCache events this recent veto a deep-check page. @default 1_800_000 */
  inRegionEventWindowMs: number;
  /** Timeout of reading those events from the source region; unreadable means "no veto".
   * @default 3_000 */
  inRegionEventTimeoutMs: number;
}

export interface StepDeadlines {
  /** The whole promotion run; keep it below the Lambda timeout so the audit record is written. */
  overallMs: number;
  cacheMs: number;
  databaseMs: number;
  mediaMs: number;
  endpointsMs: number;
  capacityMs: number;
  gateMs: number;
  notifyMs: number;
  /** Invoking the search replication function (its own timeout is 120 s) and a page. */
  searchMs: number;
  /** Reading the RPO heartbeat (the reader function: a secret, a connection, a query, 3 s each). */
  lossWindowMs: number;
}

export interface RetrySettings {
  /** First pause of a poll or retry loop; doubles up to `maxDelayMs` (with jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** FailoverGlobalReplicationGroup attempts refused with InvalidGlobalReplicationGroupState
   * before an unplanned failover detaches the local group instead. */
  cacheFailoverAttempts: number;
  /** FailoverGlobalReplicationGroup attempts answered by any other error (a 5xx such as
   * InternalFailure, a timeout, an access error: not a validation error) before an unplanned
   * failover detaches instead: a second such answer says this path is broken with the primary
   * region down. @default 2 */
  cacheFailoverErrorAttempts: number;
}

export interface RegionFailoverSettings {
  project: string;
  /** The only account whose events are accepted. */
  accountId: string;
  /** The region this Lambda runs in and acts on: the standby being promoted. */
  localRegion: string;
  /** Every region of the deployment, in failover priority. */
  regions: string[];
  /** The active region before the authority table has ever been written. */
  initialActiveRegion: string;
  authority: { tableName: string; region: string };
  regionEndpoints: Record<string, RegionEndpoint>;
  cache: { globalReplicationGroupId: string; replicationGroupId: string };
  database: {
    instanceId: string;
    /** Passed to PromoteReadReplica: left out, AWS applies its default of 1 day (RDS API
     * Reference, PromoteReadReplica, BackupRetentionPeriod). @default 14 */
    backupRetentionDays?: number;
    /** Alarms that only mean something while the database is a replica (its ReplicaLag): their
     * actions are turned off once it is promoted (steps/standbyAlarms.ts). */
    standbyAlarmNames?: string[];
  };
  /** The local EFS file system that receives replication; omit when media is not replicated. */
  media?: { fileSystemId: string };
  /** SSM parameter names the instances render env.php from. */
  parameters: {
    dbWriter: string;
    cachePrimary: string;
    searchEndpoint: string;
    activeRegion: string;
    /** "on" keeps Magento in maintenance; promotion writes "off", the fence (fence.ts) "on". */
    maintenance: string;
    epoch: string;
  };
  /** The RPO heartbeat's reader function (functions/heartbeat/, in the VPC beside the database).
   * Omitted, the loss window is not measured and the replica's lag metric alone gates the RPO. */
  heartbeat?: { readerFunctionName: string };
  /** The local OpenSearch endpoint written to `parameters.searchEndpoint`. */
  searchEndpoint: string;
  /** The search step's function (in the VPC, beside the domain) and the parameter the instances
   * watch for a reindex request; omit when the region's domain follows no other. */
  search?: { replicationFunctionName: string; reindexParameter: string };
  capacity: { autoScalingGroupName: string; min: number; desired: number; max: number };
  /** The region gate: a metric in THIS region whose alarm feeds the PRIMARY record's health check. */
  gate: { namespace: string; metricName: string; dimensions: Record<string, string> };
  /** Published (same namespace) when the ASG does not reach its desired InService count in time. */
  capacityAlarmMetricName: string;
  /** Published (same namespace, dimension Track) when a track (cache, media...) fails. */
  trackAlarmMetricName: string;
  notifyTopicArn: string;
  /** Replication lag above this stops the automatic path for a human's approval. */
  rpoBudgetSeconds: number;
  detection: DetectionSettings;
  /** Promotion lease lifetime. Short, so a killed run is resumed within about two minutes (the
   * lease runs out, the detector's next run resumes); a live run renews it by a heartbeat. */
  leaseTtlMs: number;
  /** Interval of the promotion lease's heartbeat; at most a third of leaseTtlMs.
   * @default a quarter of leaseTtlMs (see leaseHeartbeatMs()) */
  leaseHeartbeatMs?: number;
  /** Events older than this are stale. */
  maxEventAgeMs: number;
  deadlines: StepDeadlines;
  retry: RetrySettings;
  sdk: SdkTimeouts;
}

type Defaulted =
  | "detection"
  | "leaseTtlMs"
  | "maxEventAgeMs"
  | "deadlines"
  | "retry"
  | "sdk"
  | "capacityAlarmMetricName"
  | "trackAlarmMetricName"
  | "gate"
  | "rpoBudgetSeconds";

export type RegionFailoverSettingsInput = Omit<RegionFailoverSettings, Defaulted> & {
  detection?: Partial<DetectionSettings>;
  leaseTtlMs?: number;
  maxEventAgeMs?: number;
  deadlines?: Partial<StepDeadlines>;
  retry?: Partial<RetrySettings>;
  sdk?: Partial<SdkTimeouts>;
  capacityAlarmMetricName?: string;
  trackAlarmMetricName?: string;
  gate?: Partial<RegionFailoverSettings["gate"]>;
  rpoBudgetSeconds?: number;
};

export const DEFAULT_DETECTION: DetectionSettings = {
  failureThreshold: 3,
  quorum: 2,
  probesPerRun: 4,
  probeIntervalMs: 15_000,
  probeTimeoutMs: 5_000,
  witnessMaxAgeMs: 180_000,
  route53TimeoutMs: 5_000,
  deepDwellMs: 600_000,
  inRegionEventWindowMs: 1_800_000,
  inRegionEventTimeoutMs: 3_000,
};

/** The longest documented in-region recovery a deep dwell must exceed: RDS Multi-AZ failover,
 * "typically 60–120 seconds", plus a minute of detection cadence. */
export const MIN_DEEP_DWELL_MS = 180_000;

/** Sized for a 900 s Lambda: the slowest step (RDS promotion) gets most of it. */
export const DEFAULT_DEADLINES: StepDeadlines = {
  overallMs: 780_000,
  cacheMs: 300_000,
  databaseMs: 600_000,
  // EFS: a deleted replication leaves the destination read-only for "several minutes".
  mediaMs: 600_000,
  endpointsMs: 60_000,
  capacityMs: 600_000,
  gateMs: 30_000,
  notifyMs: 15_000,
  searchMs: 150_000,
  lossWindowMs: 25_000,
};

/** A killed run's lease runs out within a minute; the detector (every minute) then resumes it. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

export const DEFAULT_RETRY: RetrySettings = {
  baseDelayMs: 2_000,
  maxDelayMs: 20_000,
  cacheFailoverAttempts: 3,
  cacheFailoverErrorAttempts: 2,
};

export class SettingsError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid region-failover settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

export function resolveSettings(input: RegionFailoverSettingsInput): RegionFailoverSettings {
  const settings: RegionFailoverSettings = {
    ...input,
    gate: {
      namespace: input.gate?.namespace ?? regionGateNamespace(input.project),
      metricName: input.gate?.metricName ?? REGION_GATE_METRICS.failoverActive,
      dimensions: input.gate?.dimensions ?? {},
    },
    capacityAlarmMetricName:
      input.capacityAlarmMetricName ?? REGION_GATE_METRICS.capacityNotReached,
    trackAlarmMetricName: input.trackAlarmMetricName ?? REGION_GATE_METRICS.trackFailed,
    rpoBudgetSeconds: input.rpoBudgetSeconds ?? 60,
    detection: { ...DEFAULT_DETECTION, ...input.detection },
    leaseTtlMs: input.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    maxEventAgeMs: input.maxEventAgeMs ?? 300_000,
    deadlines: { ...DEFAULT_DEADLINES, ...input.deadlines },
    retry: { ...DEFAULT_RETRY, ...input.retry },
    sdk: { ...DEFAULT_SDK_TIMEOUTS, ...input.sdk },
  };
  const problems = validate(settings);
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

function validate(s: RegionFailoverSettings): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, field: string, value: unknown, expected: string) => {
    if (!ok) problems.push(`${field} = ${JSON.stringify(value)}: expected ${expected}`);
  };
  const positive = (field: string, value: number) =>
    need(Number.isFinite(value) && value > 0, field, value, "a positive number");
  need(/^\d{12}$/.test(s.accountId), "accountId", s.accountId, "a 12-digit AWS account id");
  need(s.regions.length >= 2, "regions", s.regions, "at least two regions");
  need(s.regions.includes(s.localRegion), "localRegion", s.localRegion, "one of regions");
  need(
    s.regions.includes(s.initialActiveRegion),
    "initialActiveRegion",
    s.initialActiveRegion,
    "one of regions",
  );
  // The authority lives outside the shop regions by default (the witness region), so any
  // well-formed region is accepted; config.ts keeps it out of the home region.
  need(
    /^[a-z]{2}(-[a-z]+)+-\d$/.test(s.authority.region),
    "authority.region",
    s.authority.region,
    "an AWS region code such as us-west-2",
  );
  for (const region of s.regions) {
    need(
      typeof s.regionEndpoints[region]?.healthUrl === "string",
      `regionEndpoints.${region}.healthUrl`,
      s.regionEndpoints[region]?.healthUrl,
      "the region's public health URL",
    );
    need(
      typeof s.regionEndpoints[region]?.shallowUrl === "string",
      `regionEndpoints.${region}.shallowUrl`,
      s.regionEndpoints[region]?.shallowUrl,
      "the region's public shallow URL (nginx without PHP: /dr-shallow)",
    );
  }
  const d = s.detection;
  need(
    Number.isInteger(d.quorum) && d.quorum >= 2 && d.quorum <= 3,
    "detection.quorum",
    d.quorum,
    "2 or 3 (of the three vantage points)",
  );
  need(
    Number.isInteger(d.failureThreshold) && d.failureThreshold >= 2,
    "detection.failureThreshold",
    d.failureThreshold,
    "an integer >= 2 (one failed probe is never a regional outage)",
  );
  need(
    Number.isFinite(d.deepDwellMs) && d.deepDwellMs >= MIN_DEEP_DWELL_MS,
    "detection.deepDwellMs",
    d.deepDwellMs,
    `at least ${MIN_DEEP_DWELL_MS} (longer than an RDS Multi-AZ failover, typically 60–120 s)`,
  );
  positive("detection.inRegionEventWindowMs", d.inRegionEventWindowMs);
  positive("detection.inRegionEventTimeoutMs", d.inRegionEventTimeoutMs);
  for (const [key, value] of Object.entries(s.deadlines)) positive(`deadlines.${key}`, value);
  need(
    Number.isFinite(s.leaseTtlMs) && s.leaseTtlMs >= 1_000,
    "leaseTtlMs",
    s.leaseTtlMs,
    "at least 1000 (a lease must outlive a few DynamoDB round trips)",
  );
  const beat = leaseHeartbeatMs(s);
  need(
    Number.isFinite(beat) && beat > 0 && beat * 3 <= s.leaseTtlMs,
    "leaseHeartbeatMs",
    beat,
    `a positive number at most a third of leaseTtlMs (${s.leaseTtlMs}), so two missed beats do not lose the lease`,
  );
  positive("rpoBudgetSeconds", s.rpoBudgetSeconds);
  for (const key of ["cacheFailoverAttempts", "cacheFailoverErrorAttempts"] as const) {
    need(
      Number.isInteger(s.retry[key]) && s.retry[key] >= 1,
      `retry.${key}`,
      s.retry[key],
      "an integer >= 1",
    );
  }
  const c = s.capacity;
  need(
    c.min <= c.desired && c.desired <= c.max && c.desired >= 1,
    "capacity",
    c,
    "1 <= desired and min <= desired <= max",
  );
  return problems;
}

/** The promotion lease's heartbeat interval: as configured, else a quarter of its TTL. */
export function leaseHeartbeatMs(
  s: Pick<RegionFailoverSettings, "leaseTtlMs" | "leaseHeartbeatMs">,
) {
  return s.leaseHeartbeatMs ?? Math.floor(s.leaseTtlMs / 4);
}

/** The standby that takes over when `activeRegion` fails: the next region by priority. */
export function successorOf(settings: RegionFailoverSettings, activeRegion: string): string {
  return settings.regions.find((r) => r !== activeRegion) ?? settings.regions[0];
}
