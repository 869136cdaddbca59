// The detector Lambda (scheduled every minute; the witness is in witness.ts).
//  - createDetectorHandler: runs in the standby (the active region's successor); probes the
//    shallow and the deep signal, reads the witness and Route 53, applies the quorum rule of
//    detection.ts, persists its counts and decision, alerts on changes, and asks the
//    orchestrator to promote when the rule says so.
// While this region is active, the detector only keeps the region gate closed and resumes an
// interrupted promotion; it never probes itself, never acts on a local AZ event, never fails back.
import { LOG_COMPONENTS, LOG_EVENTS } from "../contractLog";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { DescribeReplicationGroupsCommand } from "@aws-sdk/client-elasticache";
import { Route53Client } from "@aws-sdk/client-route-53";
import { AuthorityStore, type AuthorityRecord } from "./authority";
import {
  createAuthorityClient,
  createLambdaClient,
  createRegionalClients,
  createRoute53StatusClient,
  type RegionalClients,
} from "./clients";
import { withDeadline } from "./deadline";
import {
  decide,
  SignalStore,
  verdictFromCount,
  witnessReading,
  type DeepReading,
  type DetectionDecision,
  type SignalReading,
} from "./detection";
import { describeError, errorMessage } from "./errors";
import {
  automaticIncidentId,
  buildFailoverEvent,
  DETECTOR_SOURCE,
  type FailoverEvent,
} from "./event";
import { HoldStore } from "./hold";
import { inRegionEventReader, type InRegionEventReader } from "./inRegionEvents";
import { createLogger, type Logger } from "./log";
import { readRoute53Status, runCanary } from "./probes";
import { invokeOrchestrator } from "./requestPromotion";
import { successorOf, type RegionFailoverSettings } from "./settings";
import { notify, publishGate } from "./steps";

export interface DetectorDeps {
  clients: RegionalClients;
  authorityClient: DynamoDBClient;
  route53: Route53Client;
  log: Logger;
  now: () => number;
  /** Is this region able to take over? Default: the local database and cache are available. */
  localReadiness: (signal: AbortSignal) => Promise<boolean>;
  /** Hands a failover request to the orchestrator, which runs it in an invocation of its own;
   * default: an asynchronous Lambda invoke of `orchestratorFunctionName` (requestPromotion.ts). */
  requestFailover: (event: FailoverEvent) => Promise<unknown>;
  /** The orchestrator function the default `requestFailover` invokes. */
  orchestratorFunctionName?: string;
  /** Reads the source region's own RDS/ElastiCache events (the deep-page veto); never throws. */
  inRegionEvents: InRegionEventReader;
}

export interface DetectionReport {
  /** "error": the run could not complete (logged as detector-error, which pages after three minutes in a row). */
  action: DetectionDecision["action"] | "resume-requested" | "error";
  reason: string;
  activeRegion: string;
  readings: SignalReading[];
  requested?: FailoverEvent;
}

/**
 * Readiness as promotion needs it: the local data tier is up AND still a replica of the active
 * region. The second half is what makes an automatic failback impossible: after a failover the
 * old primary's database and cache are no longer replicas (they hold a diverged copy), so its
 * detector can page people but never promote it; operators rebuild it as a replica first.
 */
export function dataTierReadiness(clients: RegionalClients, settings: RegionFailoverSettings) {
  return async (signal: AbortSignal): Promise<boolean> => {
    const [db, cache] = await Promise.all([
      clients.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: settings.database.instanceId }),
        { abortSignal: signal },
      ),
      clients.elastiCache.send(
        new DescribeReplicationGroupsCommand({
          ReplicationGroupId: settings.cache.replicationGroupId,
        }),
        { abortSignal: signal },
      ),
    ]);
    const instance = db.DBInstances?.[0];
    const group = cache.ReplicationGroups?.[0];
    return (
      PROMOTABLE_DB_STATUSES.includes(instance?.DBInstanceStatus ?? "") &&
      Boolean(instance?.ReadReplicaSourceDBInstanceIdentifier) &&
      group?.Status === "available" &&
      group.GlobalReplicationGroupInfo?.GlobalReplicationGroupMemberRole?.toUpperCase() ===
        "SECONDARY"
    );
  };
}

