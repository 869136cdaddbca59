// The veto on a deep-check page: is the SOURCE region reporting its own in-region recovery?
// RDS and ElastiCache record failovers and maintenance as events of the instance or group, kept
// for 14 days and readable by DescribeEvents (RDS API Reference, DescribeEvents: "events ... for
// the past 14 days"; ElastiCache API Reference, DescribeEvents, likewise). While such an event is
// recent, a failing deep check is the recovery AWS documents, not a lasting failure.
//
// This is the only place the standby reads the region it watches (besides the HTTP probes), and
// only to hold back a PAGE: the deep signal never promotes (detection.ts). So the reading is
// optimistic on purpose: unreadable means "no veto". In a real regional loss the source cannot be
// read at all, which must never block anything; a false "no veto" only pages humans earlier.
// Every call is bounded (one attempt, short timeouts, an overall deadline).
import { DescribeEventsCommand as DescribeCacheEventsCommand } from "@aws-sdk/client-elasticache";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { DescribeEventsCommand as DescribeDbEventsCommand, RDSClient } from "@aws-sdk/client-rds";
import { clientConfig } from "../awsClients";
import { withDeadline } from "./deadline";
import { errorMessage } from "./errors";

/** RDS event categories of an in-region recovery (RDS User Guide, "Amazon RDS event categories
 * and event messages", DB instance events: failover, maintenance, availability = restarts,
 * recovery). Source types as the APIs spell them: RDS DescribeEvents `db-instance`, ElastiCache
 * DescribeEvents `replication-group` (ElastiCache API Reference, Event: SourceType valid values). */
export const VETO_DB_CATEGORIES = ["failover", "maintenance", "availability", "recovery"];

export interface InRegionEvents {
  /** One line naming the most recent event, or undefined when none is reported or unreadable. */
  veto?: string;
  detail: string;
}

export type InRegionEventReader = (
  region: string,
  sources: { databaseInstanceId: string; replicationGroupId: string },
) => Promise<InRegionEvents>;

/** Reads the source region's RDS and ElastiCache events of the last `windowMs`. Never throws. */
export function inRegionEventReader(options: {
  windowMs: number;
  timeoutMs: number;
  /** Clients per region (tests pass simulated ones); default: one attempt, bounded. */
  clients?: (region: string) => { rds: RDSClient; elastiCache: ElastiCacheClient };
}): InRegionEventReader {
  const cache = new Map<string, { rds: RDSClient; elastiCache: ElastiCacheClient }>();
  const clientsFor =
    options.clients ??
    ((region: string) => {
      const timeouts = {
        connectionTimeoutMs: Math.min(2_000, options.timeoutMs),
        requestTimeoutMs: options.timeoutMs,
        maxAttempts: 1,
      };
      const config = clientConfig(region, timeouts);
      return { rds: new RDSClient(config), elastiCache: new ElastiCacheClient(config) };
    });
  return async (region, sources) => {
    let clients = cache.get(region);
    if (!clients) cache.set(region, (clients = clientsFor(region)));
    const { rds, elastiCache } = clients;
    // Duration is in minutes for both APIs.
    const minutes = Math.max(1, Math.ceil(options.windowMs / 60_000));
    try {
      const [db, group] = await withDeadline("in-region-events", options.timeoutMs, (signal) =>
        Promise.all([
          rds.send(
            new DescribeDbEventsCommand({
              SourceType: "db-instance",
              SourceIdentifier: sources.databaseInstanceId,
              EventCategories: VETO_DB_CATEGORIES,
              Duration: minutes,
            }),
            { abortSignal: signal },
          ),
          elastiCache.send(
            new DescribeCacheEventsCommand({
              SourceType: "replication-group",
              SourceIdentifier: sources.replicationGroupId,
              Duration: minutes,
            }),
            { abortSignal: signal },
          ),
        ]),
      );
      const events = [
        ...(db.Events ?? []).map((e) => ({
          source: e.SourceIdentifier,
          message: e.Message,
          at: e.Date,
        })),
        ...(group.Events ?? []).map((e) => ({
          source: e.SourceIdentifier,
          message: e.Message,
          at: e.Date,
        })),
      ].sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
      if (events.length === 0) return { detail: `no RDS or ElastiCache event in ${minutes} min` };
      const last = events[0];
      return {
        veto: `${last.source}: ${last.message ?? "event"} at ${last.at?.toISOString() ?? "?"}`,
        detail: `${events.length} in-region event(s) in ${minutes} min`,
      };
    } catch (error) {
      return { detail: `source events unreadable (no veto): ${errorMessage(error)}` };
    }
  };
}
