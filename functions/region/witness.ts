// The witness canary: a scheduled Lambda in a third region (neither the active region nor its
// successor). Each run probes the active region's public SHALLOW URL ("the region serves HTTP",
// no PHP or data store behind it: detection.ts) and records, after every probe, the
// consecutive-failure count it reached in the authority table, where the standby's detector reads
// it as its second vantage point.
import { LOG_COMPONENTS } from "../contractLog";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AuthorityStore } from "./authority";
import { createAuthorityClient } from "./clients";
import { SignalStore } from "./detection";
import { describeError } from "./errors";
import { createLogger, type Logger } from "./log";
import { runCanary } from "./probes";
import type { RegionFailoverSettings } from "./settings";

export interface WitnessSettings {
  /** The region the witness runs in: neither the active region nor its successor. */
  witnessRegion: string;
  settings: Pick<
    RegionFailoverSettings,
    "authority" | "regionEndpoints" | "detection" | "initialActiveRegion" | "sdk"
  >;
}

export function createWitnessHandler(
  options: WitnessSettings,
  deps: { authorityClient?: DynamoDBClient; log?: Logger; now?: () => number } = {},
) {
  const { settings, witnessRegion } = options;
  const client =
    deps.authorityClient ?? createAuthorityClient(settings.authority.region, settings.sdk);
  const log =
    deps.log ?? createLogger({ component: LOG_COMPONENTS.witness, region: witnessRegion });
  const now = deps.now ?? Date.now;
  const table = { client, tableName: settings.authority.tableName };
  const authority = new AuthorityStore({
    ...table,
    initialActiveRegion: settings.initialActiveRegion,
    now,
  });
  const signals = new SignalStore(table);
  const run = async () => {
    const current = await authority.read();
    const target = current.activeRegion;
    const previous = await signals.readWitness(witnessRegion);
    const canary = await runCanary({
      url: settings.regionEndpoints[target].shallowUrl,
      probes: settings.detection.probesPerRun,
      intervalMs: settings.detection.probeIntervalMs,
      timeoutMs: settings.detection.probeTimeoutMs,
      startCount: previous?.target === target ? previous.consecutiveFailures : 0,
      onProbe: async (consecutiveFailures) => {
        await signals.writeWitness(witnessRegion, {
          target,
          consecutiveFailures,
          observedAt: now(),
        });
      },
    });
    const state = { target, consecutiveFailures: canary.consecutiveFailures, observedAt: now() };
    log.info("witness-verdict", { ...state, probes: canary.results.map((r) => r.detail) });
    return state;
  };
  // Never throws: a retried run would probe again and advance the count faster than its cadence.
  return async () => {
    try {
      return await run();
    } catch (error) {
      log.error("witness-error", describeError(error));
      return undefined;
    }
  };
}
