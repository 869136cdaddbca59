import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The table's TTL attribute: DynamoDB deletes an item some time after the epoch second it holds
 * ("Using time to live (TTL) in DynamoDB": a Number attribute in Unix epoch seconds; expired items
 * are deleted in the background, typically within a few days, so readers must check it too).
 * Magento's session handler writes its expiry here, so abandoned sessions delete themselves and
 * no garbage-collecting Scan is ever needed.
 */
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * How Magento's sessions sit in the shared state table: partition key `session#<name>_<id>`, sort
 * key `session`. The prefix keeps them apart from the platform's other items and lets the instance
 * role reach session items only (`dynamodb:LeadingKeys`).
 */
export const SESSION_KEY_PREFIX = "session#";
export const SESSION_SORT_KEY = "session";

/**
 * What the AWS SDK for PHP's DynamoDB session handler calls with locking off (`Aws\DynamoDb\
 * StandardSessionConnection`): GetItem to read, UpdateItem to write and to extend the expiry,
 * DeleteItem to destroy. No PutItem; no Scan/BatchWriteItem, which only its garbage collector uses
 * and TTL replaces.
 */
export const SESSION_ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
];

/** A table's ARN in one region: each replica of a global table has its own. */
export function tableArn(
  region: string,
  accountId: pulumi.Input<string>,
  tableName: pulumi.Input<string>,
) {
  return pulumi.interpolate`arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
}

export interface SessionsArgs {
  /** Table name; plain so every region's stack can derive it. */
  tableName: string;
  /** Other regions that get a replica (every region of the deployment but this one). */
  replicaRegions: string[];
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Protect the table from deletion in AWS and in Pulumi.
   * @default true
   */
  protect?: boolean;
}

/**
 * The platform's own state as a DynamoDB global table: on demand, point-in-time recovery on the
 * table and on every replica, encrypted with a customer key, deletion protection, TTL. Owned by
 * the home stack only; the other stacks read its name. A global table is last-writer-wins across
 * regions, so nothing here is used as a lock (the failover authority is a single-region table).
 * Magento's sessions live here when `sessionStore` is "dynamodb" (docs/sessions.md).
 */
export class Sessions extends pulumi.ComponentResource {
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;

  constructor(name: string, args: SessionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:Sessions", name, {}, opts);
    const protect = args.protect ?? true;

    // A table encrypted with a customer key needs a key in every replica's region too. The home
    // stack owns the table, so it creates those keys there (resource-level `region`) rather than
    // waiting on the other stacks.
    const replicaKeys = args.replicaRegions.map(
      (region) =>
        new aws.kms.Key(
          `${name}-${region}`,
          {
            region,
            description: `${args.tableName}: replica encryption in ${region}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
          },
          { parent: this, protect },
        ),
    );
    const table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: args.tableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "pk",
        rangeKey: "sk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
        ],
        // Replicas share the table's TTL setting unless one overrides it ("How DynamoDB global
        // tables work"), so sessions expire in every region.
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
        deletionProtectionEnabled: protect,
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        replicas: args.replicaRegions.map((regionName, i) => ({
          regionName,
          kmsKeyArn: replicaKeys[i].arn,
          deletionProtectionEnabled: protect,
          pointInTimeRecovery: true,
          propagateTags: true,
        })),
      },
      { parent: this, protect },
    );
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.registerOutputs({ tableName: this.tableName });
  }
}
