import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DrConfig } from "../config";
import { RegionalNetwork } from "./network";
import { MagentoAppTier } from "./appTier";
import { GlobalDns } from "./dns";
import { Media } from "./media";
import { HomeOutputs } from "./homeOutputs";
import { Database } from "./database";
import { Cache } from "./cache";
import { Sessions } from "./sessions";
import { Search } from "./search";
import { SharedSecrets } from "./sharedSecrets";
import { MagentoEndpoints } from "./endpoints";
import { Notifications } from "./notifications";
import { TierAutomation } from "./tierAutomation";
import { Monitoring } from "./monitoring";
import { renderUserData } from "./bootstrap/userData";

export interface RegionStackArgs {
  config: DrConfig;
  /** The home stack's outputs; required on every stack but the home one. */
  home?: HomeOutputs;
}

const AVAILABILITY_ZONES = 3;

/** One region of the platform: network, data tier, application tier and its DNS record. */
export class RegionStack extends pulumi.ComponentResource {
  public readonly outputs: Record<string, pulumi.Output<unknown>>;

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

    const key = new aws.kms.Key(
      `${name}-data`,
      {
        description: `${cfg.project} ${cfg.stack}: encryption of the region's data tier`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      { parent: this, protect: cfg.protect },
    );

    const network = new RegionalNetwork(
      `${name}-net`,
      { cidrBlock: cfg.vpcCidr, region: cfg.region, availabilityZones: AVAILABILITY_ZONES },
      { parent: this },
    );

    const media = new Media(
      `${name}-media`,
      {
        source: cfg.isHome
          ? { kind: "primary", replicaRegion: cfg.authorityRegion }
          : cfg.region === cfg.authorityRegion
            ? { kind: "replica", fileSystemId: args.home!.mediaReplicaFileSystemId }
            : { kind: "primary" },
        subnetIds: network.privateSubnetIds,
        availabilityZones: AVAILABILITY_ZONES,
        securityGroupId: network.fileSystemSecurityGroupId,
        kmsKeyArn: key.arn,
        region: cfg.region,
        accountId,
        protect: cfg.protect,
      },
      { parent: this },
    );

    const home = args.home;
    const physicalName = `${cfg.project}-${cfg.stack}`;
    const otherRegions = cfg.regions.filter((r) => r !== cfg.region);

    const secrets = new SharedSecrets(
      `${name}-secrets`,
      {
        source: cfg.isHome
          ? { kind: "owner", replicaRegions: otherRegions, kmsKeyArn: key.arn }
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
      { parent: this },
    );

    const database = new Database(
      `${name}-db`,
      {
        role: cfg.isHome
          ? { kind: "primary" }
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
      { parent: this },
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
      { parent: this },
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
          { parent: this },
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
      },
      { parent: this },
    );

    // In a standby region every endpoint is local: the replica database (writer once promoted),
    // the member cache group, the local search domain and the replicated media.
    new MagentoEndpoints(
      `${name}-endpoints`,
      {
        path: parameterPath,
        values: {
          "db/writer-host": database.address,
          "db/reader-host": database.address,
          "db/name": "magento",
          "db/secret-arn": secrets.arns.databaseUser,
          "cache/primary-host": cache.primaryEndpoint,
          "cache/reader-host": cache.readerEndpoint,
          "cache/port": "6379",
          "cache/auth-secret-arn": secrets.arns.cacheAuth,
          "search/endpoint": search.endpoint,
          "search/secret-arn": search.credentialsSecretArn,
          "sessions/table": sessionsTableName,
          "media/file-system-id": media.fileSystemId,
          "app/base-url": `https://${cfg.domainName}/`,
          "app/crypt-key-secret-arn": secrets.arns.cryptKey,
          "active-region": cfg.activeRegion,
          epoch: "0",
        },
      },
      { parent: this },
    );

    const app = new MagentoAppTier(
      `${name}-app`,
      {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        albSecurityGroupId: network.albSecurityGroupId,
        appSecurityGroupId: network.appSecurityGroupId,
        domainName: cfg.domainName,
        hostedZoneId: cfg.hostedZoneId,
        healthCheckPath: cfg.healthCheckPath,
        amiId: cfg.amiId,
        instanceType: cfg.instanceType,
        capacity: cfg.capacity,
        userData: renderUserData({
          project: cfg.project,
          stack: cfg.stack,
          region: cfg.region,
          parameterPath,
          fileSystemId: media.fileSystemId,
          accessPointId: media.accessPointId,
        }),
        parameterArn: pulumi.interpolate`arn:aws:ssm:${cfg.region}:${accountId}:parameter${parameterPath}*`,
        secretArns: [
          secrets.arns.databaseUser,
          secrets.arns.cacheAuth,
          secrets.arns.cryptKey,
          search.credentialsSecretArn,
        ],
        fileSystemArn: media.fileSystemArn,
        deletionProtection: cfg.protect,
      },
      { parent: this },
    );

    let dns: GlobalDns | undefined;
    if (cfg.failoverRole) {
      dns = new GlobalDns(
        `${name}-dns`,
        {
          hostedZoneId: cfg.hostedZoneId,
          domainName: cfg.domainName,
          role: cfg.failoverRole,
          region: cfg.region,
          albDnsName: app.albDnsName,
          albZoneId: app.albZoneId,
          healthCheckPath: cfg.healthCheckPath,
        },
        { parent: this },
      );
    }

    const notifications = new Notifications(
      `${name}-notify`,
      { accountId, region: cfg.region, alertEmail: cfg.alertEmail, protect: cfg.protect },
      { parent: this },
    );
    const automation = new TierAutomation(
      `${name}-tiers`,
      {
        region: cfg.region,
        accountId,
        parameterPath,
        replicationGroupId: physicalName,
        replicationGroupArn: cache.arn,
        searchEndpoints: [search.endpoint],
        searchSecretArn: search.credentialsSecretArn,
        searchSecretKeyArn: key.arn,
        privateSubnetIds: network.privateSubnetIds,
        lambdaSecurityGroupId: network.lambdaSecurityGroupId,
        topicArn: notifications.topicArn,
        failureQueueArn: notifications.failureQueueArn,
        failureQueueKeyArn: notifications.keyArn,
        logRetentionDays: cfg.logRetentionDays,
      },
      { parent: this },
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
        healthCheckId: dns?.albHealthCheckId,
        functionLogGroups: automation.functions.map((f) => f.logGroupName),
      },
      { parent: this },
    );

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
      parameterPath: pulumi.output(parameterPath),
      alertTopicArn: notifications.topicArn,
      ...(cfg.isHome
        ? {
            cryptKeySecretArn: secrets.arns.cryptKey,
            cacheAuthSecretArn: secrets.arns.cacheAuth,
            databaseUserSecretArn: secrets.arns.databaseUser,
          }
        : {}),
      ...(media.replicaFileSystemId ? { mediaReplicaFileSystemId: media.replicaFileSystemId } : {}),
      ...(dns ? { albHealthCheckId: dns.albHealthCheckId } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
