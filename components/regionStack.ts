import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PARAMETERS } from "../functions/contract";
import type { StackOutputName } from "../functions/contractOutputs";
import { DrConfig } from "../config";
import { RegionalNetwork } from "./network";
import { MagentoAppTier } from "./appTier";
import { GlobalDns, HEALTH_CHECK_FAILURE_THRESHOLD, HEALTH_CHECK_INTERVAL_SECONDS } from "./dns";
import { Media } from "./media";
import { HomeOutputs } from "./homeOutputs";
import { Database, DEFAULT_BACKUP_RETENTION_DAYS } from "./database";
import { Cache } from "./cache";
import {
  SESSION_ITEM_ACTIONS,
  SESSION_KEY_PREFIX,
  Sessions,
  tableArn,
  TTL_ATTRIBUTE,
} from "./sessions";
import { Search } from "./search";
import { SearchUsers } from "./searchUsers";
import { SearchReplicationLink } from "./searchReplication";
import { replicationPairProblem } from "../policies/lib/searchReplication";
import { SharedSecrets } from "./sharedSecrets";
import { arns, KeyRef } from "./arns";
import { MagentoEndpoints } from "./endpoints";
import { Notifications } from "./notifications";
import { TierAutomation } from "./tierAutomation";
import { SearchReplicationAutomation } from "./searchReplicationAutomation";
import { leaderAlias } from "./searchReplication";
import { Monitoring, replicaLagAlarmName } from "./monitoring";
import { SecurityAlarms } from "./securityAlarms";
import { authorityTablePolicy } from "./authorityAccess";
import { regionalHostName } from "./regionGate";
import { authorityTable, RegionFailover, RegionFence } from "./regionFailover";
import { RegionPart } from "./regionParts";
import { HeartbeatReader } from "./heartbeatReader";

/** Magento's schema (the `db/name` parameter), where the RPO heartbeat's table lives too. */
const DATABASE_NAME = "magento";
import { DEFAULT_RECOVERY_INPUT, recoveryBudget } from "../functions/region/recoveryBudget";
import { DEFAULT_DEADLINES } from "../functions/region/settings";
import { renderUserData } from "./bootstrap/userData";
import { SHALLOW_HEALTH_PATH } from "./healthPaths";

export interface RegionStackArgs {
  config: DrConfig;
  /** The home stack's outputs; required on every stack but the home one. */
  home?: HomeOutputs;
}

const AVAILABILITY_ZONES = 3;

/** The endpoint parameters a promotion rewrites (settings field → key under the stack's path). */
const PROMOTED_PARAMETERS = {
  dbWriter: PARAMETERS.dbWriterHost,
  cachePrimary: PARAMETERS.cachePrimaryHost,
  searchEndpoint: PARAMETERS.searchEndpoint,
  activeRegion: PARAMETERS.activeRegion,
  maintenance: PARAMETERS.maintenance,
  epoch: PARAMETERS.epoch,
} as const;

