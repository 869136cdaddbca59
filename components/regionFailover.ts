import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  createDetectorHandler,
  createFenceHandler,
  createOrchestratorHandler,
  createWitnessHandler,
  DEFAULT_SDK_TIMEOUTS,
  EVENT_SOURCE_PREFIX,
  RegionFailoverSettingsInput,
  resolveSettings,
} from "../functions/region";
import { PROMOTION_ROLES } from "../functions/contract";
import { AUTHORITY_PARTITION_KEY } from "../functions/contractAuthority";
import { LAMBDA_ENVIRONMENT } from "../functions/contractEnvironment";
import { LOG_EVENTS } from "../functions/contractLog";
import {
  FAILOVER_REQUEST_METRICS,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACES,
  REGION_GATE_METRICS,
} from "../functions/contractMetrics";
import { FailoverFunction, PolicyStatement } from "./failoverFunction";
import { KeyRef, keyUse } from "./arns";
import { regionGateMetric } from "./regionGate";
import { pageOnCount } from "./securityAlarms";
import {
  ALL_SIGNALS_ITEMS,
  ALL_WITNESS_ITEMS,
  AUTHORITY_ITEM,
  HOLD_ITEM,
  INCIDENT_ITEMS,
  onItems,
  signalsItem,
  witnessItem,
} from "./authorityAccess";

/** Lambda timeout of the orchestrator: RDS promotion takes minutes. */
export const PROMOTION_TIMEOUT_SECONDS = 900;

/** Lambda timeout of the detector: one run of probes (4 probes 15 s apart, 5 s timeouts) and
 * the hand-off; the promotion itself runs in the orchestrator's invocation. */
export const DETECTOR_TIMEOUT_SECONDS = 120;

/** Probes per witness run: fits a blackholed target's worst case inside the 60 s timeout. */
export const WITNESS_PROBES_PER_RUN = 3;

/** The minute-by-minute watchers (witness, fence): one at a time, never retried blindly. */
const MINUTE_WATCHER = {
  memorySize: 256,
  timeoutSeconds: 60,
  reservedConcurrency: 1,
  maximumRetryAttempts: 0,
};

export interface AuthorityTableArgs {
  tableName: string;
  /**
   * Where the table lives (resource-level `region`, Pulumi AWS provider v7, "Enhanced Region
   * Support": a changed region replaces the resource): the witness region by default, so that the
   * loss of either shop region leaves it reachable (docs/detection.md). Changing it on a
   * deployed stack is a replacement, which `protect` refuses: moving the authority is the
   * procedure in docs/detection.md, never a side effect of a deploy.
   */
  region: string;
  protect: boolean;
}

/**
 * The failover authority: a single-region table (never a global table, which is
 * last-writer-wins) holding the epoch and the active region. Every promotion takes its lease with
 * a conditional write. No item is seeded: a deploy must never reset the epoch.
 */