/**
 * Replica states the database step can promote from: "backing-up" is the nightly backup
 * window, which PromoteReadReplica waits out (steps/database.ts) rather than a reason to page
 * humans in the middle of an outage. An array, not a Set: closure serialization.
 */
export const PROMOTABLE_DB_STATUSES: readonly string[] = ["available", "backing-up"];

export function defaultDetectorDeps(
  settings: RegionFailoverSettings,
  overrides: Partial<DetectorDeps> = {},
): DetectorDeps {
  const clients = overrides.clients ?? createRegionalClients(settings.localRegion, settings.sdk);
  const authorityClient =
    overrides.authorityClient ?? createAuthorityClient(settings.authority.region, settings.sdk);
  const log =
    overrides.log ??
    createLogger({ component: LOG_COMPONENTS.detector, region: settings.localRegion });
  const now = overrides.now ?? Date.now;
  const functionName = overrides.orchestratorFunctionName;
  const requestFailover =
    overrides.requestFailover ??
    (functionName
      ? invokeOrchestrator(createLambdaClient(settings.localRegion, settings.sdk), functionName)
      : () => Promise.reject(new Error("no orchestrator function configured to invoke")));
  return {
    clients,
    authorityClient,
    route53: overrides.route53 ?? createRoute53StatusClient(settings.localRegion, settings.sdk),
    log,
    now,
    localReadiness: overrides.localReadiness ?? dataTierReadiness(clients, settings),
    requestFailover,
    inRegionEvents:
      overrides.inRegionEvents ??
      inRegionEventReader({
        windowMs: settings.detection.inRegionEventWindowMs,
        timeoutMs: settings.detection.inRegionEventTimeoutMs,
      }),
  };
}

export function createDetectorHandler(
  settings: RegionFailoverSettings,
  deps: Partial<DetectorDeps> = {},
) {
  let resolved: DetectorDeps | undefined;
  return async (): Promise<DetectionReport> => {
    const d = (resolved ??= defaultDetectorDeps(settings, deps));
    try {
      return await detectOnce(settings, d);
    } catch (error) {
      // Never throw: Lambda would retry the scheduled run, and a retried run probes again,
      // advancing the consecutive counts faster than the cadence they are defined by.
      d.log.error(LOG_EVENTS.detectorError, describeError(error));
      return {
        action: "error",
        reason: describeError(error).message,
        activeRegion: "unknown",
        readings: [],
      };
    }
  };
}

async function detectOnce(
  settings: RegionFailoverSettings,
  d: DetectorDeps,
): Promise<DetectionReport> {
  const table = { client: d.authorityClient, tableName: settings.authority.tableName };
  const authority = new AuthorityStore({
    ...table,
    initialActiveRegion: settings.initialActiveRegion,
    now: d.now,
  });
  const current = await authority.read();
  const hold = await new HoldStore({ ...table, now: d.now }).active();
  if (hold) d.log.warn("operator-hold", { ...hold });
  const held = hold
    ? `operator hold by ${hold.by} until ${new Date(hold.until).toISOString()}: ${hold.reason}`
    : undefined;
  if (current.activeRegion === settings.localRegion) return whileActive(settings, d, current, held);
  if (successorOf(settings, current.activeRegion) !== settings.localRegion) {
    return {
      action: "none",
      reason: `${settings.localRegion} is not the successor of ${current.activeRegion}`,
      activeRegion: current.activeRegion,
      readings: [],
    };
  }
  return detect(settings, d, new SignalStore(table), current, held);
}

