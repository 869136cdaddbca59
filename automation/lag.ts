// Replication lag per tier, read in the region that receives the replication (where each
// service publishes it). Database and cache are held to the stack's RPO budget, the same budget
// the automatic path enforces; EFS replication is asynchronous with a 15-minute design RPO, so
// media is held to that instead (a 60 s budget would refuse every switchover).
import { AWS_METRICS } from "../functions/contractMetrics";
import { DescribeReplicationConfigurationsCommand } from "@aws-sdk/client-efs";
import type { RegionalClients } from "../functions/region/clients";
import { withDeadline } from "../functions/region/deadline";
import { isError } from "../functions/region/errors";
import {
  checkLag,
  cloudWatchLagReader,
  rdsReplicaLagMetric,
  type LagReader,
  type LagReading,
} from "../functions/region/lag";
import { MEDIA_RPO_SECONDS } from "../functions/region/recoveryBudget";
import type { RegionFailoverSettings } from "../functions/region/settings";

export type Tier = "database" | "cache" | "media";

export interface TierLag {
  tier: Tier;
  budgetSeconds: number;
  read: LagReader;
}

export interface TierReading extends LagReading {
  tier: Tier;
  budgetSeconds: number;
  withinBudget: boolean;
}

/** The cache's lag is published on the secondary's first node (components/monitoring.ts). */
export const cacheLagMetric = (replicationGroupId: string) => ({
  source: "cache",
  ...AWS_METRICS.globalDatastoreLag,
  dimensions: { CacheClusterId: `${replicationGroupId}-001` },
  toSeconds: 1,
});

/** Seconds since the last completed EFS sync into `fileSystemId` (undefined if not a replica). */
export function mediaLagReader(
  clients: RegionalClients,
  fileSystemId: string,
  now: () => number,
): LagReader {
  return async (signal) => {
    try {
      const out = await clients.efs.send(
        new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
        { abortSignal: signal },
      );
      for (const replication of out.Replications ?? []) {
        const destination = replication.Destinations?.find((d) => d.FileSystemId === fileSystemId);
        if (!destination) continue;
        const last = destination.LastReplicatedTimestamp;
        if (!last) {
          return { source: "media", detail: `replication ${destination.Status}: no sync yet` };
        }
        const seconds = Math.max(0, Math.round((now() - last.getTime()) / 1000));
        return { source: "media", seconds, detail: `last sync ${seconds} s ago` };
      }
    } catch (error) {
      if (!isError(error, "ReplicationNotFound", "FileSystemNotFound")) throw error;
    }
    return { source: "media", detail: `nothing replicates into ${fileSystemId}` };
  };
}

/** The lag of every tier that replicates into `settings.localRegion`. */
export function tierLagReaders(
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  now: () => number,
): TierLag[] {
  const tiers: TierLag[] = [
    {
      tier: "database",
      budgetSeconds: settings.rpoBudgetSeconds,
      read: cloudWatchLagReader(
        clients.cloudWatch,
        rdsReplicaLagMetric(settings.database.instanceId),
        300_000,
        now,
      ),
    },
    {
      tier: "cache",
      budgetSeconds: settings.rpoBudgetSeconds,
      read: cloudWatchLagReader(
        clients.cloudWatch,
        cacheLagMetric(settings.cache.replicationGroupId),
        300_000,
        now,
      ),
    },
  ];
  if (settings.media) {
    tiers.push({
      tier: "media",
      budgetSeconds: MEDIA_RPO_SECONDS,
      read: mediaLagReader(clients, settings.media.fileSystemId, now),
    });
  }
  return tiers;
}

/**
 * Reads every tier against its own budget, with the library's rule (no datapoint = over), each
 * read bounded by `timeoutMs` (an unreadable tier is over budget, never a hang).
 */
export async function readTiers(tiers: TierLag[], timeoutMs: number): Promise<TierReading[]> {
  return Promise.all(
    tiers.map(async ({ tier, budgetSeconds, read }) => {
      const bounded: LagReader = () => withDeadline(`${tier} lag`, timeoutMs, read);
      const verdict = await checkLag([bounded], budgetSeconds);
      const reading = verdict.readings[0];
      return { ...reading, source: tier, tier, budgetSeconds, withinBudget: verdict.withinBudget };
    }),
  );
}

export function formatReading(r: TierReading): string {
  const value = r.seconds === undefined ? "unknown" : `${r.seconds} s`;
  const verdict = r.withinBudget ? "ok" : "OVER BUDGET";
  return `${r.tier.padEnd(9)} ${value.padEnd(9)} budget ${r.budgetSeconds} s  ${verdict}  (${r.detail})`;
}
