// SSM: point the parameters the instances render env.php from at the local endpoints and turn
// maintenance off: the end of the critical path. It runs once the database is writable and the
// app tier can serve; the cache is a track that may still be running, so when the local cache
// group is not writable yet Magento is pointed at its fallback (CACHE_FALLBACK_HOST: the
// renderer then configures Magento's local file cache and database sessions, see
// docs/promotion.md) and the cache track points it back once the group is writable.
// Writes only what differs, then asks for an epoch bump (bumpEpoch, the parameter's one writer):
// instances reconnect when the epoch changes, so everything they will read is already in place.
// A run that changed nothing bumps nothing, so a retry is a no-op; a run that lost its lease is
// stopped by the lease heartbeat, not by the epoch's value.
import { GetParametersCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { CACHE_FALLBACK_HOST, cacheWritable, observeCache } from "./cache";
import { observeDatabase } from "./database";
import { bumpEpoch } from "../../ssmParameters";
import { callOptions, retryThrottled, type PromotionStep } from "./context";

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
        new GetParametersCommand({ Names: desired.map(([n]) => n) }),
        callOptions(ctx),
      ),
    );
    const values = new Map((current.Parameters ?? []).map((p) => [p.Name ?? "", p.Value ?? ""]));
    const changes = desired.filter(([name, value]) => values.get(name) !== value);
    for (const [name, value] of changes) {
      await retryThrottled(ctx, () =>
        ctx.clients.ssm.send(
          new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: true }),
          callOptions(ctx),
        ),
      );
    }
    const epoch =
      changes.length > 0
        ? await retryThrottled(ctx, () =>
            bumpEpoch(ctx.clients.ssm, names.epoch, { signal: ctx.signal }),
          )
        : undefined;
    const fallback = cacheHost === CACHE_FALLBACK_HOST ? "; Magento on its local cache" : "";
    return changes.length === 0
      ? { outcome: "already-done", detail: `parameters already point here${fallback}` }
      : {
          outcome: "done",
          detail: `updated ${changes.map(([n]) => n).join(", ")}, epoch ${epoch}${fallback}`,
        };
  },
};