async function whileActive(
  settings: RegionFailoverSettings,
  d: DetectorDeps,
  current: AuthorityRecord,
  held?: string,
): Promise<DetectionReport> {
  const base = { activeRegion: current.activeRegion, readings: [] };
  // Keep the gate closed from the moment an unplanned promotion took the lease (it trips the gate
  // in its first phase), not only once every track has finished: Route 53 judges a CloudWatch
  // health check by the metric's data, so a gate that stops being published while a track (the
  // cache, media) is still retried would hand traffic back to the old region.
  if (current.phase === "completed" || current.mode === "unplanned") {
    await withDeadline("gate-refresh", settings.deadlines.gateMs, (signal) =>
      publishGate(d.clients, settings, signal),
    ).catch((error) => d.log.error("gate-refresh-failed", describeError(error)));
  }
  if (current.phase === "completed") {
    return { ...base, action: "none", reason: "this region is active; gate kept closed" };
  }
  const leaseFree = !current.holder || current.leaseExpiresAt <= d.now();
  if (
    current.phase === "promoting" &&
    leaseFree &&
    current.incidentId &&
    current.previousActiveRegion
  ) {
    if (held) {
      // Nothing automatic during a hold, not even a resume: the operator CLI resumes it.
      return { ...base, action: "held", reason: `interrupted promotion not resumed: ${held}` };
    }
    if (current.mode === "planned") {
      // An operator's planned switchover: its lossless path waits for zero lag after the fence,
      // which only the operator CLI runs. Resumed here it could promote a lagging replica, and
      // resumed as unplanned it could detach the cache. The operator resumes it; page them once,
      // in the first minute after the lease ran out, not every minute.
      const reason =
        `the planned switchover ${current.incidentId} to ${settings.localRegion} is incomplete: ` +
        `rerun "npm run promote -- planned --to <the ${settings.localRegion} stack>"`;
      d.log.error("planned-promotion-interrupted", { incidentId: current.incidentId });
      if (d.now() - current.leaseExpiresAt < 60_000) {
        await withDeadline("alert", settings.deadlines.notifyMs, (signal) =>
          notify(
            d.clients,
            settings,
            `Region ${settings.localRegion}: planned switchover interrupted`,
            { reason },
            signal,
          ),
        ).catch((error) => d.log.error("alert-failed", { error: errorMessage(error) }));
      }
      return { ...base, action: "page-humans", reason };
    }
    const event = buildFailoverEvent({
      source: DETECTOR_SOURCE,
      accountId: settings.accountId,
      region: settings.localRegion,
      now: d.now(),
      detail: {
        incidentId: current.incidentId,
        mode: "unplanned",
        failedRegion: current.previousActiveRegion,
        targetRegion: settings.localRegion,
        epoch: current.epoch,
      },
    });
    d.log.warn("promotion-resume-requested", {
      incidentId: current.incidentId,
      epoch: current.epoch,
    });
    const result = (await d.requestFailover(event)) as
      { outcome?: string; reason?: string } | undefined;
    if (result?.outcome === "rejected") {
      // Never report a resume that the orchestrator refused as if it had happened.
      d.log.error("promotion-resume-rejected", {
        incidentId: current.incidentId,
        reason: result.reason,
      });
      return { ...base, action: "error", reason: `resume rejected: ${result.reason}` };
    }
    return {
      ...base,
      action: "resume-requested",
      reason: "interrupted promotion resumed",
      requested: event,
    };
  }
  return { ...base, action: "none", reason: `this region is active (phase ${current.phase})` };
}

