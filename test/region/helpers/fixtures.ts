// Settings and wiring shared by the region-failover tests: small deadlines so the suite is fast,
// the simulated AWS for the standby region, and a real authority table in dynalite.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AuthorityStore } from "../../../functions/region/authority";
import { IncidentLog } from "../../../functions/region/audit";
import { SignalStore } from "../../../functions/region/detection";
import type { LagReader } from "../../../functions/region/lag";
import { memoryLogger } from "../../../functions/region/log";
import {
  createOrchestratorHandler,
  promoteRegion,
  promotionDeps,
  type PromotionDeps,
  type PromotionRequest,
} from "../../../functions/region/orchestrator";
import {
  resolveSettings,
  type RegionFailoverSettings,
  type RegionFailoverSettingsInput,
} from "../../../functions/region/settings";
import { startDynalite, uniqueTableName, type LocalDynamo } from "./dynalite";
import { SIM_IDS, SimulatedAws } from "./simAws";

export const ACCOUNT = "123456789012";
export const HOME = "us-east-1";
export const STANDBY = "eu-west-1";
export const WITNESS = "us-west-2";

export const FAST_DEADLINES = {
  overallMs: 4_000,
  cacheMs: 1_500,
  databaseMs: 1_500,
  mediaMs: 1_000,
  endpointsMs: 1_000,
  capacityMs: 1_000,
  gateMs: 500,
  notifyMs: 500,
};

/** The active (home) region's own database instance and cache group: the veto's sources. */
export const SOURCE_IDS = {
  databaseInstanceId: "magento-db-use1",
  replicationGroupId: "magento-cache-use1",
};

export function testSettings(
  overrides: Partial<RegionFailoverSettingsInput> = {},
): RegionFailoverSettings {
  return resolveSettings({
    project: "magento-dr",
    accountId: ACCOUNT,
    localRegion: STANDBY,
    regions: [HOME, STANDBY, WITNESS],
    initialActiveRegion: HOME,
    authority: { tableName: "unused", region: STANDBY },
    regionEndpoints: {
      [HOME]: {
        healthUrl: "http://127.0.0.1:1/health_check.php",
        shallowUrl: "http://127.0.0.1:1/dr-shallow",
        route53HealthCheckId: "hc-use1",
        inRegionSources: SOURCE_IDS,
      },
      [STANDBY]: {
        healthUrl: "http://127.0.0.1:1/health_check.php",
        shallowUrl: "http://127.0.0.1:1/dr-shallow",
        route53HealthCheckId: "hc-euw1",
      },
      [WITNESS]: {
        healthUrl: "http://127.0.0.1:1/health_check.php",
        shallowUrl: "http://127.0.0.1:1/dr-shallow",
      },
    },
    cache: {
      globalReplicationGroupId: SIM_IDS.globalGroup,
      replicationGroupId: SIM_IDS.cacheGroup,
    },
    database: {
      instanceId: SIM_IDS.dbInstance,
      standbyAlarmNames: ["magento-db-euw1-db-replica-lag"],
    },
    media: { fileSystemId: SIM_IDS.fileSystem },
    parameters: {
      dbWriter: "/magento-dr/prod-euw1/db/writer",
      cachePrimary: "/magento-dr/prod-euw1/cache/primary",
      searchEndpoint: "/magento-dr/prod-euw1/search/endpoint",
      activeRegion: "/magento-dr/prod-euw1/active-region",
      maintenance: "/magento-dr/prod-euw1/maintenance",
      epoch: "/magento-dr/prod-euw1/endpoint-epoch",
    },
    searchEndpoint: "vpc-magento-euw1.eu-west-1.es.amazonaws.com",
    capacity: { autoScalingGroupName: SIM_IDS.asg, min: 2, desired: 4, max: 12 },
    notifyTopicArn: `arn:aws:sns:${STANDBY}:${ACCOUNT}:magento-dr-failover`,
    rpoBudgetSeconds: 30,
    detection: {
      failureThreshold: 3,
      quorum: 2,
      probesPerRun: 4,
      probeIntervalMs: 5,
      probeTimeoutMs: 150,
      witnessRegion: WITNESS,
      witnessMaxAgeMs: 60_000,
      route53TimeoutMs: 200,
    },
    leaseTtlMs: 5_000,
    maxEventAgeMs: 60_000,
    retry: { baseDelayMs: 2, maxDelayMs: 10, cacheFailoverAttempts: 3 },
    sdk: { connectionTimeoutMs: 200, requestTimeoutMs: 500, maxAttempts: 1 },
    ...overrides,
    deadlines: { ...FAST_DEADLINES, ...overrides.deadlines },
  });
}

export interface Harness {
  settings: RegionFailoverSettings;
  sim: SimulatedAws;
  dynamo: LocalDynamo;
  authorityClient: DynamoDBClient;
  authority: AuthorityStore;
  incidents: IncidentLog;
  signals: SignalStore;
  logs: Record<string, unknown>[];
  clock: { now: number };
  deps(overrides?: Partial<PromotionDeps>): PromotionDeps;
  promote(
    request: Partial<PromotionRequest>,
    overrides?: Partial<PromotionDeps>,
  ): ReturnType<typeof promoteRegion>;
  handler(overrides?: { lagReaders?: LagReader[] }): ReturnType<typeof createOrchestratorHandler>;
  close(): Promise<void>;
}

/** One authority table per test (dynalite shared per file), a fresh simulated AWS. */
export async function harness(
  dynamo: LocalDynamo,
  settingsOverrides: Partial<RegionFailoverSettingsInput> = {},
): Promise<Harness> {
  const tableName = uniqueTableName();
  await dynamo.createAuthorityTable(tableName);
  const settings = testSettings({
    ...settingsOverrides,
    authority: { tableName, region: STANDBY },
  });
  const sim = new SimulatedAws().install();
  const authorityClient = dynamo.client(STANDBY);
  const { logger, lines } = memoryLogger();
  const clock = { now: Date.now() };
  const now = () => clock.now;
  sim.now = now;
  const table = { client: authorityClient, tableName, now };
  const lagReaders: LagReader[] = [
    async () => ({ source: "database", seconds: Math.max(...sim.state.lagValues), detail: "sim" }),
  ];
  const clients = sim.clients(STANDBY);
  const deps = (overrides: Partial<PromotionDeps> = {}) => ({
    ...promotionDeps(settings, { clients, authorityClient, lagReaders, log: logger, now }),
    ...overrides,
  });
  return {
    settings,
    sim,
    dynamo,
    authorityClient,
    authority: new AuthorityStore({ ...table, initialActiveRegion: HOME }),
    incidents: new IncidentLog(table),
    signals: new SignalStore(table),
    logs: lines,
    clock,
    deps,
    promote: (request, overrides) =>
      promoteRegion(deps(overrides), {
        incidentId: "incident-1",
        mode: "unplanned",
        epoch: 0,
        fromRegion: HOME,
        trigger: "test",
        holder: "orchestrator:eu-west-1:test",
        ...request,
      }),
    handler: (overrides = {}) =>
      createOrchestratorHandler(settings, {
        clients,
        authorityClient,
        lagReaders: overrides.lagReaders ?? lagReaders,
        log: logger,
        now,
      }),
    close: async () => sim.restore(),
  };
}

export { startDynalite };
