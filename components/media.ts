import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export type MediaSource =
  /** Create the file system here; optionally replicate it to `replicaRegion`. */
  | { kind: "primary"; replicaRegion?: string }
  /** Mount the replica the home stack's replication created in this region (read-only until promotion). */
  | { kind: "replica"; fileSystemId: pulumi.Input<string> };

export interface MediaArgs {
  source: MediaSource;
  /** Subnets that get a mount target, one per AZ (the application tier's). */
  subnetIds: pulumi.Input<string[]>;
  /** Plain because it decides how many mount targets exist. */
  availabilityZones: number;
  securityGroupId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  /** Region and account, for the file system's ARN (IAM statements name it). */
  region: string;
  accountId: pulumi.Input<string>;
  /**
   * Protect the file system from deletion by Pulumi.
   * @default true
   */
  protect?: boolean;
}

/**
 * Magento's pub/media on EFS: encrypted, backed up, a mount target per AZ and an access point for
 * the media directory. The home stack replicates it to the standby region; the standby mounts
 * that replica, which EFS keeps read-only until the orchestrator deletes the replication.
 */
export class Media extends pulumi.ComponentResource {
  public readonly fileSystemId: pulumi.Output<string>;
  public readonly fileSystemArn: pulumi.Output<string>;
  /** How an IAM statement names this file system before it exists. */
  public readonly policyTarget: {
    resource: pulumi.Output<string>;
    condition?: Record<string, Record<string, string>>;
  };
  public readonly accessPointId: pulumi.Output<string>;
  /** Id of the replica in `replicaRegion`, when this stack replicates. */
  public readonly replicaFileSystemId?: pulumi.Output<string>;

  constructor(name: string, args: MediaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:Media", name, {}, opts);
    const protect = args.protect ?? true;

    let fileSystemId: pulumi.Output<string>;
    if (args.source.kind === "primary") {
      const fileSystem = new aws.efs.FileSystem(
        `${name}-fs`,
        {
          encrypted: true,
          kmsKeyId: args.kmsKeyArn,
          performanceMode: "generalPurpose",
          throughputMode: "elastic",
          lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
          tags: { Name: `${name}-media` },
        },
        { parent: this, protect },
      );
      new aws.efs.BackupPolicy(
        `${name}-backup`,
        { fileSystemId: fileSystem.id, backupPolicy: { status: "ENABLED" } },
        { parent: this },
      );
      fileSystemId = fileSystem.id;
      if (args.source.replicaRegion) {
        const replication = new aws.efs.ReplicationConfiguration(
          `${name}-replication`,
          {
            sourceFileSystemId: fileSystem.id,
            destination: { region: args.source.replicaRegion },
          },
          {
            parent: this,
            protect,
            // A failover deletes the replication and makes the replica writable; a later deploy
            // must not point it somewhere else.
            ignoreChanges: ["destination", "sourceFileSystemId"],
          },
        );
        this.replicaFileSystemId = replication.destination.apply((destination) => {
          const id = destination?.fileSystemId;
          if (!id) throw new Error(`${name}: EFS replication reported no destination file system`);
          return id;
        });
      }
    } else {
      fileSystemId = pulumi.output(args.source.fileSystemId);
    }

    const subnetIds = pulumi.output(args.subnetIds);
    for (let az = 0; az < args.availabilityZones; az++) {
      new aws.efs.MountTarget(
        `${name}-mount-${az}`,
        {
          fileSystemId,
          subnetId: subnetIds.apply((ids) => {
            if (ids.length !== args.availabilityZones) {
              throw new Error(
                `${name}: expected ${args.availabilityZones} subnets, got ${ids.length}`,
              );
            }
            return ids[az];
          }),
          securityGroups: [args.securityGroupId],
        },
        { parent: this },
      );
    }
    const accessPoint = new aws.efs.AccessPoint(
      `${name}-media`,
      {
        fileSystemId,
        // Magento's PHP-FPM pool user (nginx on Amazon Linux) owns pub/media.
        posixUser: { uid: 995, gid: 992 },
        rootDirectory: {
          path: "/magento/pub/media",
          creationInfo: { ownerUid: 995, ownerGid: 992, permissions: "0775" },
        },
        tags: { Name: `${name}-media` },
      },
      { parent: this },
    );

    this.fileSystemId = fileSystemId;
    this.fileSystemArn = pulumi.interpolate`arn:aws:elasticfilesystem:${args.region}:${args.accountId}:file-system/${fileSystemId}`;
    // A file system this stack creates has a random id, unknown at a first preview: policies name
    // it by its Name tag instead (file-system resources take aws:ResourceTag/${TagKey}, "Actions,
    // resources, and condition keys for Amazon Elastic File System", Service Authorization
    // Reference), so the document is known before it exists. A replica's id comes from config
    // or the home stack, and is named exactly.
    this.policyTarget =
      args.source.kind === "primary"
        ? {
            resource: pulumi.interpolate`arn:aws:elasticfilesystem:${args.region}:${args.accountId}:file-system/*`,
            condition: { StringEquals: { "aws:ResourceTag/Name": `${name}-media` } },
          }
        : { resource: this.fileSystemArn };
    this.accessPointId = accessPoint.id;
    this.registerOutputs({
      fileSystemId: this.fileSystemId,
      accessPointId: this.accessPointId,
      replicaFileSystemId: this.replicaFileSystemId,
    });
  }
}