export function authorityTable(
  name: string,
  args: AuthorityTableArgs,
  opts: pulumi.CustomResourceOptions,
) {
  return new aws.dynamodb.Table(
    name,
    {
      region: args.region,
      name: args.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: AUTHORITY_PARTITION_KEY,
      attributes: [{ name: AUTHORITY_PARTITION_KEY, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      // The AWS-managed key (aws/dynamodb): every caller (the failover functions, the fences of
      // every region, the instances) can use it through DynamoDB without a grant on a
      // customer key that the home stack could not even name.
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: args.protect,
    },
    { ...opts, protect: args.protect },
  );
}

export interface RegionFailoverArgs {
  /** Plain settings, some fields still Outputs; resolved and validated at deploy time. */
  settings: {
    [K in keyof RegionFailoverSettingsInput]: pulumi.Input<RegionFailoverSettingsInput[K]>;
  };
  /** ARNs the promotion acts on, all in this (the standby) region unless stated. */
  arns: {
    authorityTable: pulumi.Input<string>;
    replicationGroup: pulumi.Input<string>;
    globalReplicationGroup: pulumi.Input<string>;
    database: pulumi.Input<string>;
    /** The local replica file system and the source it replicates from (home region). */
    fileSystems: { local: pulumi.Input<string>; source: pulumi.Input<string> };
    /** Alarms whose actions the database step turns off (settings.database.standbyAlarmNames). */
    standbyAlarms: pulumi.Input<string>[];
    parameters: pulumi.Input<string>[];
    autoScalingGroup: pulumi.Input<string>;
    topic: pulumi.Input<string>;
    topicKey: KeyRef;
    /** Route 53 health check on the active region's ALB (read by the detector). */
    activeRegionHealthCheck: pulumi.Input<string>;
    /** The search replication function the search step invokes (settings.search). */
    searchReplicationFunction?: pulumi.Input<string>;
    /** The RPO heartbeat's reader function the promotion invokes (settings.heartbeat). */
    heartbeatReaderFunction?: pulumi.Input<string>;
  };
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  logRetentionDays: number;
  /** A third region for the witness canary, with its own failure queue there. */
  witness?: {
    region: string;
    failureQueueArn: pulumi.Input<string>;
    failureQueueKey: KeyRef;
  };
  /** Seconds the whole promotion may take (below the Lambda timeout). */
  deadlineSeconds: number;
  /** The recovery budget, for the policy pack's RTO rule and operators. */
  rtoBudgetSeconds: number;
  /** Operator topic: the capacity-not-reached alarm publishes to it. */
  topicArn: pulumi.Input<string>;
}

/**
 * The standby region's failover automation: a detector that decides from a quorum of vantage
 * points, an orchestrator for detector and operator requests, and a witness canary in a third
 * region. Promotion calls only this region's endpoints and never Route 53's control plane.
 */
export class RegionFailover extends pulumi.ComponentResource {
  public readonly detector: FailoverFunction<unknown, unknown>;
  public readonly orchestrator: FailoverFunction<unknown, unknown>;
  /** Roles that write the authority table (its resource policy admits only them and operators). */
  public readonly writerRoleArns: pulumi.Output<string>[];
  public readonly witness?: FailoverFunction<unknown, unknown>;

  constructor(name: string, args: RegionFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:RegionFailover", name, {}, opts);
    if (args.deadlineSeconds >= PROMOTION_TIMEOUT_SECONDS) {
      throw new Error(
        `RegionFailover ${name}: deadline ${args.deadlineSeconds} s must be below the ${PROMOTION_TIMEOUT_SECONDS} s Lambda timeout`,
      );
    }
    // Fails the deployment, naming the field, if the settings are wrong.
    const settings = pulumi.output(args.settings) as pulumi.Output<RegionFailoverSettingsInput>;
    const resolvedJson = (detection?: RegionFailoverSettingsInput["detection"]) =>
      settings.apply((input) =>
        JSON.stringify(
          resolveSettings({
            ...input,
            detection: { ...input.detection, ...detection },
            deadlines: { ...input.deadlines, overallMs: args.deadlineSeconds * 1000 },
          }),
        ),
      );
    const settingsJson = resolvedJson();
    // The witness probes 3 times a run (2 pauses of 15 s, 3 timeouts of 5 s: 45 s worst case
    // against a blackholed region) so a run always ends inside its 60 s timeout and schedule.
    const witnessSettingsJson = resolvedJson({ probesPerRun: WITNESS_PROBES_PER_RUN });
    const environment = {
      [LAMBDA_ENVIRONMENT.failoverSettings]: settingsJson,
      [LAMBDA_ENVIRONMENT.deadlineMs]: String(args.deadlineSeconds * 1000),
      [LAMBDA_ENVIRONMENT.rtoBudgetSeconds]: String(args.rtoBudgetSeconds),
    };
    const a = args.arns;
    // From the plain project name and region, so the statements are known at preview (the
    // settings hold outputs of resources not yet created).
    const gate = regionGateMetric(args.settings.project as string).namespace;
    const localRegion = args.settings.localRegion;
    const promote: PolicyStatement[] = [
      // The lease, the audit and this region's detector counts; reads also the witnesses'.
      onItems("AuthorityRead", ["dynamodb:GetItem"], a.authorityTable, [
        AUTHORITY_ITEM,
        HOLD_ITEM,
        INCIDENT_ITEMS,
        ALL_SIGNALS_ITEMS,
        ALL_WITNESS_ITEMS,
      ]),
      onItems("AuthorityWrite", ["dynamodb:PutItem", "dynamodb:UpdateItem"], a.authorityTable, [
        AUTHORITY_ITEM,
        INCIDENT_ITEMS,
        signalsItem(localRegion),
      ]),
      {
        Sid: "ReadCache",
        Effect: "Allow",
        Action: ["elasticache:DescribeReplicationGroups"],
        Resource: [a.replicationGroup],
      },
      {
        Sid: "PromoteCache",
        Effect: "Allow",
        Action: [
          "elasticache:FailoverGlobalReplicationGroup",
          "elasticache:DisassociateGlobalReplicationGroup",
        ],
        Resource: [a.globalReplicationGroup, a.replicationGroup],
      },
      {
        Sid: "PromoteDatabase",
        Effect: "Allow",
        Action: ["rds:DescribeDBInstances", "rds:PromoteReadReplica"],
        Resource: [a.database],
      },
      {
        Sid: "StopMediaReplication",
        Effect: "Allow",
        Action: [
          "elasticfilesystem:DescribeReplicationConfigurations",
          "elasticfilesystem:DeleteReplicationConfiguration",
          // Writable is read from, and if need be set on, the file system's protection.
          "elasticfilesystem:DescribeFileSystems",
          "elasticfilesystem:UpdateFileSystemProtection",
        ],
        Resource: [a.fileSystems.local, a.fileSystems.source],
      },
      {
        // Backups on the promoted (local) file system only (steps/media.ts).
        Sid: "MediaBackups",
        Effect: "Allow",
        Action: ["elasticfilesystem:PutBackupPolicy"],
        Resource: [a.fileSystems.local],
      },
      {
        // Both take the alarm ARN as resource (Service Authorization Reference, Amazon
        // CloudWatch: DescribeAlarms and DisableAlarmActions, resource type alarm). Were that
        // wrong, the step reports the alarms still paging and the command to run, nothing worse.
        Sid: "QuietStandbyAlarms",
        Effect: "Allow",
        Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DisableAlarmActions"],
        Resource: a.standbyAlarms,
      },
      {
        Sid: "Endpoints",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"],
        Resource: a.parameters,
      },
      // Describe calls have no resource-level permissions; they only read.
      {
        Sid: "ReadCapacity",
        Effect: "Allow",
        Action: ["autoscaling:DescribeAutoScalingGroups", "cloudwatch:GetMetricData"],
        Resource: ["*"],
      },
      {
        Sid: "ScaleUp",
        Effect: "Allow",
        Action: ["autoscaling:UpdateAutoScalingGroup"],
        Resource: [a.autoScalingGroup],
      },
      {
        Sid: "RegionGate",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: ["*"],
        Condition: { StringEquals: { "cloudwatch:namespace": gate } },
      },
      ...(a.searchReplicationFunction
        ? [
            {
              Sid: "PromoteSearch",
              Effect: "Allow" as const,
              Action: ["lambda:InvokeFunction"],
              Resource: [a.searchReplicationFunction],
            },
          ]
        : []),
      ...(a.heartbeatReaderFunction
        ? [
            {
              Sid: "ReadHeartbeat",
              Effect: "Allow" as const,
              Action: ["lambda:InvokeFunction"],
              Resource: [a.heartbeatReaderFunction],
            },
          ]
        : []),
      { Sid: "Notify", Effect: "Allow", Action: ["sns:Publish"], Resource: [a.topic] },
      // Only as SNS encrypts the notice ("kms:ViaService", AWS KMS Developer Guide); a topic's
      // key is in the topic's region.
      keyUse("NotifyKey", ["kms:GenerateDataKey", "kms:Decrypt"], a.topicKey, {
        StringEquals: {
          "kms:ViaService": pulumi.interpolate`sns.${a.topicKey.region}.amazonaws.com`,
        },
      }),
    ];
    const common = {
      environment,
      memorySize: 512,
      timeoutSeconds: PROMOTION_TIMEOUT_SECONDS,
      reservedConcurrency: 1,
      logRetentionDays: args.logRetentionDays,
      failureQueueArn: args.failureQueueArn,
      failureQueueKey: args.failureQueueKey,
      // A failed promotion is resumed by the next detector run from observed state, not by a
      // blind retry of an old event.
      maximumRetryAttempts: 0,
    };

    this.orchestrator = new FailoverFunction(
      `${name}-orchestrator`,
      {
        ...common,
        promotionRole: PROMOTION_ROLES.promoter,
        description:
          "Promotes this region on a detector or operator request, under the authority's lease",
        callbackFactory: () =>
          createOrchestratorHandler(
            resolveSettings(JSON.parse(process.env[LAMBDA_ENVIRONMENT.failoverSettings] ?? "{}")),
          ),
        statements: promote,
      },
      { parent: this },
    );
    // The detector only decides and hands off: the promotion runs in the orchestrator's own
    // invocation (an asynchronous invoke; functions/region/requestPromotion.ts), so a detector
    // run stays short and a killed promotion is resumed by the next detector run.
    const detectorStatements = promote.filter((s) =>
      [
        "AuthorityRead",
        "AuthorityWrite",
        "ReadCache",
        "RegionGate",
        "Notify",
        "NotifyKey",
      ].includes(s.Sid),
    );
    this.detector = new FailoverFunction(
      `${name}-detector`,
      {
        ...common,
        // It asks the orchestrator to promote (and keeps the gate closed): a trigger, held to the
        // trigger's rules; the deadline and the recovery budget are the orchestrator's.
        promotionRole: PROMOTION_ROLES.trigger,
        // Its settings and the function to invoke; not the orchestrator's DEADLINE_MS and
        // RTO_BUDGET_SECONDS, which declare that function's limits, not this one's.
        environment: {
          [LAMBDA_ENVIRONMENT.failoverSettings]: settingsJson,
          [LAMBDA_ENVIRONMENT.orchestratorFunction]: this.orchestrator.functionName,
        },
        timeoutSeconds: DETECTOR_TIMEOUT_SECONDS,
        description:
          "Decides from a quorum of vantage points whether the active region is lost; asks the orchestrator to promote",
        callbackFactory: () =>
          createDetectorHandler(
            resolveSettings(JSON.parse(process.env[LAMBDA_ENVIRONMENT.failoverSettings] ?? "{}")),
            { orchestratorFunctionName: process.env[LAMBDA_ENVIRONMENT.orchestratorFunction] },
          ),
        statements: [
          ...detectorStatements,
          {
            Sid: "ReadDatabase",
            Effect: "Allow",
            Action: ["rds:DescribeDBInstances"],
            Resource: [a.database],
          },
          {
            Sid: "ActiveRegionHealth",
            Effect: "Allow",
            Action: ["route53:GetHealthCheckStatus"],
            Resource: [a.activeRegionHealthCheck],
          },
          {
            // The deep-page veto (functions/region/inRegionEvents.ts): the active region's own
            // RDS and ElastiCache events. Event reads name no resource in IAM (Service
            // Authorization Reference, RDS and ElastiCache: DescribeEvents has no resource
            // type), so "*"; they only read.
            Sid: "ActiveRegionInRegionEvents",
            Effect: "Allow",
            Action: ["rds:DescribeEvents", "elasticache:DescribeEvents"],
            Resource: ["*"],
          },
          {
            Sid: "RequestPromotion",
            Effect: "Allow",
            Action: ["lambda:InvokeFunction"],
            Resource: [this.orchestrator.policyArn],
          },
        ],
      },
      { parent: this },
    );
    this.detector.runEvery("rate(1 minute)");

    this.authenticatedRequests(name, args.topicArn);

    if (args.witness) {
      const witnessRegion = args.witness.region;
      this.witness = new FailoverFunction(
        `${name}-witness`,
        {
          description:
            "Witness canary: probes the regions from a third region and records its verdicts",
          region: witnessRegion,
          callbackFactory: () =>
            createWitnessHandler({
              witnessRegion: process.env[LAMBDA_ENVIRONMENT.witnessRegion] ?? "",
              settings: resolveSettings(
                JSON.parse(process.env[LAMBDA_ENVIRONMENT.failoverSettings] ?? "{}"),
              ),
            }),
          environment: {
            [LAMBDA_ENVIRONMENT.failoverSettings]: witnessSettingsJson,
            [LAMBDA_ENVIRONMENT.witnessRegion]: witnessRegion,
          },
          // Its own verdicts only: a witness can never move the authority item.
          statements: [
            onItems("AuthorityRead", ["dynamodb:GetItem"], a.authorityTable, [
              AUTHORITY_ITEM,
              witnessItem(witnessRegion),
            ]),
            onItems("WitnessVerdicts", ["dynamodb:PutItem"], a.authorityTable, [
              witnessItem(witnessRegion),
            ]),
          ],
          ...MINUTE_WATCHER,
          logRetentionDays: args.logRetentionDays,
          failureQueueArn: args.witness.failureQueueArn,
          failureQueueKey: args.witness.failureQueueKey,
        },
        { parent: this },
      );
      this.witness.runEvery("rate(1 minute)");
    }
    const capacityMetric = settings.apply((s) => ({
      namespace: regionGateMetric(s.project).namespace,
      metricName: s.capacityAlarmMetricName ?? REGION_GATE_METRICS.capacityNotReached,
      // The promotion publishes the shortfall with this dimension (steps/capacity.ts).
      autoScalingGroupName: s.capacity.autoScalingGroupName,
    }));
    // Any datapoint >= 1 in a minute pages; no data is normal (no promotion running).
    const promotionAlarm = (
      suffix: string,
      alarmDescription: string,
      metric: Pick<aws.cloudwatch.MetricAlarmArgs, "metricName" | "dimensions">,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          alarmDescription,
          namespace: capacityMetric.namespace,
          ...metric,
          statistic: "Maximum",
          period: 60,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.topicArn],
        },
        { parent: this },
      );
    promotionAlarm(
      "capacity",
      "A promotion did not bring the application tier to its active size in time",
      {
        metricName: capacityMetric.metricName,
        dimensions: { [METRIC_DIMENSIONS.autoScalingGroup]: capacityMetric.autoScalingGroupName },
      },
    );
    // Every promotion track (cache, media, search...) publishes this metric, without dimensions,
    // when it fails (functions/region/promotion.ts): one alarm pages for all of them.
    promotionAlarm(
      "track",
      "A promotion track (cache, media, search, capacity) did not finish: the shop serves on its fallback",
      {
        metricName: settings.apply(
          (s) => s.trackAlarmMetricName ?? REGION_GATE_METRICS.trackFailed,
        ),
      },
    );
    // The gate trips the shop over to this region: whoever publishes it, operators hear of it.
    const gateMetric = settings.apply((s) => resolveSettings(s).gate);
    pageOnCount(
      `${name}-gate-tripped`,
      {
        alarmName: `${name}-gate-tripped`,
        description:
          "The region gate is closed: the PRIMARY record fails over to this region. Expected only during a promotion; otherwise find who published the metric",
        namespace: gateMetric.namespace,
        metricName: gateMetric.metricName,
        dimensions: gateMetric.dimensions,
        statistic: "Maximum",
        topicArn: args.topicArn,
      },
      this,
    );
    this.writerRoleArns = [this.detector.roleArn, this.orchestrator.roleArn];
    if (this.witness) this.writerRoleArns.push(this.witness.roleArn);
    this.registerOutputs({
      detectorArn: this.detector.functionArn,
      orchestratorArn: this.orchestrator.functionArn,
    });
  }

  /**
   * Who can make the orchestrator promote. Only the detector's requests are accepted, delivered by
   * an asynchronous invoke; a Lambda invocation carries no caller identity (the handler's context
   * has none for an IAM caller), and a function policy cannot deny other principals of the
   * account, so the transport proves nothing. What does: the orchestrator acts only on a quorum
   * decision the detector recorded in the authority table (`detectorConfirmation`), and that table
   * takes item writes only from the failover roles and the operators' roles (its resource policy,
   * authorityAccess.ts). A forged request therefore changes nothing: it is refused, logged, and
   * pages through a metric filter on the orchestrator's log group. No rule on the default event
   * bus reaches the orchestrator any more (anyone may put events there); a tripwire rule instead
   * pages the operator topic for every magento-dr event on it, since nothing of ours sends one.
   */
  /**
   * Counts a function's log lines of one event into a metric: 1 per line of that event, 0 per
   * other line. A quoted term matches the phrase anywhere in the line, whatever the log format
   * wraps around our JSON ("Filter pattern syntax for metric filters", CloudWatch Logs).
   */
  private countLines(
    name: string,
    logGroupName: pulumi.Input<string>,
    event: string,
    metricName: string,
  ): aws.cloudwatch.LogMetricFilter {
    return new aws.cloudwatch.LogMetricFilter(
      name,
      {
        logGroupName,
        pattern: `"${event}"`,
        metricTransformation: {
          name: metricName,
          namespace: METRIC_NAMESPACES.failoverRequests,
          value: "1",
          defaultValue: "0",
        },
      },
      { parent: this },
    );
  }

  private authenticatedRequests(name: string, topicArn: pulumi.Input<string>) {
    const tripwire = new aws.cloudwatch.EventRule(
      `${name}-forged-requests`,
      {
        description:
          "magento-dr events on the default bus: none of ours sends one there, so each is a forgery",
        eventPattern: JSON.stringify({ source: [{ prefix: EVENT_SOURCE_PREFIX }] }),
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-forged-requests`,
      {
        rule: tripwire.name,
        arn: topicArn,
        // A fixed text: the forger's detail is not forwarded to the people paged.
        inputTransformer: {
          inputPaths: { source: "$.source", id: "$.id", time: "$.time", account: "$.account" },
          inputTemplate:
            '"FORGED failover request on the default event bus of account <account>: source <source>, event <id> at <time>. Nothing was changed (no rule there reaches the orchestrator). Find the sender in CloudTrail (PutEvents)."',
        },
      },
      { parent: this },
    );

    // A detector that fails every run detects nothing: nobody would know the automatic path is
    // blind. One failed run is a blip (a probe, a throttled read); three minutes in a row page.
    const detectorErrors = this.countLines(
      `${name}-detector-errors`,
      this.detector.logGroupName,
      LOG_EVENTS.detectorError,
      FAILOVER_REQUEST_METRICS.detectorErrors,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-detector-errors`,
      {
        name: `${name}-detector-errors`,
        alarmDescription:
          "The failover detector failed, or did not run, for 3 minutes: the automatic failover is blind until it runs again (see its log group)",
        namespace: METRIC_NAMESPACES.failoverRequests,
        metricName: detectorErrors.metricTransformation.name,
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // Every invocation writes lines (Lambda's own START and REPORT at least), each counted 0
        // or 1 (MetricTransformation defaultValue: "the value to emit when a filter pattern does
        // not match a log event", CloudWatch Logs API): no data at all means the detector has not
        // run for 3 minutes, which is as blind as failing.
        treatMissingData: "breaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      },
      { parent: this },
    );

    const rejected = this.countLines(
      `${name}-rejected-requests`,
      this.orchestrator.logGroupName,
      LOG_EVENTS.rejected,
      FAILOVER_REQUEST_METRICS.rejected,
    );
    pageOnCount(
      `${name}-rejected-requests`,
      {
        alarmName: `${name}-rejected-requests`,
        description:
          "The orchestrator refused a promotion request (forged, replayed, stale or malformed): nothing was changed; find the sender",
        namespace: METRIC_NAMESPACES.failoverRequests,
        metricName: rejected.metricTransformation.name,
        topicArn,
      },
      this,
    );
  }
}

export interface FenceArgs {
  settings: {
    localRegion: string;
    initialActiveRegion: string;
    authority: { tableName: string; region: string };
    autoScalingGroupName: string;
    standbyCapacity: { min: number; desired: number };
    maintenanceParameter: string;
  };
  authorityTableArn: pulumi.Input<string>;
  autoScalingGroupArn: pulumi.Input<string>;
  maintenanceParameterArn: pulumi.Input<string>;
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  logRetentionDays: number;
}

/**
 * Runs in every region: while the authority names another region active, holds this region's
 * application tier at standby size and in maintenance. This is what keeps an old primary that
 * comes back fenced, without anyone having to reach it during the outage.
 */
export class RegionFence extends FailoverFunction<unknown, unknown> {
  constructor(name: string, args: FenceArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = { ...args.settings, deadlineMs: 50_000 };
    super(
      name,
      {
        description:
          "Renews the serving lease while this region is active; keeps it fenced while another is",
        callbackFactory: () =>
          createFenceHandler({
            ...settings,
            sdk: DEFAULT_SDK_TIMEOUTS,
          }),
        statements: [
          // Reads the authority; in the active region renews the serving lease (UpdateItem of
          // the "authority" item, and a conditional PutItem creating it at epoch 0 once).
          onItems(
            "Authority",
            ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"],
            args.authorityTableArn,
            [AUTHORITY_ITEM],
          ),
          {
            Sid: "ReadCapacity",
            Effect: "Allow",
            Action: ["autoscaling:DescribeAutoScalingGroups"],
            Resource: ["*"],
          },
          {
            Sid: "HoldCapacity",
            Effect: "Allow",
            Action: ["autoscaling:UpdateAutoScalingGroup"],
            Resource: [args.autoScalingGroupArn],
          },
          {
            Sid: "Maintenance",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:PutParameter"],
            Resource: [args.maintenanceParameterArn],
          },
        ],
        ...MINUTE_WATCHER,
        logRetentionDays: args.logRetentionDays,
        failureQueueArn: args.failureQueueArn,
        failureQueueKey: args.failureQueueKey,
      },
      opts,
    );
    this.runEvery("rate(1 minute)");
  }
}
