// SSM: point the parameters the instances render env.php from at the local endpoints and turn
// maintenance off: the end of the critical path. It runs once the database is writable and the
// app tier can serve; the cache is a track that may still be running, so when the local cache
// group is not writable yet Magento is pointed at its fallback (CACHE_FALLBACK_HOST: the
// renderer then configures Magento's local file cache and database sessions, see
// docs/promotion.md) and the cache track points it back once the group is writable.
// Writes only what differs, and the epoch parameter last: instances reconnect when the epoch
// changes, so everything they will read must already be in place. The epoch written is the lease
// epoch, not a counter, so a retry writes the same value and an older run can never move it back.
import { GetParametersCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { CACHE_FALLBACK_HOST, cacheWritable, observeCache } from "./cache";
import { observeDatabase } from "./database";
import { callOptions, retryThrottled, type PromotionStep } from "./context";

export class StaleEpochError extends Error {
  constructor(ours: number, theirs: number) {
    super(`endpoint epoch parameter is already ${theirs}, newer than this run's ${ours}`);
    this.name = "StaleEpochError";
  }
}

export const endpointsStep: PromotionStep = {
  name: "endpoints",
  deadlineMs: (s) => s.deadlines.endpointsMs,
  async run(ctx) {
    const names = ctx.settings.parameters;
    const [database, cache] = await Promise.all([
      retryThrottled(ctx, () => observeDatabase(ctx)),
      // The cache is off the critical path: unreadable counts as not writable (the fallback).
      retryThrottled(ctx, () => observeCache(ctx)).catch((error: unknown) => {
        ctx.log.warn("cache-unreadable", { error: (error as Error).message });
        return undefined;
      }),
    ]);
    if (!database.endpoint) throw new Error("local database endpoint not readable yet");
    if (database.source || database.status !== "available") {
      throw new Error(`local database is not writable yet (${database.status})`);
    }
    const cacheHost =
      cache && cacheWritable(cache) && cache.primaryEndpoint
        ? cache.primaryEndpoint
        : CACHE_FALLBACK_HOST;
    if (cacheHost === CACHE_FALLBACK_HOST)
      ctx.log.warn("cache-fallback", { role: cache?.role, status: cache?.status });
    const desired: [string, string][] = [
      [names.dbWriter, database.endpoint],
      [names.cachePrimary, cacheHost],
      [names.searchEndpoint, ctx.settings.searchEndpoint],
      [names.activeRegion, ctx.clients.region],
      [names.maintenance, "off"],
    ];
    const current = await retryThrottled(ctx, () =>
      ctx.clients.ssm.send(
        new GetParametersCommand({ Names: [...desired.map(([n]) => n), names.epoch] }),
        callOptions(ctx),
      ),
    );
    const values = new Map((current.Parameters ?? []).map((p) => [p.Name ?? "", p.Value ?? ""]));
    const currentEpoch = Number(values.get(names.epoch) ?? "0");
    if (Number.isFinite(currentEpoch) && currentEpoch > ctx.epoch) {
      throw new StaleEpochError(ctx.epoch, currentEpoch);
    }
    const changes = desired.filter(([name, value]) => values.get(name) !== value);
    if (values.get(names.epoch) !== String(ctx.epoch))
      changes.push([names.epoch, String(ctx.epoch)]);
    for (const [name, value] of changes) {
      await retryThrottled(ctx, () =>
        ctx.clients.ssm.send(
          new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: true }),
          callOptions(ctx),
        ),
      );
    }
    const fallback = cacheHost === CACHE_FALLBACK_HOST ? "; Magento on its local cache" : "";
    return changes.length === 0
      ? { outcome: "already-done", detail: `parameters already point here${fallback}` }
      : { outcome: "done", detail: `updated ${changes.map(([n]) => n).join(", ")}${fallback}` };
  },
};
