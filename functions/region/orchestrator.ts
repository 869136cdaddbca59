// The orchestrator Lambda: validates the event, wires the promotion run (promotion.ts) to the
// local region's clients and the authority table, and never throws.
import { LOG_COMPONENTS } from "../contractLog";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AuthorityStore, type PromotionMode } from "./authority";
import { IncidentLog } from "./audit";
import { createAuthorityClient, createRegionalClients, type RegionalClients } from "./clients";
import { SignalStore } from "./detection";
import { describeError } from "./errors";
import { HoldStore } from "./hold";
import { parseFailoverEvent, REJECTED_EVENT } from "./event";
import { cloudWatchLagReader, rdsReplicaLagMetric, type LagReader } from "./lag";
import { invokedLossWindowReader, type LossWindowReader } from "./lossWindow";
import { bounded, createLogger, type Logger } from "./log";
import {
  promoteRegion,
  type PromotionDeps,
  type PromotionReport,
  type PromotionRequest,
} from "./promotion";
import type { RegionFailoverSettings } from "./settings";
import type { PromotionStep } from "./steps";

export {
  promoteRegion,
  type PromotionDeps,
  type PromotionOutcome,
  type PromotionReport,
  type PromotionRequest,
} from "./promotion";

/** The detector's persisted decision, as evidence for an automatic promotion. */
export function detectorConfirmation(
  signals: SignalStore,
  settings: RegionFailoverSettings,
  now: () => number,
  holds: HoldStore,
) {
  return async (request: PromotionRequest) => {
    const hold = await holds.active();
    if (hold) {
      return { confirmed: false, reason: `operator hold by ${hold.by}: ${hold.reason}` };
    }
    const state = await signals.readDetector(settings.localRegion);
    if (!state) return { confirmed: false, reason: "no detector decision recorded" };
    if (state.lastAction !== "failover") {
      return { confirmed: false, reason: `detector's last decision is ${state.lastAction}` };
    }
    if (state.target !== request.fromRegion || state.epoch !== request.epoch) {
      return {
        confirmed: false,
        reason: `detector decided about ${state.target} at epoch ${state.epoch}, not ${request.fromRegion} at ${request.epoch}`,
      };
    }
    if (now() - state.decidedAt > settings.maxEventAgeMs) {
      return { confirmed: false, reason: "detector decision too old" };
    }
    return { confirmed: true, reason: "quorum decision recorded" };
  };
}

export interface OrchestratorDeps {
  clients: RegionalClients;
  authorityClient: DynamoDBClient;
  lagReaders: LagReader[];
  /** The RPO heartbeat's loss window; by default the configured reader function (settings.heartbeat). */
  lossWindow?: LossWindowReader;
  log: Logger;
  now: () => number;
  phases?: (mode: PromotionMode) => PromotionStep[][];
}

export type HandlerResult = PromotionReport | { outcome: "rejected" | "error"; reason: string };

/** Builds the dependencies once per container: SDK clients are reused across invocations. */
export function defaultOrchestratorDeps(
  settings: RegionFailoverSettings,
  overrides: Partial<OrchestratorDeps> = {},
): OrchestratorDeps {
  const clients = overrides.clients ?? createRegionalClients(settings.localRegion, settings.sdk);
  const now = overrides.now ?? Date.now;
  return {
    clients,
    authorityClient:
      overrides.authorityClient ?? createAuthorityClient(settings.authority.region, settings.sdk),
    lagReaders: overrides.lagReaders ?? [
      cloudWatchLagReader(clients.cloudWatch, rdsReplicaLagMetric(settings.database.instanceId)),
    ],
    lossWindow:
      overrides.lossWindow ??
      (settings.heartbeat
        ? invokedLossWindowReader(clients.lambda, settings.heartbeat.readerFunctionName, now)
        : undefined),
    log:
      overrides.log ??
      createLogger({ component: LOG_COMPONENTS.orchestrator, region: settings.localRegion }),
    now,
    phases: overrides.phases,
  };
}

export function promotionDeps(
  settings: RegionFailoverSettings,
  d: OrchestratorDeps,
): PromotionDeps {
  const table = { client: d.authorityClient, tableName: settings.authority.tableName, now: d.now };
  return {
    settings,
    clients: d.clients,
    authority: new AuthorityStore({ ...table, initialActiveRegion: settings.initialActiveRegion }),
    incidents: new IncidentLog(table),
    lagReaders: d.lagReaders,
    lossWindow: d.lossWindow,
    log: d.log,
    now: d.now,
    confirmDetection: detectorConfirmation(
      new SignalStore(table),
      settings,
      d.now,
      new HoldStore(table),
    ),
    phases: d.phases,
  };
}

/**
 * The orchestrator Lambda's handler. Never throws: a malformed, stale or replayed event is
 * logged (one structured line) and answered, because a throw would make Lambda retry an async
 * invocation, and a retry must never be how a decision is made. The detector's next run is the
 * retry mechanism.
 */
export function createOrchestratorHandler(
  settings: RegionFailoverSettings,
  deps: Partial<OrchestratorDeps> = {},
) {
  let resolved: PromotionDeps | undefined;
  return async (event: unknown, context?: { awsRequestId?: string }): Promise<HandlerResult> => {
    const d = (resolved ??= promotionDeps(settings, defaultOrchestratorDeps(settings, deps)));
    try {
      const parsed = parseFailoverEvent(event, settings, d.now());
      if (!parsed.ok) {
        // The logger cuts every value to a bounded size (log.ts): the reason quotes the event.
        d.log.warn(REJECTED_EVENT, { field: parsed.field, reason: parsed.reason });
        return {
          outcome: "rejected",
          reason: bounded(`${parsed.field}: ${parsed.reason}`) as string,
        };
      }
      const { detail } = parsed.event;
      const invocation =
        context?.awsRequestId ?? `${d.now()}-${Math.random().toString(36).slice(2)}`;
      return await promoteRegion(d, {
        incidentId: detail.incidentId,
        mode: detail.mode,
        epoch: detail.epoch,
        fromRegion: detail.failedRegion,
        trigger: "detector",
        holder: `orchestrator:${settings.localRegion}:${invocation}`,
        requireDetection: true,
      });
    } catch (error) {
      d.log.error("orchestrator-error", describeError(error));
      return { outcome: "error", reason: describeError(error).message };
    }
  };
}
