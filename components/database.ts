import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export type DatabaseRole =
  /** The writer, in the home region, with the master password the program generated. */
  | { kind: "primary"; masterPassword: pulumi.Input<string> }
  /** A cross-region read replica of the home writer (ARN from the home stack). */
  | { kind: "replica"; sourceDbArn: pulumi.Input<string> };

/** Automated backup retention of the database, and of the replica once it is promoted. */
export const DEFAULT_BACKUP_RETENTION_DAYS = 14;

export interface DatabaseArgs {
  role: DatabaseRole;
  /** RDS identifier; plain so log group names and alarms can be derived from it. */
  identifier: string;
  /** MySQL version, "8.4" or "8.4.x" ("8.0" only with config's warning); decides the parameter family. */
  engineVersion: string;
  instanceClass: pulumi.Input<string>;
  allocatedStorageGiB: number;
  isolatedSubnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** The region's key: a cross-region replica must be encrypted with a key of its own region. */
  kmsKeyArn: pulumi.Input<string>;
  logRetentionDays: number;
  /**
   * Days of automated backups.
   * @default 14
   */
  backupRetentionDays?: number;
  /**
   * Deletion protection in AWS and `protect` in Pulumi.
   * @default true
   */
  protect?: boolean;
}

/** The master user; its password is in the shared `db-master` secret. */
export const MASTER_USERNAME = "magento_admin";

/** Settings Magento needs on MySQL 8.x (its installer refuses some defaults). */
const MAGENTO_PARAMETERS: Record<string, string> = {
  // Magento's catalog and indexer triggers are created by a non-SUPER user.
  log_bin_trust_function_creators: "1",
  max_allowed_packet: "67108864",
  innodb_lock_wait_timeout: "120",
  slow_query_log: "1",
  long_query_time: "2",
  require_secure_transport: "1",
  binlog_format: "ROW",
  // The replica applies transactions in the source's commit order, so a row seen on it (the RPO
  // heartbeat, docs/rpo.md) means every transaction committed before it is there too: "to avoid
  // gaps occurring on a multithreaded replica, set replica_preserve_commit_order=ON" ("Replication
  // and Transaction Inconsistencies", MySQL 8.0 Reference Manual). MySQL's default since 8.0.27,
  // set here because RDS's default parameter groups are not documented to keep it.
  replica_preserve_commit_order: "1",
};

/**
 * Magento's MySQL: Multi-AZ, gp3, encrypted with the region's key, backups, Performance Insights,
 * error and slow-query logs exported. In the home region the writer; in a standby region a
 * Multi-AZ cross-region read replica of it.
 *
 * The master password is the program's (SharedSecrets keeps it in a secret replicated to every
 * region), not RDS-managed: RDS refuses to create a read replica of a source whose master password
 * Secrets Manager manages ("Limitations for Secrets Manager integration with Amazon RDS": creating
 * a read replica when the source manages credentials with Secrets Manager is not supported, for
 * every engine but SQL Server; Amazon RDS User Guide, rds-secrets-manager.html), and the managed
 * secret would stay in the lost region anyway.
 */
export class Database extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;
  public readonly address: pulumi.Output<string>;
  public readonly identifier: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:Database", name, {}, opts);
    const protect = args.protect ?? true;
    const backupRetentionDays = args.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
    if (backupRetentionDays < 7) {
      throw new Error(
        `Database ${name}: backupRetentionDays = ${backupRetentionDays}; expected at least 7`,
      );
    }

    // A parameter group's family is the engine's major version (mysql8.4 for 8.4.x).
    const majorVersion = args.engineVersion.split(".").slice(0, 2).join(".");
    const subnets = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.isolatedSubnetIds, description: `${args.identifier}: isolated subnets` },
      { parent: this },
    );
    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: `mysql${majorVersion}`,
        description: `${args.identifier}: MySQL ${majorVersion} for Magento`,
        parameters: Object.entries(MAGENTO_PARAMETERS).map(([name, value]) => ({
          name,
          value,
          applyMethod: "pending-reboot",
        })),
      },
      { parent: this },
    );
    // RDS creates these on first export with infinite retention; created here, they expire.
    const logGroups = ["error", "slowquery"].map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${log}`,
          {
            name: `/aws/rds/instance/${args.identifier}/${log}`,
            retentionInDays: args.logRetentionDays,
          },
          { parent: this },
        ),
    );

    const common = {
      identifier: args.identifier,
      instanceClass: args.instanceClass,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: args.kmsKeyArn,
      multiAz: true,
      publiclyAccessible: false,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [args.securityGroupId],
      parameterGroupName: parameters.name,
      backupRetentionPeriod: backupRetentionDays,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:30-sun:05:30",
      deletionProtection: protect,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${args.identifier}-final`,
      copyTagsToSnapshot: true,
      // Off: a Multi-AZ minor-version upgrade takes "several minutes" of unavailability (RDS User
      // Guide, "Upgrading a DB instance engine version"), on the shop's deep health check a
      // failover-sized outage. Operators upgrade on purpose, inside an operator hold
      // (docs/detection.md); test/minorUpgrades.test.ts keeps it off.
      autoMinorVersionUpgrade: false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: args.kmsKeyArn,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: ["error", "slowquery"],
      caCertIdentifier: "rds-ca-rsa2048-g1",
    };

    let instance: aws.rds.Instance;
    if (args.role.kind === "primary") {
      instance = new aws.rds.Instance(
        `${name}-writer`,
        {
          ...common,
          engine: "mysql",
          engineVersion: args.engineVersion,
          allocatedStorage: args.allocatedStorageGiB,
          maxAllocatedStorage: args.allocatedStorageGiB * 4,
          dbName: "magento",
          username: MASTER_USERNAME,
          password: args.role.masterPassword,
        },
        { parent: this, protect, dependsOn: logGroups },
      );
    } else {
      instance = new aws.rds.Instance(
        `${name}-replica`,
        {
          ...common,
          // A cross-region replica names its source by ARN; engine, version, storage size and
          // credentials come from the source.
          replicateSourceDb: args.role.sourceDbArn,
          maxAllocatedStorage: args.allocatedStorageGiB * 4,
        },
        {
          parent: this,
          protect,
          dependsOn: logGroups,
          // Promotion clears the source behind Pulumi's back; setting it again would replace
          // the promoted database with a new replica.
          ignoreChanges: ["replicateSourceDb"],
        },
      );
    }

    this.arn = instance.arn;
    this.address = instance.address;
    this.identifier = instance.identifier;
    this.registerOutputs({ arn: this.arn, address: this.address });
  }
}