function mapValues<K extends string, V, W>(record: Record<K, V>, f: (v: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;
}

/** One region of the platform: network, data tier, application tier and its DNS record. */
export class RegionStack extends pulumi.ComponentResource {
  /** Named by the stack outputs contract (functions/contractOutputs.ts). */
  public readonly outputs: Partial<Record<StackOutputName, pulumi.Output<unknown>>>;
  /** The recovery timeline this configuration achieves: typical and worst RTO, RPO, critical path. */
  public readonly recovery!: ReturnType<typeof recoveryBudget>;

  constructor(name: string, args: RegionStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:index:RegionStack", name, {}, opts);
    const cfg = args.config;
    if (!cfg.isHome && !args.home) {
      throw new Error(
        `RegionStack ${name}: a stack outside the home region needs the home stack's outputs`,
      );
    }
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const parameterPath = `/${cfg.project}/${cfg.stack}/`;
    // The tree's parts (./regionParts.ts); what moved into them keeps its URN by an alias.
    const data = new RegionPart("DataTier", `${name}-data-tier`, { parent: this });
    const serving = new RegionPart("Serving", `${name}-serving`, { parent: this });
    const operations = new RegionPart("Operations", `${name}-operations`, { parent: this });

    const key = new aws.kms.Key(
      `${name}-data`,
      {
        description: `${cfg.project} ${cfg.stack}: encryption of the region's data tier`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      { ...data.adopt(this), protect: cfg.protect },
    );
    const keyAlias = `alias/${name}-data`;
    new aws.kms.Alias(`${name}-data`, { name: keyAlias, targetKeyId: key.keyId }, data.adopt(this));
    // How policies name the key before it exists: ./arns.ts.
    const dataKey: KeyRef = { arn: key.arn, alias: keyAlias, region: cfg.region, accountId };

    const network = new RegionalNetwork(
      `${name}-net`,
      {
        cidrBlock: cfg.vpcCidr,
        region: cfg.region,
        availabilityZones: AVAILABILITY_ZONES,
        appEgressHttps: cfg.appEgressHttps,
      },
      { parent: this },
    );

    const media = new Media(
      `${name}-media`,
      {
        source: cfg.isHome
          ? { kind: "primary", replicaRegion: cfg.standbyRegion }
          : cfg.region === cfg.standbyRegion
            ? {
                kind: "replica",
                fileSystemId: cfg.mediaReplicaFileSystemId ?? args.home!.mediaReplicaFileSystemId,
                pinned: cfg.mediaReplicaFileSystemId !== undefined,
              }
            : { kind: "primary" },
        subnetIds: network.privateSubnetIds,
        availabilityZones: AVAILABILITY_ZONES,
        securityGroupId: network.fileSystemSecurityGroupId,
        kmsKeyArn: key.arn,
        region: cfg.region,
        accountId,
        protect: cfg.protect,
      },
      data.adopt(this),
    );

    const home = args.home;
    const physicalName = `${cfg.project}-${cfg.stack}`;
    const otherRegions = cfg.regions.filter((r) => r !== cfg.region);
    const asgName = `${physicalName}-magento`;
    const authorityTableName = `${cfg.project}-authority`;
    const authorityTableArn = pulumi.interpolate`arn:aws:dynamodb:${cfg.authorityRegion}:${accountId}:table/${authorityTableName}`;
    const parameterArn = (key: string) =>
      pulumi.interpolate`arn:aws:ssm:${cfg.region}:${accountId}:parameter${parameterPath}${key}`;

    const secrets = new SharedSecrets(
      `${name}-secrets`,
      {
        source: cfg.isHome
          ? {
              kind: "owner",
              replicaRegions: otherRegions,
              kmsKeyArn: key.arn,
              region: cfg.region,
              accountId,
            }
          : {
              kind: "replica",
              region: cfg.region,
              homeArns: {
                cryptKey: home!.cryptKeySecretArn,
                cacheAuth: home!.cacheAuthSecretArn,
                databaseUser: home!.databaseUserSecretArn,
              },
            },
      },
      data.adopt(this),
    );

    const database = new Database(
      `${name}-db`,
      {
        role: cfg.isHome
          ? { kind: "primary", masterPassword: secrets.databaseMasterPassword! }
          : { kind: "replica", sourceDbArn: home!.databaseArn },
        identifier: physicalName,
        engineVersion: cfg.dbEngineVersion,
        instanceClass: cfg.dbInstanceClass,
        allocatedStorageGiB: cfg.dbAllocatedStorageGiB,
        isolatedSubnetIds: network.isolatedSubnetIds,
        securityGroupId: network.databaseSecurityGroupId,
        kmsKeyArn: key.arn,
        logRetentionDays: cfg.logRetentionDays,
        protect: cfg.protect,
      },
      data.adopt(this),
    );

    const cache = new Cache(
      `${name}-cache`,
      {
        role: cfg.isHome
          ? { kind: "primary", authToken: secrets.cacheAuthToken! }
          : { kind: "member", globalReplicationGroupId: home!.globalDatastoreId },
        replicationGroupId: physicalName,
        nodeType: cfg.cacheNodeType,
        engineVersion: cfg.cacheEngineVersion,
        subnetIds: network.isolatedSubnetIds,
        securityGroupId: network.cacheSecurityGroupId,
        kmsKeyArn: key.arn,
        logRetentionDays: cfg.logRetentionDays,
        protect: cfg.protect,
      },
      data.adopt(this),
    );

    const sessionsTableName = cfg.isHome
      ? new Sessions(
          `${name}-sessions`,
          {
            tableName: `${cfg.project}-state`,
            replicaRegions: otherRegions,
            kmsKeyArn: key.arn,
            protect: cfg.protect,
          },
          data.adopt(this),
        ).tableName
      : pulumi.output(home!.sessionsTableName);

    const search = new Search(
      `${name}-search`,
      {
        domainName: physicalName,
        engineVersion: cfg.searchEngineVersion,
        instanceType: cfg.searchInstanceType,
        masterInstanceType: cfg.searchMasterInstanceType,
        dataNodes: cfg.searchDataNodes,
        volumeGiB: cfg.searchVolumeGiB,
        subnetIds: network.isolatedSubnetIds,
        availabilityZones: AVAILABILITY_ZONES,
        securityGroupId: network.searchSecurityGroupId,
        kmsKeyArn: key.arn,
        accountId,
        region: cfg.region,
        logRetentionDays: cfg.logRetentionDays,
        protect: cfg.protect,
        createServiceLinkedRole: cfg.isHome && cfg.createOpenSearchServiceRole,
      },
      data.adopt(this),
    );

    // Magento's and the checker's own users of the domain (their secrets; the replication function
    // creates the users).
    const searchUsers = new SearchUsers(
      `${name}-search-users`,
      { domainName: physicalName, kmsKeyArn: key.arn, accountId, region: cfg.region },
      data.adopt(this),
    );

    // The hosts the search checker may point Magento at (the region's own domain first, then
    // configured extra candidates, docs/search.md); also the only ones instances accept.
    const searchEndpoints = [search.endpoint, ...cfg.searchFallbackEndpoints];
    if (!cfg.isHome) {
      const problem = replicationPairProblem(cfg.searchEngineVersion, home!.searchEngineVersion);
      if (problem) {
        throw new Error(
          `RegionStack ${name}: searchEngineVersion = ${cfg.searchEngineVersion} cannot follow the home domain: ${problem}; ` +
            "set the same major version in both stacks (upgrade the follower first)",
        );
      }
      // The standby follows the home domain; the second link lets the home domain follow this
      // one after a failover, which is how a failback gets fresh search data (docs/search.md).
      // Both belong to this stack so the home stack never reads the standby's outputs.
      const homeDomain = { domainName: home!.searchDomainName, region: cfg.homeRegion };
      const localDomain = { domainName: search.domainName, region: cfg.region };
      new SearchReplicationLink(
        `${name}-search-follow-home`,
        { accountId, follower: localDomain, leader: homeDomain },
        data.adopt(this),
      );
      if (cfg.region === cfg.standbyRegion) {
        new SearchReplicationLink(
          `${name}-search-home-follows`,
          { accountId, follower: homeDomain, leader: localDomain },
          data.adopt(this),
        );
      }
    }

    const app = new MagentoAppTier(
      `${name}-app`,
      {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        albSecurityGroupId: network.albSecurityGroupId,
        appSecurityGroupId: network.appSecurityGroupId,
        domainName: cfg.domainName,
        region: cfg.region,
        regionalName: regionalHostName(cfg.region, cfg.domainName),
        hostedZoneId: cfg.hostedZoneId,
        amiId: cfg.amiId,
        instanceType: cfg.instanceType,
        capacity: cfg.capacity,
        autoScalingGroupName: asgName,
        authorityTableArn,
        sessions:
          cfg.sessionStore === "dynamodb"
            ? {
                tableArn: tableArn(cfg.region, accountId, sessionsTableName),
                actions: SESSION_ITEM_ACTIONS,
                keyPrefix: SESSION_KEY_PREFIX,
              }
            : undefined,
        userData: renderUserData({
          project: cfg.project,
          stack: cfg.stack,
          region: cfg.region,
          parameterPath,
          fileSystemId: media.fileSystemId,
          accessPointId: media.accessPointId,
          authorityTable: authorityTableName,
          authorityRegion: cfg.authorityRegion,
          // The stack's own resources: the promotion and the tier automation only ever write these.
          endpointAllowlist: {
            [PARAMETERS.dbWriterHost]: [database.address],
            [PARAMETERS.dbReaderHost]: [database.address],
            [PARAMETERS.cachePrimaryHost]: [cache.primaryEndpoint],
            [PARAMETERS.cacheReaderHost]: [cache.readerEndpoint],
            [PARAMETERS.searchEndpoint]: searchEndpoints,
          },
        }),
        parameterArn: pulumi.interpolate`arn:aws:ssm:${cfg.region}:${accountId}:parameter${parameterPath}*`,
        secretArns: [
          secrets.policyArns.databaseUser,
          secrets.policyArns.cacheAuth,
          secrets.policyArns.cryptKey,
          searchUsers.magento.secretPolicyArn,
        ],
        secretsKey: dataKey,
        fileSystem: media.policyTarget,
        deletionProtection: cfg.protect,
      },
      serving.adopt(this),
    );

    const dns = new GlobalDns(
      `${name}-dns`,
      {
        hostedZoneId: cfg.hostedZoneId,
        domainName: cfg.domainName,
        role: cfg.failoverRole,
        region: cfg.region,
        albDnsName: app.albDnsName,
        albZoneId: app.albZoneId,
        gate: cfg.isHome
          ? { project: cfg.project, homeRegion: cfg.homeRegion, alarmRegion: cfg.standbyRegion }
          : undefined,
      },
      serving.adopt(this),
    );

    const notifications = new Notifications(
      `${name}-notify`,
      { accountId, alertEmail: cfg.alertEmail, protect: cfg.protect },
      operations.adopt(this),
    );
    // What every function in the VPC shares: where it runs, where its failures go, its logs.
    const inVpc = {
      privateSubnetIds: network.privateSubnetIds,
      lambdaSecurityGroupId: network.lambdaSecurityGroupId,
      failureQueueArn: notifications.failureQueueArn,
      failureQueueKey: notifications.key,
      logRetentionDays: cfg.logRetentionDays,
    };
    // Every region's domain can follow: the standby follows the home domain, and after a failover
    // the home domain follows the standby (the links above, all owned by the standby stack).
    const searchReplication = new SearchReplicationAutomation(
      `${name}-search-replication`,
      {
        region: cfg.region,
        domainName: search.domainName,
        endpoint: search.endpoint,
        indexPrefix: cfg.searchIndexPrefix,
        leaderAliases: Object.fromEntries(
          (cfg.isHome ? otherRegions.filter((r) => r === cfg.standbyRegion) : [cfg.homeRegion]).map(
            (r) => [r, leaderAlias(r)],
          ),
        ),
        secretArn: search.credentialsSecretArn,
        secretPolicyArn: search.credentialsSecretPolicyArn,
        secretKey: dataKey,
        users: { magento: searchUsers.magento, checker: searchUsers.checker },
        authority: {
          tableName: authorityTableName,
          region: cfg.authorityRegion,
          tableArn: authorityTableArn,
          initialActiveRegion: cfg.activeRegion,
        },
        ...inVpc,
      },
      operations.adopt(this),
    );
    // Magento and the checker are switched to their own users only once the deployment has put
    // those users in the domain (SearchReplicationAutomation.usersReady).
    const whenUsersReady = (value: pulumi.Output<string>) =>
      pulumi.all([value, searchReplication.usersReady]).apply(([v]) => v);

    // In a standby region every endpoint is local: the replica database (writer once promoted),
    // the member cache group, the local search domain and the replicated media.
    new MagentoEndpoints(
      `${name}-endpoints`,
      {
        path: parameterPath,
        values: {
          [PARAMETERS.dbWriterHost]: database.address,
          [PARAMETERS.dbReaderHost]: database.address,
          [PARAMETERS.dbName]: DATABASE_NAME,
          [PARAMETERS.dbSecretArn]: secrets.arns.databaseUser,
          [PARAMETERS.cachePrimaryHost]: cache.primaryEndpoint,
          [PARAMETERS.cacheReaderHost]: cache.readerEndpoint,
          [PARAMETERS.cachePort]: "6379",
          [PARAMETERS.cacheAuthSecretArn]: secrets.arns.cacheAuth,
          [PARAMETERS.searchEndpoint]: search.endpoint,
          // Magento's own user (least privilege); the master user stays with the replication function.
          [PARAMETERS.searchSecretArn]: whenUsersReady(searchUsers.magento.secretArn),
          [PARAMETERS.searchReindexRequested]: "0",
          [PARAMETERS.sessionsTable]: sessionsTableName,
          // Magento's session store, and where its items live: the region's own replica.
          [PARAMETERS.sessionsStore]: cfg.sessionStore,
          [PARAMETERS.sessionsRegion]: cfg.region,
          [PARAMETERS.sessionsTtlAttribute]: TTL_ATTRIBUTE,
          [PARAMETERS.sessionsKeyPrefix]: SESSION_KEY_PREFIX,
          [PARAMETERS.mediaFileSystemId]: media.fileSystemId,
          [PARAMETERS.appBaseUrl]: `https://${cfg.domainName}/`,
          [PARAMETERS.appCryptKeySecretArn]: secrets.arns.cryptKey,
          [PARAMETERS.activeRegion]: cfg.activeRegion,
          [PARAMETERS.maintenance]: cfg.isActive ? "off" : "on",
          [PARAMETERS.epoch]: "0",
        },
      },
      serving.adopt(this),
    );

    const automation = new TierAutomation(
      `${name}-tiers`,
      {
        region: cfg.region,
        accountId,
        parameterPath,
        replicationGroupId: physicalName,
        replicationGroupArn: arns.replicationGroup(cfg.region, accountId, physicalName),
        searchEndpoints,
        searchSecretArn: whenUsersReady(searchUsers.checker.secretArn),
        searchSecretPolicyArn: searchUsers.checker.secretPolicyArn,
        searchSecretKey: dataKey,
        privateSubnetIds: network.privateSubnetIds,
        lambdaSecurityGroupId: network.lambdaSecurityGroupId,
        topicArn: notifications.topicArn,
        failureQueueArn: notifications.failureQueueArn,
        failureQueueKey: notifications.key,
        logRetentionDays: cfg.logRetentionDays,
      },
      operations.adopt(this),
    );
    new Monitoring(
      `${name}-monitoring`,
      {
        region: cfg.region,
        accountId,
        topicArn: notifications.topicArn,
        thresholds: cfg.alarmThresholds,
        replicaRegion: !cfg.isHome,
        activeRegion: cfg.activeRegion,
        namePrefix: physicalName,
        replicationGroupId: physicalName,
        cacheNodes: 2,
        databaseIdentifier: physicalName,
        searchDomainName: physicalName,
        albArnSuffix: app.albArnSuffix,
        targetGroupArnSuffix: app.targetGroupArnSuffix,
        healthCheckId: dns.albHealthCheckId,
        functionLogGroups: [
          ...automation.functions.map((f) => f.logGroupName),
          searchReplication.logGroupName,
        ],
      },
      operations.adopt(this),
    );

    new SecurityAlarms(
      `${name}-security`,
      { namePrefix: physicalName, stack: cfg.stack, topicArn: notifications.topicArn },
      operations.adopt(this),
    );

    const fence = new RegionFence(
      `${name}-fence`,
      {
        settings: {
          localRegion: cfg.region,
          initialActiveRegion: cfg.activeRegion,
          authority: { tableName: authorityTableName, region: cfg.authorityRegion },
          autoScalingGroupName: asgName,
          standbyCapacity: cfg.standby === "warm" ? cfg.warmCapacity : { min: 0, desired: 0 },
          maintenanceParameter: `${parameterPath}maintenance`,
        },
        authorityTableArn,
        autoScalingGroupArn: arns.autoScalingGroup(cfg.region, accountId, asgName),
        maintenanceParameterArn: parameterArn(PARAMETERS.maintenance),
        failureQueueArn: notifications.failureQueueArn,
        failureQueueKey: notifications.key,
        logRetentionDays: cfg.logRetentionDays,
      },
      operations.adopt(this),
    );

    const recovery = recoveryBudget({
      ...DEFAULT_RECOVERY_INPUT,
      mode: "unplanned",
      standby: cfg.standby,
      rpoBudgetSeconds: cfg.rpoBudgetSeconds,
      measurements: cfg.recoveryMeasurements,
      route53: {
        requestIntervalSeconds: HEALTH_CHECK_INTERVAL_SECONDS,
        failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
        // The failover records are aliases to ALBs, whose answers carry a 60 s TTL.
        ttlSeconds: 60,
      },
    });

    // The RPO heartbeat's reader, beside this region's database (docs/rpo.md): the standby's
    // promotion reads what reached its replica; the home region's serves the operator CLI's
    // failback, when the home database is a replica of the promoted standby.
    const heartbeatReader = new HeartbeatReader(
      `${name}-heartbeat-reader`,
      {
        region: cfg.region,
        databaseHost: database.address,
        databaseName: DATABASE_NAME,
        secretArn: secrets.arns.databaseUser,
        secretPolicyArn: secrets.policyArns.databaseUser,
        secretKey: dataKey,
        ...inVpc,
      },
      operations.adopt(this),
    );

    let failover: RegionFailover | undefined;
    if (cfg.region === cfg.standbyRegion) {
      const standby = new RegionPart("StandbyAutomation", `${name}-standby`, { parent: this });
      const table = authorityTable(
        `${name}-authority`,
        { tableName: authorityTableName, region: cfg.authorityRegion, protect: cfg.protect },
        standby.adopt(this),
      );
      const witnessNotifications = cfg.witnessRegion
        ? new Notifications(
            `${name}-witness-notify`,
            { accountId, region: cfg.witnessRegion, protect: cfg.protect },
            standby.adopt(this),
          )
        : undefined;
      const homeMediaArn = pulumi.interpolate`arn:aws:elasticfilesystem:${cfg.homeRegion}:${accountId}:file-system/${home!.mediaFileSystemId}`;
      failover = new RegionFailover(
        `${name}-failover`,
        {
          settings: {
            project: cfg.project,
            accountId,
            localRegion: cfg.region,
            regions: cfg.regions,
            initialActiveRegion: cfg.activeRegion,
            authority: { tableName: authorityTableName, region: cfg.authorityRegion },
            regionEndpoints: Object.fromEntries(
              cfg.regions.map((r) => [
                r,
                {
                  healthUrl: `https://${regionalHostName(r, cfg.domainName)}${cfg.healthCheckPath}`,
                  shallowUrl: `https://${regionalHostName(r, cfg.domainName)}${SHALLOW_HEALTH_PATH}`,
                  route53HealthCheckId: r === cfg.homeRegion ? home!.albHealthCheckId : undefined,
                  // The home stack names its database instance and cache group alike, by its
                  // physical name, which ends its database's ARN (…:db:<name>).
                  inRegionSources:
                    r === cfg.homeRegion
                      ? {
                          databaseInstanceId: home!.databaseArn.split(":").pop()!,
                          replicationGroupId: home!.databaseArn.split(":").pop()!,
                        }
                      : undefined,
                },
              ]),
            ),
            cache: {
              globalReplicationGroupId: home!.globalDatastoreId,
              replicationGroupId: physicalName,
            },
            database: {
              instanceId: physicalName,
              backupRetentionDays: DEFAULT_BACKUP_RETENTION_DAYS,
              standbyAlarmNames: [replicaLagAlarmName(physicalName)],
            },
            // The file system the standby mounts (Media pins it), not what the home names now.
            media: media.fileSystemId.apply((fileSystemId) => ({ fileSystemId })),
            parameters: mapValues(PROMOTED_PARAMETERS, (key) => `${parameterPath}${key}`),
            searchEndpoint: search.endpoint,
            search: searchReplication.functionName.apply((replicationFunctionName) => ({
              replicationFunctionName,
              reindexParameter: `${parameterPath}${PARAMETERS.searchReindexRequested}`,
            })),
            heartbeat: heartbeatReader.functionName.apply((readerFunctionName) => ({
              readerFunctionName,
            })),
            capacity: { autoScalingGroupName: asgName, ...cfg.activeCapacity },
            notifyTopicArn: notifications.topicArn,
            rpoBudgetSeconds: cfg.rpoBudgetSeconds,
            detection: { witnessRegion: cfg.witnessRegion },
          },
          arns: {
            authorityTable: authorityTableArn,
            replicationGroup: arns.replicationGroup(cfg.region, accountId, physicalName),
            globalReplicationGroup: pulumi.interpolate`arn:aws:elasticache::${accountId}:globalreplicationgroup:${home!.globalDatastoreId}`,
            database: arns.database(cfg.region, accountId, physicalName),
            fileSystems: { local: media.fileSystemArn, source: homeMediaArn },
            standbyAlarms: [arns.alarm(cfg.region, accountId, replicaLagAlarmName(physicalName))],
            parameters: [
              ...Object.values(PROMOTED_PARAMETERS).map(parameterArn),
              parameterArn(PARAMETERS.searchReindexRequested),
            ],
            autoScalingGroup: arns.autoScalingGroup(cfg.region, accountId, asgName),
            topic: notifications.topicArn,
            topicKey: notifications.key,
            activeRegionHealthCheck: pulumi.interpolate`arn:aws:route53:::healthcheck/${home!.albHealthCheckId}`,
            searchReplicationFunction: searchReplication.fn.policyArn,
            heartbeatReaderFunction: heartbeatReader.fn.policyArn,
          },
          failureQueueArn: notifications.failureQueueArn,
          failureQueueKey: notifications.key,
          witness:
            cfg.witnessRegion && witnessNotifications
              ? {
                  region: cfg.witnessRegion,
                  failureQueueArn: witnessNotifications.failureQueueArn,
                  failureQueueKey: witnessNotifications.key,
                }
              : undefined,
          logRetentionDays: cfg.logRetentionDays,
          deadlineSeconds: DEFAULT_DEADLINES.overallMs / 1000,
          // The policy checks the worst path, not the typical one.
          rtoBudgetSeconds: recovery.rtoWorstSeconds,
          topicArn: notifications.topicArn,
        },
        standby.adopt(this),
      );
      authorityTablePolicy(
        `${name}-authority`,
        {
          tableArn: table.arn,
          region: cfg.authorityRegion,
          writerRoleArns: failover.writerRoleArns,
          // Every region's fence role (`<stack>-fence-role-<suffix>`, FailoverFunction's naming).
          writerRolePatterns: [pulumi.interpolate`arn:aws:iam::${accountId}:role/*-fence-role-*`],
          operatorRoleArns: cfg.operatorRoleArns,
        },
        standby.adopt(this),
      );
    }
    this.recovery = recovery;

    this.outputs = {
      region: pulumi.output(cfg.region),
      activeRegion: pulumi.output(cfg.activeRegion),
      vpcId: network.vpcId,
      albDnsName: app.albDnsName,
      autoScalingGroupName: app.autoScalingGroupName,
      mediaFileSystemId: media.fileSystemId,
      databaseArn: database.arn,
      databaseAddress: database.address,
      globalDatastoreId: cache.globalReplicationGroupId,
      cacheReplicationGroupId: cache.replicationGroupId,
      sessionsTableName,
      searchEndpoint: search.endpoint,
      searchDomainName: search.domainName,
      searchReplicationFunctionName: searchReplication.functionName,
      searchEngineVersion: pulumi.output(cfg.searchEngineVersion),
      parameterPath: pulumi.output(parameterPath),
      alertTopicArn: notifications.topicArn,
      ...(cfg.isHome
        ? {
            cryptKeySecretArn: secrets.arns.cryptKey,
            cacheAuthSecretArn: secrets.arns.cacheAuth,
            databaseUserSecretArn: secrets.arns.databaseUser,
            databaseMasterSecretArn: secrets.databaseMasterSecretArn!,
          }
        : {}),
      ...(media.replicaFileSystemId ? { mediaReplicaFileSystemId: media.replicaFileSystemId } : {}),
      albHealthCheckId: dns.albHealthCheckId,
      recoveryBudget: pulumi.output(recovery),
      fenceFunctionArn: fence.functionArn,
      ...(failover
        ? {
            detectorFunctionArn: failover.detector.functionArn,
            orchestratorFunctionArn: failover.orchestrator.functionArn,
          }
        : {}),
      heartbeatReaderFunctionName: heartbeatReader.functionName,
    };
    this.registerOutputs(this.outputs);
  }
}
