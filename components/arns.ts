// ARNs a policy document can name before the resource exists.
//
// At a first `pulumi preview` the ARN output of a resource not yet created is unknown, and
// pulumi-aws's Check turns a policy document containing any unknown value into one unknown string
// (tfbridge.TransformJSONDocument), which is what the policy pack then sees (see
// plan/checkedInputs.ts). ARNs built here from names the program chooses (or the provider
// autonames in Check, which a preview returns), the account id and the region are known at
// preview, so the least-privilege rules can verify every document before anything is created.
// Each format is AWS's, from the Service Authorization Reference ("Resource types defined by
// <service>", https://docs.aws.amazon.com/service-authorization/latest/reference/).
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./failoverFunction";

type Name = pulumi.Input<string>;

export const arns = {
  logGroup: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:logs:${region}:${account}:log-group:${name}`,
  queue: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:sqs:${region}:${account}:${name}`,
  lambdaFunction: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:lambda:${region}:${account}:function:${name}`,
  topic: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:sns:${region}:${account}:${name}`,
  database: (region: Name, account: Name, identifier: Name) =>
    pulumi.interpolate`arn:aws:rds:${region}:${account}:db:${identifier}`,
  alarm: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
  replicationGroup: (region: Name, account: Name, id: Name) =>
    pulumi.interpolate`arn:aws:elasticache:${region}:${account}:replicationgroup:${id}`,
  /** The group id in an Auto Scaling group's ARN is a UUID; the documented form matches it with `*`. */
  autoScalingGroup: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
  /**
   * Secrets Manager appends `-` and 6 random characters to a secret's name; IAM matches them with
   * `??????` ("Secrets Manager ... resource ARN", Secrets Manager User Guide, auth-and-access_iam-policies).
   */
  secret: (region: Name, account: Name, name: Name) =>
    pulumi.interpolate`arn:aws:secretsmanager:${region}:${account}:secret:${name}-??????`,
};

/**
 * A KMS key as a policy can name it before it exists: its id is random, so statements grant the
 * key through the alias the program gives it (kms:ResourceAliases, "Use aliases to control access
 * to KMS keys", AWS KMS Developer Guide, alias-authorization.html). An alias in `Resource` would
 * name the alias, not the key, so the Resource is the account's keys of the region and the
 * condition picks this one.
 */
export interface KeyRef {
  arn: pulumi.Input<string>;
  /** `alias/...`, known before the key exists. */
  alias: string;
  region: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
}

export function keyUse(
  sid: string,
  actions: string[],
  key: KeyRef,
  condition: PolicyStatement["Condition"] = {},
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: [pulumi.interpolate`arn:aws:kms:${key.region}:${key.accountId}:key/*`],
    Condition: { ...condition, "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.alias } },
  };
}

/**
 * Reading a secret (`{ username, password }` and the like) and decrypting it with its key, only
 * as Secrets Manager does it ("kms:ViaService", AWS KMS Developer Guide).
 */
export function secretRead(
  sid: string,
  region: string,
  secretArns: pulumi.Input<string>[],
  key: KeyRef,
): PolicyStatement[] {
  return [
    { Sid: sid, Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArns },
    keyUse(`${sid}Key`, ["kms:Decrypt"], key, {
      StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
    }),
  ];
}
