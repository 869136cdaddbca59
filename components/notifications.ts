import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { arns, KeyRef } from "./arns";

export interface NotificationsArgs {
  accountId: pulumi.Input<string>;
  /**
   * Another region for the topic, queue and key (resource-level `region`).
   * @default the stack's region
   */
  region?: string;
  /** E-mail subscribed to the operator topic; optional. */
  alertEmail?: string;
  /**
   * Protect the key from deletion by Pulumi (the topic and queue are unreadable without it).
   * @default true
   */
  protect?: boolean;
}

/**
 * Where a region's operators hear about trouble: an encrypted SNS topic that CloudWatch alarms and
 * EventBridge rules publish to, and the encrypted queue that keeps the events of failed Lambda
 * invocations. The key is its own: CloudWatch and EventBridge may only publish to an encrypted
 * topic whose customer key lets them, which the AWS-managed SNS key never does.
 */
export class Notifications extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly failureQueueArn: pulumi.Output<string>;
  public readonly failureQueueName: pulumi.Output<string>;
  /** The key of the topic and queue: a Lambda needs it to send its failures to the queue. */
  public readonly keyArn: pulumi.Output<string>;
  /** The key as policies name it before it exists (through its alias). */
  public readonly key: KeyRef;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:Notifications", name, {}, opts);
    const account = pulumi.interpolate`arn:aws:iam::${args.accountId}:root`;
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        region: args.region,
        description: "Operator notifications: SNS topic and Lambda failure queue",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministers",
              Effect: "Allow",
              Principal: { AWS: account },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "AlarmsAndRulesPublish",
              Effect: "Allow",
              Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
              Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
          ],
        }),
      },
      { parent: this, protect: args.protect ?? true },
    );
    const topic = new aws.sns.Topic(
      `${name}-alerts`,
      { region: args.region, kmsMasterKeyId: key.arn },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      {
        region: args.region,
        arn: topic.arn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAlarmsAndRules",
              Effect: "Allow",
              Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
          ],
        }),
      },
      { parent: this },
    );
    if (args.alertEmail) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { region: args.region, topic: topic.arn, protocol: "email", endpoint: args.alertEmail },
        { parent: this },
      );
    }
    const queue = new aws.sqs.Queue(
      `${name}-failures`,
      { region: args.region, kmsMasterKeyId: key.arn, messageRetentionSeconds: 14 * 24 * 3600 },
      { parent: this },
    );
    const alias = `alias/${name}`;
    new aws.kms.Alias(
      `${name}-key`,
      { region: args.region, name: alias, targetKeyId: key.keyId },
      { parent: this },
    );
    // Known before the topic and queue exist (their names are): see ./arns.ts.
    const region = args.region ?? aws.getRegionOutput({}, { parent: this }).region;
    this.topicArn = arns.topic(region, args.accountId, topic.name);
    this.failureQueueArn = arns.queue(region, args.accountId, queue.name);
    this.failureQueueName = queue.name;
    this.keyArn = key.arn;
    this.key = { arn: key.arn, alias, region, accountId: args.accountId };
    this.registerOutputs({ topicArn: this.topicArn, failureQueueArn: this.failureQueueArn });
  }
}