async function detect(
  settings: RegionFailoverSettings,
  d: DetectorDeps,
  signals: SignalStore,
  current: AuthorityRecord,
  held?: string,
): Promise<DetectionReport> {
  const target = current.activeRegion;
  const cfg = settings.detection;
  const endpoint = settings.regionEndpoints[target];
  const previous = await signals.readDetector(settings.localRegion);
  // Counts are about one target: a new active region starts from zero.
  const carried = previous?.target === target ? previous : undefined;
  const readinessBudget = cfg.probeTimeoutMs * 2;
  // Route 53 and the local readiness are read once, alongside the first probe.
  const route53Read = readRoute53Status(
    d.route53,
    endpoint.route53HealthCheckId,
    cfg.route53TimeoutMs,
  );
  const readiness = withDeadline("local-readiness", readinessBudget, d.localReadiness).catch(
    (error: unknown) => {
      d.log.warn("local-readiness-unknown", describeError(error));
      return "unknown" as const;
    },
  );
  let readings: SignalReading[] = [];
  let decision: DetectionDecision | undefined;
  let route53Failures = 0;
  let deepFailingSince = carried?.deepFailingSince ?? 0;
  let deep: DeepReading | undefined;
  // The veto is read at most once a run, and only once a deep failure has outlasted the dwell
  // (the only decision it can change): a healthy region costs no call to it.
  let veto: Promise<string | undefined> | undefined;
  const readVeto = () =>
    (veto ??= endpoint.inRegionSources
      ? d.inRegionEvents(target, endpoint.inRegionSources).then((events) => {
          d.log.info("in-region-events", { target, ...events });
          return events.veto;
        })
      : Promise.resolve(undefined));
  // The decision is re-evaluated after every probe, re-reading the witness each time, so the
  // quorum is acted on as soon as it exists instead of at the end of the run.
  const canary = await runCanary({
    url: endpoint.shallowUrl,
    deepUrl: endpoint.healthUrl,
    probes: cfg.probesPerRun,
    intervalMs: cfg.probeIntervalMs,
    timeoutMs: cfg.probeTimeoutMs,
    startCount: carried?.canaryFailures ?? 0,
    onProbe: async (count, probe, deepProbe) => {
      const now = d.now();
      deepFailingSince = deepProbe?.ok === false ? deepFailingSince || now : 0;
      const failingForMs = deepFailingSince ? now - deepFailingSince : 0;
      deep = {
        failing: deepProbe?.ok === false,
        failingForMs,
        detail: deepProbe?.detail ?? "not probed",
        veto: failingForMs >= cfg.deepDwellMs ? await readVeto() : undefined,
      };
      const [route53, ready, witness] = await Promise.all([
        route53Read,
        readiness,
        cfg.witnessRegion
          ? signals.readWitness(cfg.witnessRegion).catch(() => undefined)
          : undefined,
      ]);
      route53Failures = route53.status === "failed" ? (carried?.route53Failures ?? 0) + 1 : 0;
      readings = [
        {
          vantage: "standby-canary",
          status: verdictFromCount(count, cfg.failureThreshold),
          consecutiveFailures: count,
          detail: probe.detail,
        },
        witnessReading(witness, target, cfg.failureThreshold, cfg.witnessMaxAgeMs, d.now()),
        {
          vantage: "route53",
          status: route53.status,
          consecutiveFailures: route53Failures,
          detail: route53.detail,
        },
      ];
      decision = decide({
        readings,
        quorum: cfg.quorum,
        localReady: ready,
        deep,
        deepDwellMs: cfg.deepDwellMs,
      });
      return decision.action === "failover" || decision.action === "page-humans";
    },
  });
  // Assigned inside the probe callback, which TypeScript cannot follow.
  let decided = decision as DetectionDecision | undefined;
  if (!decided) throw new Error("detector ran no probe (detection.probesPerRun must be >= 1)");
  if (decided.action === "failover" && held) {
    // The quorum is recorded and alerted on, never acted on during an operator hold.
    decided = { ...decided, action: "held", reason: `${decided.reason}; not promoting: ${held}` };
  }
  await signals.writeDetector(settings.localRegion, {
    target,
    canaryFailures: canary.consecutiveFailures,
    route53Failures,
    lastAction: decided.action,
    decidedAt: d.now(),
    epoch: current.epoch,
    deepFailingSince,
  });
  d.log.info("detection", {
    target,
    action: decided.action,
    reason: decided.reason,
    readings,
    deep,
  });
  const report: DetectionReport = {
    action: decided.action,
    reason: decided.reason,
    activeRegion: target,
    readings,
  };

  if (
    decided.action !== previous?.lastAction &&
    decided.action !== "none" &&
    decided.action !== "failover"
  ) {
    // Alert on changes only, so a long degradation is one message, not one a minute.
    await withDeadline("alert", settings.deadlines.notifyMs, (signal) =>
      notify(
        d.clients,
        settings,
        `Region ${target}: ${decided.action}`,
        { target, ...decided, readings },
        signal,
      ),
    ).catch((error) => d.log.error("alert-failed", { error: errorMessage(error) }));
  }
  if (decided.action === "failover") {
    report.requested = buildFailoverEvent({
      source: DETECTOR_SOURCE,
      accountId: settings.accountId,
      region: settings.localRegion,
      now: d.now(),
      detail: {
        incidentId: automaticIncidentId(target, settings.localRegion, current.epoch),
        mode: "unplanned",
        failedRegion: target,
        targetRegion: settings.localRegion,
        epoch: current.epoch,
      },
    });
    await d.requestFailover(report.requested);
  }
  return report;
}
