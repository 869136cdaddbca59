// Is the target ready to take over? The detector's rule (functions/region/detector.ts,
// dataTierReadiness: database available and still a replica, cache available and a Global
// Datastore secondary), broken down per tier so a refusal says which tier and why.
import { PROMOTABLE_DB_STATUSES } from "../functions/region/detector";
import type { RegionalClients } from "../functions/region/clients";
import type { RegionFailoverSettings } from "../functions/region/settings";
import { observeCache, observeCapacity, observeDatabase } from "../functions/region/steps";
import { observe } from "./observe";

export interface TierHealth {
  tier: string;
  ok: boolean;
  detail: string;
}

export interface TargetHealth {
  ready: boolean;
  tiers: TierHealth[];
}

export interface HealthOptions {
  timeoutMs: number;
  /**
   * Failback after an unplanned failover: the target's cache is still the Global Datastore's
   * primary (the other side was detached), so nothing can replicate into it. It is accepted, with
   * a warning, once the operator confirmed the cache reset.
   */
  cacheMayBePrimary?: boolean;
}

export async function assessTarget(
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  options: HealthOptions,
): Promise<TargetHealth> {
  const look = <T>(label: string, read: Parameters<typeof observe<T>>[4]) =>
    observe(label, options.timeoutMs, settings, clients, read);
  const [database, cache, capacity] = await Promise.all([
    look("database", observeDatabase),
    look("cache", observeCache),
    look("capacity", observeCapacity),
  ]);
  const tiers: TierHealth[] = [];

  if (!database.ok) {
    tiers.push({ tier: "database", ok: false, detail: `unreadable: ${database.error}` });
  } else {
    const db = database.value;
    const ok = PROMOTABLE_DB_STATUSES.includes(db.status ?? "") && Boolean(db.source);
    tiers.push({
      tier: "database",
      ok,
      detail: db.source
        ? `${settings.database.instanceId} ${db.status}, replica of ${db.source}`
        : `${settings.database.instanceId} ${db.status}, standalone (not a replica: it holds no replicated data to promote)`,
    });
  }

  if (!cache.ok) {
    tiers.push({ tier: "cache", ok: false, detail: `unreadable: ${cache.error}` });
  } else {
    const c = cache.value;
    const roleOk = c.role === "secondary" || (options.cacheMayBePrimary && c.role === "primary");
    tiers.push({
      tier: "cache",
      ok: c.status === "available" && Boolean(roleOk),
      detail: `${settings.cache.replicationGroupId} ${c.status}, ${c.role}`,
    });
  }

  if (!capacity.ok) {
    tiers.push({ tier: "capacity", ok: false, detail: `unreadable: ${capacity.error}` });
  } else {
    const a = capacity.value;
    tiers.push({
      tier: "capacity",
      ok: true,
      detail: `${settings.capacity.autoScalingGroupName} ${a.inService} in service (desired ${a.desired}, max ${a.max})`,
    });
  }
  return { ready: tiers.every((t) => t.ok), tiers };
}
