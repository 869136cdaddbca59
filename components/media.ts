import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export type MediaSource =
  /** Create the file system here; optionally replicate it to `replicaRegion`. */
  | { kind: "primary"; replicaRegion?: string }
  /**
   * Mount the replica the home stack's replication created in this region (read-only until
   * promotion). `pinned` when the id is the operator's (the stack's config), not the home stack's.
   */
  | { kind: "replica"; fileSystemId: pulumi.Input<string>; pinned: boolean };

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

    // The file system this stack asks to mount; for a replica, what config or the home stack says.
    let wantedFileSystemId: pulumi.Output<string>;
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
      wantedFileSystemId = fileSystem.id;
      if (args.source.replicaRegion) {
        // The replica is encrypted with a customer key of its own region from its creation: "After
        // the file system is created, you cannot change the KMS key" (EFS API Reference,
        // DestinationToCreate), and without one EFS uses the account's default key there. The
        // standby stack deploys after this one, so this stack creates that key in the replica's
        // region (resource-level `region`), as Sessions does for the table's replicas.
        const replicaKey = new aws.kms.Key(
          `${name}-replica-key`,
          {
            region: args.source.replicaRegion,
            description: `${name}: encryption of the media replica in ${args.source.replicaRegion}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
          },
          { parent: this, protect },
        );
        const replication = new aws.efs.ReplicationConfiguration(
          `${name}-replication`,
          {
            sourceFileSystemId: fileSystem.id,
            destination: { region: args.source.replicaRegion, kmsKeyId: replicaKey.arn },
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
      wantedFileSystemId = pulumi.output(args.source.fileSystemId);
    }
    // A replica named by the home stack stays on the file system it was first mounted on. The
    // home stack re-creates its replication after a failover or failback, which creates a new
    // replica with a new id; following it on the next `up` would swap the shop's media for a copy
    // still filling (or empty). So what is mounted is what the mount targets and the access point
    // hold in state, and everything downstream (instances, IAM, endpoints) follows the access
    // point. Only the operator moves it, by pinning the id in the stack's config.
    const followsHome = args.source.kind === "replica" && !args.source.pinned;
    const pinned: pulumi.CustomResourceOptions = followsHome
      ? { ignoreChanges: ["fileSystemId"] }
      : {};

    const subnetIds = pulumi.output(args.subnetIds);
    for (let az = 0; az < args.availabilityZones; az++) {
      new aws.efs.MountTarget(
        `${name}-mount-${az}`,
        {
          fileSystemId: wantedFileSystemId,
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
        { parent: this, ...pinned },
      );
    }
    const accessPoint = new aws.efs.AccessPoint(
      `${name}-media`,
      {
        fileSystemId: wantedFileSystemId,
        // Magento's PHP-FPM pool user (nginx on Amazon Linux) owns pub/media.
        posixUser: { uid: 995, gid: 992 },
        rootDirectory: {
          path: "/magento/pub/media",
          creationInfo: { ownerUid: 995, ownerGid: 992, permissions: "0775" },
        },
        tags: { Name: `${name}-media` },
      },
      { parent: this, ...pinned },
    );
    const fileSystemId = followsHome ? accessPoint.fileSystemId : wantedFileSystemId;
    if (followsHome) {
      pulumi.all([fileSystemId, wantedFileSystemId]).apply(([mounted, wanted]) => {
        const warning = replicaMoveWarning(name, mounted, wanted);
        if (warning) void pulumi.log.warn(warning, this);
      });
    }

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

/**
 * What to tell the operator when the file system the stack is asked to mount is no longer the one
 * mounted (the home stack's replication was re-created): nothing moves, and how to move on purpose.
 */
export function replicaMoveWarning(
  name: string,
  mounted: string | undefined,
  wanted: string | undefined,
): string | undefined {
  if (!mounted || !wanted || mounted === wanted) return undefined;
  return (
    `${name}: the standby stays on media file system ${mounted}; the home stack now names ` +
    `${wanted}, a replica created after it. Set magento-dr:mediaReplicaFileSystemId=${mounted} ` +
    `to keep it and silence this, or set it to ${wanted} to move once that replica holds the ` +
    `media (docs/runbook.md, "After a failback").`
  );
}
