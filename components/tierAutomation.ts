import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PARAMETERS } from "../functions/contract";
import {
  ACCEPTED_CACHE_EVENTS,
  createCacheEndpointSyncHandler,
} from "../functions/cacheEndpointSync";
import { LAMBDA_ENVIRONMENT } from "../functions/contractEnvironment";
import { METRIC_NAMESPACES, SEARCH_METRICS } from "../functions/contractMetrics";
import { createSearchHealthHandler } from "../functions/searchHealth";
import { basicAuthFromSecret } from "../functions/searchAuth";
import { FailoverFunction } from "./failoverFunction";
import { KeyRef, secretRead } from "./arns";

/** Alarms on the cache group are named with this prefix, so their state changes reach the sync. */
export function cacheAlarmPrefix(replicationGroupId: string): string {
  return `${replicationGroupId}-cache-`;
}

/** The seed's switch: leave after 3 consecutive failures, come back after 5 successes. */
export const SEARCH_CHECKER_THRESHOLDS = { failureThreshold: 3, recoveryThreshold: 5 } as const;

export interface TierAutomationArgs {
  region: string;
  accountId: pulumi.Input<string>;
  /** `/<project>/<stack>/`: the endpoint parameters live under it. */
  parameterPath: string;
  replicationGroupId: string;
  replicationGroupArn: pulumi.Input<string>;
  /** Search endpoints by priority, first preferred (the region's own domain first). */
  searchEndpoints: pulumi.Input<string>[];
  /** The search user's secret (the probe authenticates: fine-grained access refuses anonymous). */
  searchSecretArn: pulumi.Input<string>;
  /** The same secret as a policy names it before it exists (./arns.ts `secret`). */
  searchSecretPolicyArn: pulumi.Input<string>;
  /** Key the secret is encrypted with. */
  searchSecretKey: KeyRef;
  privateSubnetIds: pulumi.Input<string[]>;
  lambdaSecurityGroupId: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  logRetentionDays: number;
}

/**
 * The in-region automation: (1) after an ElastiCache failover, re-read the group's primary
 * endpoint and bump the epoch so every instance reconnects instead of writing to a node that is
 * now a read-only replica; (2) every minute, probe the search endpoints and move Magento to a
 * healthy one after consecutive failures, with hysteresis.
 */
export class TierAutomation extends pulumi.ComponentResource {
  public readonly cacheSyncFunctionArn: pulumi.Output<string>;
  public readonly searchHealthFunctionArn: pulumi.Output<string>;
  public readonly functions: FailoverFunction<unknown, unknown>[];

  constructor(name: string, args: TierAutomationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:TierAutomation", name, {}, opts);
    const parameter = (key: string) => `${args.parameterPath}${key}`;
    const parameterArn = (key: string) =>
      pulumi.interpolate`arn:aws:ssm:${args.region}:${args.accountId}:parameter${parameter(key)}`;

    // Plain values only: the closures below are serialized into the Lambda packages.
    const cacheSettings = {
      region: args.region,
      replicationGroupId: args.replicationGroupId,
      primaryParameterName: parameter(PARAMETERS.cachePrimaryHost),
      readerParameterName: parameter(PARAMETERS.cacheReaderHost),
      epochParameterName: parameter(PARAMETERS.epoch),
    };
    const cacheSync = new FailoverFunction(
      `${name}-cache-sync`,
      {
        description: "Keeps Magento's Redis endpoint right after an ElastiCache failover",
        callbackFactory: () =>
          createCacheEndpointSyncHandler({
            ...cacheSettings,
            accountId: process.env[LAMBDA_ENVIRONMENT.accountId] ?? "",
          }),
        environment: { [LAMBDA_ENVIRONMENT.accountId]: args.accountId },
        statements: [
          {
            Sid: "ReadReplicationGroup",
            Effect: "Allow",
            Action: ["elasticache:DescribeReplicationGroups"],
            Resource: [args.replicationGroupArn],
          },
          {
            Sid: "CacheEndpointParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"],
            Resource: [
              parameterArn(PARAMETERS.cachePrimaryHost),
              parameterArn(PARAMETERS.cacheReaderHost),
              parameterArn(PARAMETERS.epoch),
            ],
          },
        ],
        memorySize: 256,
        timeoutSeconds: 60,
        logRetentionDays: args.logRetentionDays,
        failureQueueArn: args.failureQueueArn,
        failureQueueKey: args.failureQueueKey,
      },
      { parent: this },
    );
    // What can follow a primary change: ElastiCache's own events, a state change of one of the
    // group's alarms (their names start with CACHE_ALARM_PREFIX), and a periodic reconcile because
    // ElastiCache delivers events best effort.
    const cacheRule = new aws.cloudwatch.EventRule(
      `${name}-cache-events`,
      {
        description: `ElastiCache events of ${args.replicationGroupId}`,
        eventPattern: JSON.stringify({
          source: ["aws.elasticache"],
          "detail-type": ACCEPTED_CACHE_EVENTS["aws.elasticache"],
        }),
      },
      { parent: this },
    );
    const alarmRule = new aws.cloudwatch.EventRule(
      `${name}-cache-alarms`,
      {
        description: `State changes of the alarms on ${args.replicationGroupId}`,
        eventPattern: JSON.stringify({
          source: ["aws.cloudwatch"],
          "detail-type": ACCEPTED_CACHE_EVENTS["aws.cloudwatch"],
          detail: { alarmName: [{ prefix: cacheAlarmPrefix(args.replicationGroupId) }] },
        }),
      },
      { parent: this },
    );
    cacheSync.triggerFrom("events", cacheRule);
    cacheSync.triggerFrom("alarms", alarmRule);
    cacheSync.runEvery("rate(5 minutes)");
    new aws.cloudwatch.EventTarget(
      `${name}-cache-events-topic`,
      { rule: cacheRule.name, arn: args.topicArn },
      { parent: this },
    );

