// The recovery timeline: RTO and RPO computed from configuration, for the plan's JSON
// (`recovery: { rtoSeconds, rtoWorstSeconds, rpoSeconds, criticalPath, steps }`). Pure: no AWS
// calls, no clock.
//
// Each step names the steps it waits for (`after`), a typical and a worst duration and the
// document each figure comes from. The RTO is the longest path to "recovered" (shoppers reach
// the standby AND it takes orders), computed over typical and over worst figures; the tracks
// (cache, media, full capacity) are listed with their own figures but are not on any path to
// "recovered": the shop takes orders without them (docs/promotion.md). A drill's measurement
// replaces a figure through config (`recoveryMeasurements`), never by editing a cited one.
import { DEFAULT_DEADLINES } from "./settings";

export interface RecoveryBudgetInput {
  mode: "unplanned" | "planned";
  standby: "pilot-light" | "warm";
  detection: {
    /** Pause between two probes of a canary (the detector runs every minute, probing several
     * times per run). */
    probeIntervalSeconds: number;
    failureThreshold: number;
    probeTimeoutSeconds: number;
  };
  route53: {
    /** Route 53 health-check interval (10 or 30 s) and failure threshold: Route 53 Developer
     * Guide, "Values that you specify when you create or update health checks". */
    requestIntervalSeconds: number;
    failureThreshold: number;
    /** TTL of the failover records (ARCHITECTURE.md: <= 60 s). */
    ttlSeconds: number;
  };
  /** Period x evaluation periods of the region gate's CloudWatch alarm. */
  gateAlarmSeconds: number;
  /** Replication lag the automatic path accepts (above it, it waits for approval). */
  rpoBudgetSeconds: number;
  /** Seconds from launch to InService: boot, user data, ALB healthy threshold x interval. */
  instanceReadySeconds: number;
  /** The promotion's step deadlines, in seconds: the worst a step can take in one run. */
  deadlines: { database: number; cache: number; media: number; capacity: number; search?: number };
  /** Figures measured in a drill, by step name; they replace the planning figures. */
  measurements?: Record<string, RecoveryMeasurement>;
}

export interface RecoveryMeasurement {
  seconds: number;
  worstSeconds: number;
  /** Where the measurement comes from, e.g. "drill 2026-11-20, prod-euw1". */
  source: string;
}

export interface TimelineStep {
  name: string;
  after: string[];
  seconds: number;
  worstSeconds: number;
  source: string;
  /** Off the critical path: finishes after the shop takes orders (docs/promotion.md). */
  track?: boolean;
}

export interface RecoveryBudget {
  rtoSeconds: number;
  rtoWorstSeconds: number;
  rpoSeconds: number;
  /** The steps of the longest worst path to "recovered", in order. */
  criticalPath: string[];
  steps: TimelineStep[];
}

/** Global Datastore promotion of a secondary: RTO about 1 minute, RPO generally under 1 second
 * (AWS Disaster Recovery workshop, "ElastiCache - Global Datastore"). */
export const CACHE_PROMOTION_SECONDS = 60;
export const CACHE_RPO_SECONDS = 1;
/** EFS replication is designed for an RPO of 15 minutes for most file systems (Amazon EFS User
 * Guide, "Amazon EFS replication"). */
export const MEDIA_RPO_SECONDS = 900;

/**
 * The operator CLI's planned quiesce (automation/cliSteps.ts, fenceHeartbeat.ts): after the fence
 * it waits two endpoint-watcher periods (the instances go to maintenance within one, 15 s), then
 * for an RPO heartbeat written after that to reach the replica: the instances beat every 5 s
 * (magento-dr-heartbeat.timer, components/bootstrap/magento-dr.sh). Its deadline bounds the worst.
 */
export const PLANNED_QUIESCE = { settleMs: 30_000, beatPeriodMs: 5_000, deadlineMs: 300_000 };

const RDS_PROMOTION =
  'RDS User Guide, "Promoting a read replica": it reboots the replica and "can take several minutes or longer"';
const PLANNING = "planning figure until a drill measures it (recoveryMeasurements)";

/**
 * Search, a track off the critical path (steps/search.ts): one Lambda invocation in the VPC that
 * stops replication per follower index (`POST _plugins/_replication/<index>/_stop`, "Terminates
 * replication and converts the follower index to a standard index": OpenSearch, "Cross-cluster
 * replication API"), one `_aliases` call and a `_count` per alias: a few dozen requests for a
 * catalog of a few stores. A planning figure (cold start in the VPC included) until a drill
 * measures it. It never delays the RTO; a missing or empty index means a reindex, not an outage.
 */
export const SEARCH_STEP_SECONDS = 30;

