// The recovery budget: RTO and RPO computed from configuration, for the plan's JSON
// (`recovery: { rtoSeconds, rpoSeconds, steps }`). Pure: no AWS calls, no clock.
//
// RTO = detection + decision + the promotion's critical path, where steps that run in parallel
// count as their maximum, not their sum (see steps.ts for what runs alongside what):
//   unplanned: detection → lease → max(data tier → endpoints, gate → DNS, capacity)
//   planned:   lease → data tier (and capacity) → endpoints → gate → DNS
// Figures that come from AWS documentation say where; the others are configuration or planning
// figures that a drill should replace with measurements.

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
  /** Planning figure for PromoteReadReplica until a drill measures it. */
  databasePromotionSeconds: number;
}

export interface RecoveryBudget {
  rtoSeconds: number;
  rpoSeconds: number;
  steps: { name: string; seconds: number }[];
}

/** Global Datastore promotion of a secondary: RTO about 1 minute, RPO generally under 1 second
 * (AWS Disaster Recovery workshop, "ElastiCache - Global Datastore"). */
export const CACHE_PROMOTION_SECONDS = 60;
export const CACHE_RPO_SECONDS = 1;
/** EFS replication is designed for an RPO of 15 minutes for most file systems (Amazon EFS User
 * Guide, "Amazon EFS replication"). Deleting the configuration is one API call; the replica
 * becomes writable "several minutes" later (EFS User Guide, "Deleting replication
 * configurations"), off the traffic path: media is served read-only meanwhile. */
export const MEDIA_RPO_SECONDS = 900;
export const MEDIA_STEP_SECONDS = 10;
/** One conditional write, the audit's reads and the lag check: a few round trips. */
export const DECISION_SECONDS = 5;
/** SSM GetParameters + up to six PutParameter calls, and the instances' watcher picking them up. */
export const ENDPOINTS_SECONDS = 15;

/**
 * RDS: "When you promote a read replica, RDS reboots the DB instance before making it available.
 * The promotion process can take several minutes or longer to complete, depending on the size of
 * the read replica" (RDS User Guide, "Promoting a read replica to be a standalone DB instance").
 * 180 s is this project's planning figure for a Multi-AZ MySQL replica; measure it in a drill.
 */
export const DEFAULT_DATABASE_PROMOTION_SECONDS = 180;

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
  databasePromotionSeconds: DEFAULT_DATABASE_PROMOTION_SECONDS,
};

export function recoveryBudget(
  input: RecoveryBudgetInput = DEFAULT_RECOVERY_INPUT,
): RecoveryBudget {
  const d = input.detection;
  // Worst case: each canary needs N failed probes, the first up to one interval after the outage
  // began and the last waiting out its timeout (N x interval + timeout); the detector re-reads
  // the witness after each of its own probes, so it acts at most one probe later.
  const detection =
    input.mode === "planned"
      ? 0
      : (d.failureThreshold + 1) * d.probeIntervalSeconds + 2 * d.probeTimeoutSeconds;
  const dataTier = Math.max(
    CACHE_PROMOTION_SECONDS,
    input.databasePromotionSeconds,
    MEDIA_STEP_SECONDS,
  );
  // Pilot light starts from zero instances; a warm standby already serves with its warm size.
  const capacity = input.standby === "pilot-light" ? input.instanceReadySeconds : 0;
  // The gate alarm fires, Route 53's health checkers see it within their interval x threshold,
  // then resolvers holding the old answer let it expire.
  const dns =
    input.gateAlarmSeconds +
    input.route53.requestIntervalSeconds * input.route53.failureThreshold +
    input.route53.ttlSeconds;

  const steps = [
    { name: "detection", seconds: detection },
    { name: "decision-and-lease", seconds: DECISION_SECONDS },
    { name: "cache-promotion", seconds: CACHE_PROMOTION_SECONDS },
    { name: "database-promotion", seconds: input.databasePromotionSeconds },
    { name: "media-replication-stop", seconds: MEDIA_STEP_SECONDS },
    { name: "capacity", seconds: capacity },
    { name: "endpoints", seconds: ENDPOINTS_SECONDS },
    { name: "gate-and-dns", seconds: dns },
  ];
  const promotion =
    input.mode === "unplanned"
      ? Math.max(dataTier + ENDPOINTS_SECONDS, dns, capacity)
      : Math.max(dataTier, capacity) + ENDPOINTS_SECONDS + dns;
  return {
    rtoSeconds: detection + DECISION_SECONDS + promotion,
    // The worst tier bounds the data that can be lost; the database's share is capped by the
    // budget the automatic path enforces.
    rpoSeconds: Math.max(input.rpoBudgetSeconds, CACHE_RPO_SECONDS, MEDIA_RPO_SECONDS),
    steps,
  };
}
