// SSM: point the parameters the instances render env.php from at the local endpoints. Writes only
// what differs, and the epoch parameter last: instances reconnect when the epoch changes, so
// everything they will read must already be in place. The epoch written is the lease epoch, not
// a counter, so a retry writes the same value and an older run can never move it backwards.
import { GetParametersCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { observeCache } from "./cache";
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
      retryThrottled(ctx, () => observeCache(ctx)),
    ]);
    if (!database.endpoint || !cache.primaryEndpoint) {
      throw new Error("local database or cache endpoint not readable yet");
    }
    const desired: [string, string][] = [
      [names.dbWriter, database.endpoint],
      [names.cachePrimary, cache.primaryEndpoint],
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
    return changes.length === 0
      ? { outcome: "already-done", detail: "parameters already point here" }
      : { outcome: "done", detail: `updated ${changes.map(([n]) => n).join(", ")}` };
  },
};