export const DEFAULT_RECOVERY_INPUT: RecoveryBudgetInput = {
  mode: "unplanned",
  standby: "pilot-light",
  detection: { probeIntervalSeconds: 15, failureThreshold: 3, probeTimeoutSeconds: 5 },
  route53: { requestIntervalSeconds: 10, failureThreshold: 3, ttlSeconds: 60 },
  gateAlarmSeconds: 60,
  rpoBudgetSeconds: 60,
  // EC2 launch and boot (~60 s), user data mounting EFS and rendering env.php (~40 s), ALB
  // healthy threshold 2 x 10 s interval: a planning figure to replace with a drill's measurement.
  instanceReadySeconds: 120,
  deadlines: {
    database: DEFAULT_DEADLINES.databaseMs / 1000,
    cache: DEFAULT_DEADLINES.cacheMs / 1000,
    media: DEFAULT_DEADLINES.mediaMs / 1000,
    capacity: DEFAULT_DEADLINES.capacityMs / 1000,
    search: DEFAULT_DEADLINES.searchMs / 1000,
  },
};

export function recoveryBudget(
  input: RecoveryBudgetInput = DEFAULT_RECOVERY_INPUT,
): RecoveryBudget {
  const d = input.detection;
  const r53 = input.route53;
  const unplanned = input.mode === "unplanned";
  const lease = unplanned ? ["decision-and-lease"] : ["quiesce"];
  const steps: TimelineStep[] = [];
  const add = (step: TimelineStep) => steps.push(step);

  if (unplanned) {
    add({
      name: "detection",
      after: [],
      // N failed probes, the first up to one interval after the outage began; worst: the last
      // waits out its timeout and the detector re-reads the witness one probe later.
      seconds: d.failureThreshold * d.probeIntervalSeconds + d.probeTimeoutSeconds,
      worstSeconds: (d.failureThreshold + 1) * d.probeIntervalSeconds + 2 * d.probeTimeoutSeconds,
      source: "configuration: detection.failureThreshold x probeIntervalMs + probeTimeoutMs",
    });
  }
  add({
    name: "decision-and-lease",
    after: unplanned ? ["detection"] : [],
    seconds: 5,
    // Three lease tries with backoff up to 4 s each (promotion.ts leaseCall), and the RPO
    // heartbeat's read, cut at its deadline (docs/rpo.md; a VPC function's invocation).
    worstSeconds: 15 + DEFAULT_DEADLINES.lossWindowMs / 1000,
    source:
      "this project: one conditional write, the RPO check (the heartbeat read's deadline); lease retries (promotion.ts)",
  });
  if (!unplanned) {
    add({
      name: "quiesce",
      after: ["decision-and-lease"],
      seconds: (PLANNED_QUIESCE.settleMs + PLANNED_QUIESCE.beatPeriodMs) / 1000,
      worstSeconds: PLANNED_QUIESCE.deadlineMs / 1000,
      source:
        "the operator CLI: the fence settles (two endpoint-watcher periods), then one heartbeat period until a beat written after it is on the replica (docs/rpo.md); worst: the step's deadline",
    });
  }
  add({
    name: "database",
    after: lease,
    seconds: 300,
    worstSeconds: input.deadlines.database,
    source: `${RDS_PROMOTION}; worst: the step's deadline (a longer one fails the run, the next resumes)`,
  });
  const pilot = input.standby === "pilot-light";
  add({
    name: "app-tier",
    after: lease,
    // Pilot light starts from zero instances; a warm standby already serves with its warm size.
    seconds: pilot ? input.instanceReadySeconds : 0,
    // During a regional evacuation the standby region's capacity is contended: its deadline.
    worstSeconds: pilot ? input.deadlines.capacity : 30,
    source: pilot
      ? `boot, user data, ALB health checks: ${PLANNING}; worst: the step's deadline`
      : "warm standby: its instances already serve; worst: one ALB health-check round",
  });
  if (!unplanned) {
    add({
      name: "cache",
      after: lease,
      seconds: CACHE_PROMOTION_SECONDS,
      worstSeconds: input.deadlines.cache,
      source: 'AWS DR workshop, "ElastiCache - Global Datastore": about a minute; worst: deadline',
    });
  }
  add({
    name: "endpoints",
    after: unplanned ? ["database", "app-tier"] : ["database", "app-tier", "cache"],
    // SSM writes, then every instance's watcher (OnUnitActiveSec=15s) re-renders and reloads.
    seconds: 15,
    worstSeconds: 30,
    source: "SSM PutParameter calls + magento-dr-sync.timer every 15 s (bootstrap/magento-dr.sh)",
  });
  add({
    name: "gate-alarm",
    after: unplanned ? ["decision-and-lease"] : ["endpoints"],
    seconds: input.gateAlarmSeconds,
    worstSeconds: 2 * input.gateAlarmSeconds,
    source:
      "CloudWatch alarm period x evaluation periods; worst: one more period for the datapoint to arrive",
  });
  add({
    name: "route53-health-check",
    // Both records change: the primary's check fails once the gate alarm fires; the standby's
    // asks the serving path (components/healthPaths.ts), 503 in maintenance but 200 as soon as
    // its instances see the authority name their region (one 15 s sync after the lease, before
    // the gate alarm's minute), each after `failureThreshold` checks.
    after: ["gate-alarm"],
    seconds: r53.requestIntervalSeconds * r53.failureThreshold,
    worstSeconds: r53.requestIntervalSeconds * (r53.failureThreshold + 1),
    source:
      'Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"',
  });
  add({
    name: "dns-ttl",
    after: ["route53-health-check"],
    seconds: r53.ttlSeconds,
    worstSeconds: r53.ttlSeconds,
    source: "the failover records' TTL (alias to the ALB: 60 s)",
  });
  add({
    name: "recovered",
    after: ["endpoints", "dns-ttl"],
    seconds: 0,
    worstSeconds: 0,
    source: "shoppers reach the standby and it takes orders",
  });
  if (unplanned) {
    add({
      name: "cache",
      after: ["decision-and-lease"],
      seconds: CACHE_PROMOTION_SECONDS,
      worstSeconds: input.deadlines.cache,
      source: 'AWS DR workshop, "ElastiCache - Global Datastore": about a minute; worst: deadline',
      track: true,
    });
  }
  add({
    name: "media",
    // Planned: after the database, so the replication copies until the fence has drained.
    after: unplanned ? lease : ["database"],
    seconds: 300,
    worstSeconds: input.deadlines.media,
    source:
      'EFS User Guide, "Deleting replication configurations": several minutes; worst: deadline',
    track: true,
  });
  add({
    name: "capacity",
    after: ["app-tier"],
    seconds: pilot ? 60 : input.instanceReadySeconds,
    worstSeconds: input.deadlines.capacity,
    source: `the rest of the active size boots alongside: ${PLANNING}; worst: deadline`,
    track: true,
  });
  add({
    name: "search",
    // Planned: after the database, so the follower indices copy until the fence has drained.
    after: unplanned ? lease : ["database"],
    seconds: SEARCH_STEP_SECONDS,
    worstSeconds: input.deadlines.search ?? DEFAULT_DEADLINES.searchMs / 1000,
    source: `stop replication, settle Magento's aliases, count documents: ${PLANNING}; worst: deadline`,
    track: true,
  });

  for (const [name, m] of Object.entries(input.measurements ?? {})) {
    const step = steps.find((s) => s.name === name);
    if (!step) throw new Error(`recoveryMeasurements.${name}: no such step in the timeline`);
    Object.assign(step, {
      seconds: m.seconds,
      worstSeconds: m.worstSeconds,
      source: `measured: ${m.source}`,
    });
  }

  const typical = longestPath(steps, "recovered", (s) => s.seconds);
  const worst = longestPath(steps, "recovered", (s) => s.worstSeconds);
  return {
    rtoSeconds: typical.seconds,
    rtoWorstSeconds: worst.seconds,
    // The worst tier bounds the data that can be lost; the database's share is capped by the
    // budget the automatic path enforces (measured by the replicated heartbeat).
    rpoSeconds: Math.max(input.rpoBudgetSeconds, CACHE_RPO_SECONDS, MEDIA_RPO_SECONDS),
    criticalPath: worst.path,
    steps,
  };
}

/** The longest path ending at `target`, by `weight`; ties keep the first step listed. */
export function longestPath(
  steps: TimelineStep[],
  target: string,
  weight: (s: TimelineStep) => number,
): { seconds: number; path: string[] } {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const memo = new Map<string, { seconds: number; path: string[] }>();
  const visit = (name: string, seen: string[]): { seconds: number; path: string[] } => {
    const cached = memo.get(name);
    if (cached) return cached;
    const step = byName.get(name);
    if (!step) throw new Error(`recovery timeline: unknown step ${name}`);
    if (seen.includes(name)) throw new Error(`recovery timeline: cycle through ${name}`);
    let best = { seconds: 0, path: [] as string[] };
    for (const before of step.after) {
      const candidate = visit(before, [...seen, name]);
      if (candidate.seconds > best.seconds) best = candidate;
    }
    const result = { seconds: best.seconds + weight(step), path: [...best.path, name] };
    memo.set(name, result);
    return result;
  };
  return visit(target, []);
}
