import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TIER_PORTS } from "./network";

export type CacheRole =
  /** Creates the replication group and, from it, the Global Datastore. */
  | { kind: "primary"; authToken: pulumi.Input<string> }
  /** Joins the home stack's Global Datastore as a secondary. */
  | { kind: "member"; globalReplicationGroupId: pulumi.Input<string> };

export interface CacheArgs {
  role: CacheRole;
  /** ElastiCache replication group id; plain so alarms and Lambdas can name it. */
  replicationGroupId: string;
  nodeType: pulumi.Input<string>;
  engineVersion: pulumi.Input<string>;
  /**
   * Nodes in the group: a primary and its replicas.
   * @default 2 (a primary and one replica, in different AZs)
   */
  nodes?: number;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  logRetentionDays: number;
  /**
   * Days of daily snapshots.
   * @default 7
   */
  snapshotRetentionDays?: number;
  /**
   * Protect the group (and the Global Datastore) from deletion by Pulumi.
   * @default true
   */
  protect?: boolean;
}

/**
 * Magento's Redis (cache, page cache, sessions): a cluster-mode-disabled replication group with a
 * primary and replicas across AZs, automatic failover, encryption at rest and in transit, AUTH.
 * The home stack makes it the primary of a Global Datastore; a standby's group joins it and sets
 * only what a member may set: engine, version, node type, parameter group, encryption and AUTH
 * are the global group's.
 */
export class Cache extends pulumi.ComponentResource {
  public readonly replicationGroupId: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  public readonly primaryEndpoint: pulumi.Output<string>;
  public readonly readerEndpoint: pulumi.Output<string>;
  /** The Global Datastore's id (created here in the home stack, joined in a standby). */
  public readonly globalReplicationGroupId: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:Cache", name, {}, opts);
    const nodes = args.nodes ?? 2;
    const snapshotRetentionDays = args.snapshotRetentionDays ?? 7;
    const protect = args.protect ?? true;
    if (nodes < 2) {
      throw new Error(
        `Cache ${name}: nodes = ${nodes}; expected at least 2 (a primary and a replica) for Multi-AZ`,
      );
    }
    if (snapshotRetentionDays < 7) {
      throw new Error(
        `Cache ${name}: snapshotRetentionDays = ${snapshotRetentionDays}; expected at least 7`,
      );
    }

    const subnets = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: `${args.replicationGroupId}: isolated subnets` },
      { parent: this },
    );
    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-slow-log`,
      {
        name: `/elasticache/${args.replicationGroupId}/slow-log`,
        retentionInDays: args.logRetentionDays,
      },
      { parent: this },
    );
    const common = {
      replicationGroupId: args.replicationGroupId,
      description: `Magento cache and sessions (${args.replicationGroupId})`,
      numCacheClusters: nodes,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: TIER_PORTS.redis,
      subnetGroupName: subnets.name,
      securityGroupIds: [args.securityGroupId],
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow: "02:00-03:00",
      maintenanceWindow: "sun:05:30-sun:06:30",
      // Off: a node upgrade is a failover inside the region; operators upgrade inside a hold
      // (docs/detection.md). ElastiCache turns it off on Global Datastore members anyway.
      autoMinorVersionUpgrade: false,
      logDeliveryConfigurations: [
        {
          destination: slowLog.name,
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: "slow-log",
        },
      ],
    };

    let group: aws.elasticache.ReplicationGroup;
    if (args.role.kind === "primary") {
      group = new aws.elasticache.ReplicationGroup(
        `${name}-group`,
        {
          ...common,
          engine: "redis",
          engineVersion: args.engineVersion,
          nodeType: args.nodeType,
          parameterGroupName: "default.redis7",
          atRestEncryptionEnabled: true,
          kmsKeyId: args.kmsKeyArn,
          transitEncryptionEnabled: true,
          authToken: args.role.authToken,
        },
        { parent: this, protect },
      );
      const global = new aws.elasticache.GlobalReplicationGroup(
        `${name}-global`,
        {
          globalReplicationGroupIdSuffix: args.replicationGroupId,
          globalReplicationGroupDescription: `Magento cache and sessions across regions`,
          primaryReplicationGroupId: group.replicationGroupId,
        },
        {
          parent: this,
          protect,
          // A failover makes another region's group the primary; pointing it back here would
          // force a replacement of the whole Global Datastore.
          ignoreChanges: ["primaryReplicationGroupId"],
        },
      );
      this.globalReplicationGroupId = global.globalReplicationGroupId;
    } else {
      group = new aws.elasticache.ReplicationGroup(
        `${name}-group`,
        {
          ...common,
          globalReplicationGroupId: args.role.globalReplicationGroupId,
          kmsKeyId: args.kmsKeyArn,
        },
        {
          parent: this,
          protect,
          // An unplanned failover detaches this group from the datastore; a deploy must not
          // re-attach it (that would wipe the promoted data).
          ignoreChanges: ["globalReplicationGroupId"],
        },
      );
      this.globalReplicationGroupId = pulumi.output(args.role.globalReplicationGroupId);
    }

    this.replicationGroupId = group.replicationGroupId;
    this.arn = group.arn;
    this.primaryEndpoint = group.primaryEndpointAddress;
    this.readerEndpoint = group.readerEndpointAddress;
    this.registerOutputs({
      replicationGroupId: this.replicationGroupId,
      globalReplicationGroupId: this.globalReplicationGroupId,
    });
  }
}
