// Search during a failback (docs/search.md): the region production returns to has followed the
// active region since it came back, but its own indices, stale since the failover and with the
// same names, block auto-follow ("does not replicate indexes that already exist on the follower
// domain"). `resync` drops every Magento index there that does not follow and lets auto-follow
// copy fresh ones; the switch waits until the copy is complete, and afterwards the region left
// behind is resynced the same way so it follows again.
import type { RegionalClients } from "../functions/region/clients";
import type { RegionFailoverSettings } from "../functions/region/settings";
import { invokeSearchReplication } from "../functions/region/steps/search";
import type { ReplicationReport } from "../functions/searchReplication/handler";

/** Why the search copy in the target is not complete yet, or undefined when it is. */
export function searchNotReady(report: ReplicationReport): string | undefined {
  if (report.problems.length > 0) return report.problems.join("; ");
  if ((report.bootstrapping ?? 0) > 0) {
    return `${report.bootstrapping} index(es) still copying (BOOTSTRAPPING)`;
  }
  if ((report.lagOperations ?? 0) > 0) return `${report.lagOperations} operations behind`;
  return undefined;
}

/** Drops the stale indices of a region that is not active and follows the active one afresh. */
export async function resyncSearch(
  clients: RegionalClients,
  settings: RegionFailoverSettings,
): Promise<ReplicationReport | undefined> {
  if (!settings.search) return undefined;
  return invokeSearchReplication(clients.lambda, settings.search.replicationFunctionName, "resync");
}

export function describeResync(report: ReplicationReport | undefined): string {
  if (!report) return "no search replication configured";
  const dropped = report.dropped?.length ? `dropped ${report.dropped.join(", ")}; ` : "";
  const copying = report.bootstrapping ? `, ${report.bootstrapping} still copying` : "";
  const lag = report.lagOperations ? `, ${report.lagOperations} operations behind` : "";
  const problems = report.problems.length ? `; ${report.problems.join("; ")}` : "";
  return `${dropped}following ${report.following ?? 0} index(es)${copying}${lag}${problems}`;
}