    new aws.ssm.Parameter(
      `${name}-search-state`,
      {
        name: parameter(PARAMETERS.searchHealthState),
        type: "String",
        value: "{}",
        description: "Search health checker: consecutive failures and successes per endpoint",
      },
      // The checker owns the document after the first deployment.
      { parent: this, ignoreChanges: ["value"] },
    );
    const searchSettings = {
      region: args.region,
      endpointParameterName: parameter(PARAMETERS.searchEndpoint),
      epochParameterName: parameter(PARAMETERS.epoch),
      stateParameterName: parameter(PARAMETERS.searchHealthState),
      metricNamespace: METRIC_NAMESPACES.search,
      timeoutMs: 5000,
      rounds: 3,
      roundIntervalMs: 20000,
      ...SEARCH_CHECKER_THRESHOLDS,
      yellowIs: "healthy" as const,
    };
    const searchHealth = new FailoverFunction(
      `${name}-search-health`,
      {
        description: "Probes the search endpoints every minute and moves Magento to a healthy one",
        callbackFactory: () =>
          createSearchHealthHandler(
            {
              ...searchSettings,
              endpoints: JSON.parse(
                process.env[LAMBDA_ENVIRONMENT.searchEndpoints] ?? "[]",
              ) as string[],
            },
            {
              requestHeaders: basicAuthFromSecret(
                searchSettings.region,
                process.env[LAMBDA_ENVIRONMENT.searchSecretArn] ?? "",
              ),
            },
          ),
        environment: {
          [LAMBDA_ENVIRONMENT.searchEndpoints]: pulumi.jsonStringify(args.searchEndpoints),
          [LAMBDA_ENVIRONMENT.searchSecretArn]: args.searchSecretArn,
        },
        statements: [
          {
            Sid: "SearchParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"],
            Resource: [
              parameterArn(PARAMETERS.searchEndpoint),
              parameterArn(PARAMETERS.epoch),
              parameterArn(PARAMETERS.searchHealthState),
            ],
          },
          ...secretRead(
            "SearchCredentials",
            args.region,
            [args.searchSecretPolicyArn],
            args.searchSecretKey,
          ),
          {
            Sid: "SearchMetrics",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            // PutMetricData has no resource ARNs; the namespace condition is how it is scoped.
            Resource: ["*"],
            Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACES.search } },
          },
        ],
        memorySize: 256,
        // Three rounds 20 s apart, each bounded by a 5 s probe timeout, plus the writes: about
        // 45 s, inside the one-minute schedule so runs never overlap (reserved concurrency 1).
        timeoutSeconds: 58,
        reservedConcurrency: 1,
        logRetentionDays: args.logRetentionDays,
        failureQueueArn: args.failureQueueArn,
        failureQueueKey: args.failureQueueKey,
        vpc: { subnetIds: args.privateSubnetIds, securityGroupIds: [args.lambdaSecurityGroupId] },
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );
    searchHealth.runEvery("rate(1 minute)");

    this.cacheSyncFunctionArn = cacheSync.functionArn;
    this.searchHealthFunctionArn = searchHealth.functionArn;
    this.functions = [cacheSync, searchHealth] as FailoverFunction<unknown, unknown>[];
    this.registerOutputs({
      cacheSyncFunctionArn: this.cacheSyncFunctionArn,
      searchHealthFunctionArn: this.searchHealthFunctionArn,
      searchTierMetric: SEARCH_METRICS.tierHealth,
    });
  }
}
