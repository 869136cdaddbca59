import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DrConfig } from "../config";
import { RegionalNetwork } from "./network";
import { MagentoAppTier } from "./appTier";
import { GlobalDns } from "./dns";
import { Media } from "./media";
import { HomeOutputs } from "./homeOutputs";
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
        secretArns: [],
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

    this.outputs = {
      region: pulumi.output(cfg.region),
      activeRegion: pulumi.output(cfg.activeRegion),
      vpcId: network.vpcId,
      albDnsName: app.albDnsName,
      autoScalingGroupName: app.autoScalingGroupName,
      mediaFileSystemId: media.fileSystemId,
      ...(media.replicaFileSystemId ? { mediaReplicaFileSystemId: media.replicaFileSystemId } : {}),
      ...(dns ? { albHealthCheckId: dns.albHealthCheckId } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
