// The region failover as the program deploys it: the gated PRIMARY record, the authority table,
// the detector, orchestrator, witness and fences, their permissions, and their packages run.
import * as assert from "assert";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DETECTOR_SOURCE, OPERATOR_SOURCE } from "../functions/region/event";
import { resolveSettings } from "../functions/region/settings";
import { functionsOf, recoveryOf } from "../plan/plan";
import { withLambdaPackage } from "./helpers/lambdaPackage";
import { one, ofType, planOf } from "./helpers/plan";

const CHECK = "aws:route53/healthCheck:HealthCheck";
const FUNCTION = "aws:lambda/function:Function";

describe("region failover: traffic moves by health checks", () => {
  it("gates the home PRIMARY record: ALB check AND a check on the gate alarm in the standby region", async () => {
    const home = await planOf("prod-use1");
    const checks = new Map(ofType(home, CHECK).map((c) => [c.name, c]));
    const gated = checks.get("prod-use1-dns-gated")!;
    assert.strictEqual(gated.inputs.type, "CALCULATED");
    assert.strictEqual(gated.inputs.childHealthThreshold, 2);
    assert.strictEqual(gated.inputs.childHealthchecks.length, 2);
    const gate = checks.get("prod-use1-dns-gate")!;
    assert.deepStrictEqual(
      [
        gate.inputs.type,
        gate.inputs.cloudwatchAlarmRegion,
        gate.inputs.insufficientDataHealthStatus,
      ],
      ["CLOUDWATCH_METRIC", "eu-west-1", "LastKnownStatus"],
    );
    const alarm = one(home, "aws:cloudwatch/metricAlarm:MetricAlarm", "-dns-gate");
    assert.strictEqual(alarm.region, "eu-west-1", "the gate alarm lives in the standby region");
    assert.deepStrictEqual(
      [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.name],
      ["magento-dr/RegionGate", "FailoverActive", "magento-dr-region-gate-us-east-1"],
    );
    assert.strictEqual(gate.inputs.cloudwatchAlarmName, alarm.inputs.name);
    const primary = one(home, "aws:route53/record:Record", "-dns-primary");
    assert.strictEqual(
      home.run.resources.find((r) => r.name === "prod-use1-dns-gated")!.type,
      CHECK,
    );
    assert.ok(
      primary.inputs.healthCheckId &&
        primary.inputs.healthCheckId !== home.run.outputs.albHealthCheckId,
    );

    const standby = await planOf("prod-euw1");
    const secondary = one(standby, "aws:route53/record:Record", "-dns-secondary");
    assert.strictEqual(
      secondary.inputs.healthCheckId,
      standby.run.outputs.albHealthCheckId,
      "the SECONDARY is not gated",
    );
    assert.strictEqual(ofType(standby, CHECK).length, 1);
  });

  it("publishes each region's own name for the canaries, covered by its certificate", async () => {
    const standby = await planOf("prod-euw1");
    assert.strictEqual(
      one(standby, "aws:route53/record:Record", "-dns-regional").inputs.name,
      "eu-west-1.shop.example.com",
    );
    assert.deepStrictEqual(
      one(standby, "aws:acm/certificate:Certificate").inputs.subjectAlternativeNames,
      ["eu-west-1.shop.example.com"],
    );
  });

  it("grants no function ChangeResourceRecordSets or any Route 53 write", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      for (const policy of ofType(await planOf(stack), "aws:iam/rolePolicy:RolePolicy")) {
        assert.doesNotMatch(policy.inputs.policy, /route53:(Change|Create|Delete|Update)/);
      }
    }
  });
});

describe("region failover: the standby deploys the automation", () => {
  it("runs detector, orchestrator and witness only from the standby, a fence in every region", async () => {
    const names = async (stack: string) =>
      functionsOf((await planOf(stack)).run)
        .map((f) => f.name)
        .sort();
    assert.deepStrictEqual(await names("prod-use1"), [
      "prod-use1-fence-fn",
      "prod-use1-heartbeat-reader-fn-fn",
      "prod-use1-search-replication-fn-fn",
      "prod-use1-tiers-cache-sync-fn",
      "prod-use1-tiers-search-health-fn",
    ]);
    assert.deepStrictEqual(await names("prod-euw1"), [
      "prod-euw1-failover-detector-fn",
      "prod-euw1-failover-orchestrator-fn",
      "prod-euw1-failover-witness-fn",
      "prod-euw1-fence-fn",
      "prod-euw1-heartbeat-reader-fn-fn",
      "prod-euw1-search-replication-fn-fn",
      "prod-euw1-tiers-cache-sync-fn",
      "prod-euw1-tiers-search-health-fn",
    ]);
    const standby = await planOf("prod-euw1");
    const witness = one(standby, FUNCTION, "-failover-witness-fn");
    assert.strictEqual(witness.region, "us-west-2");
    // Against a blackholed region every probe waits its timeout: a run must still end in time.
    const probing = resolveSettings(
      JSON.parse(witness.inputs.environment.variables.FAILOVER_SETTINGS),
    ).detection;
    const worstCaseMs =
      (probing.probesPerRun - 1) * probing.probeIntervalMs +
      probing.probesPerRun * probing.probeTimeoutMs;
    assert.ok(
      worstCaseMs + 5_000 < witness.inputs.timeout * 1000,
      `witness worst case ${worstCaseMs} ms`,
    );
    const orchestrator = one(standby, FUNCTION, "-failover-orchestrator-fn");
    assert.strictEqual(orchestrator.inputs.reservedConcurrentExecutions, 1);
    assert.ok(
      Number(orchestrator.inputs.environment.variables.DEADLINE_MS) <
        orchestrator.inputs.timeout * 1000,
    );
    // The detector invokes it; events (which anyone may put on the default bus) only page.
    const tripwire = one(
      standby,
      "aws:cloudwatch/eventRule:EventRule",
      "-failover-forged-requests",
    );
    assert.deepStrictEqual(JSON.parse(tripwire.inputs.eventPattern), {
      source: [{ prefix: "magento-dr." }],
    });
    // Every source of ours matches it: a forgery of either pages.
    assert.deepStrictEqual(
      [DETECTOR_SOURCE, OPERATOR_SOURCE],
      ["magento-dr.detector", "magento-dr.operator"],
    );
  });

  it("tags the functions that promote with their role, so the policy pack judges them whatever their names", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const plan = await planOf(stack);
      const tagged = ofType(plan, FUNCTION)
        .filter((f) => f.inputs.tags?.["magento-dr:role"] !== undefined)
        .map((f) => [f.name, f.inputs.tags["magento-dr:role"]]);
      assert.deepStrictEqual(
        tagged,
        stack === "prod-euw1"
          ? [
              ["prod-euw1-failover-orchestrator-fn", "promoter"],
              ["prod-euw1-failover-detector-fn", "trigger"],
            ]
          : [],
        stack,
      );
    }
  });

  it("declares the promotion's deadline and budget on the orchestrator only", async () => {
    const plan = await planOf("prod-euw1");
    const variables = (suffix: string) =>
      Object.keys(one(plan, FUNCTION, suffix).inputs.environment.variables).sort();
    assert.deepStrictEqual(variables("-failover-orchestrator-fn"), [
      "DEADLINE_MS",
      "FAILOVER_SETTINGS",
      "RTO_BUDGET_SECONDS",
    ]);
    assert.deepStrictEqual(variables("-failover-detector-fn"), [
      "FAILOVER_SETTINGS",
      "ORCHESTRATOR_FUNCTION",
    ]);
  });

  it("pages when the detector cannot complete a run for three minutes in a row", async () => {
    const plan = await planOf("prod-euw1");
    const detector = one(plan, FUNCTION, "-failover-detector-fn");
    const filter = one(plan, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "-detector-errors");
    assert.deepStrictEqual(
      [filter.inputs.logGroupName, filter.inputs.pattern, filter.inputs.metricTransformation],
      [
        detector.inputs.loggingConfig.logGroup,
        '"detector-error"',
        {
          name: "DetectorErrors",
          namespace: "MagentoDR/FailoverRequests",
          value: "1",
          defaultValue: "0",
        },
      ],
    );
    const alarm = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "-detector-errors");
    const topic = alarm.inputs.alarmActions[0];
    assert.match(String(topic), /^arn:aws:sns:eu-west-1:/);
    assert.deepStrictEqual(
      {
        metric: [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.statistic],
        window: [
          alarm.inputs.period,
          alarm.inputs.evaluationPeriods,
          alarm.inputs.datapointsToAlarm,
        ],
        bound: [
          alarm.inputs.comparisonOperator,
          alarm.inputs.threshold,
          alarm.inputs.treatMissingData,
        ],
        actions: [alarm.inputs.alarmActions, alarm.inputs.okActions],
      },
      {
        metric: ["MagentoDR/FailoverRequests", "DetectorErrors", "Sum"],
        window: [60, 3, 3],
        bound: ["GreaterThanOrEqualToThreshold", 1, "breaching"],
        actions: [[topic], [topic]],
      },
    );
  });

  it("keeps the authority in one single-region table in the witness region, owned by the standby stack", async () => {
    const tables = ofType(await planOf("prod-euw1"), "aws:dynamodb/table:Table");
    assert.strictEqual(tables.length, 1);
    const authority = tables[0];
    assert.strictEqual(authority.inputs.name, "magento-dr-authority");
    // The witness region (us-west-2): losing either shop region leaves the authority reachable.
    assert.strictEqual(authority.inputs.region, "us-west-2");
    assert.strictEqual(
      one(await planOf("prod-euw1"), "aws:dynamodb/resourcePolicy:ResourcePolicy", "-authority")
        .inputs.region,
      "us-west-2",
    );
    assert.deepStrictEqual(
      ofType(await planOf("prod-use1"), "aws:dynamodb/table:Table").filter(
        (t) => t.inputs.name === "magento-dr-authority",
      ),
      [],
      "the home stack never holds the authority",
    );
    assert.strictEqual(
      authority.inputs.replicas,
      undefined,
      "a global table is last-writer-wins: no lock",
    );
    assert.strictEqual(authority.inputs.pointInTimeRecovery.enabled, true);
    assert.strictEqual(authority.protect, true);
  });

  it("configures the promotion with the standby's own resources and the home's health check", async () => {
    const home = (await planOf("prod-use1")).run.outputs;
    const orchestrator = one(await planOf("prod-euw1"), FUNCTION, "-failover-orchestrator-fn");
    const settings = resolveSettings(
      JSON.parse(orchestrator.inputs.environment.variables.FAILOVER_SETTINGS),
    );
    assert.strictEqual(settings.localRegion, "eu-west-1");
    assert.strictEqual(settings.authority.region, "us-west-2");
    assert.strictEqual(
      settings.regionEndpoints["us-east-1"].healthUrl,
      "https://us-east-1.shop.example.com/health_check.php",
    );
    assert.strictEqual(
      settings.regionEndpoints["us-east-1"].route53HealthCheckId,
      home.albHealthCheckId,
    );
    assert.strictEqual(settings.cache.globalReplicationGroupId, home.globalDatastoreId);
    assert.strictEqual(settings.media?.fileSystemId, home.mediaReplicaFileSystemId);
    assert.match(settings.searchEndpoint, /eu-west-1/);
    assert.deepStrictEqual(settings.capacity, {
      autoScalingGroupName: "magento-dr-prod-euw1-magento",
      min: 2,
      desired: 3,
      max: 12,
    });
    assert.strictEqual(settings.detection.witnessRegion, "us-west-2");
    assert.strictEqual(settings.deadlines.overallMs, 780_000);
    // Lambda rejects environments above 4 KB in total.
    assert.ok(Buffer.byteLength(JSON.stringify(orchestrator.inputs.environment.variables)) < 4096);
  });

  it("scopes the orchestrator's role to the standby's named resources", async () => {
    const plan = await planOf("prod-euw1");
    const role = functionsOf(plan.run).find((f) => f.name.endsWith("-orchestrator-fn"))!.role;
    const policy = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
      (p) => p.name === "prod-euw1-failover-orchestrator-policy",
    )!;
    assert.ok(role);
    const statements: { Sid: string; Action: string[]; Resource: string[] }[] = JSON.parse(
      policy.inputs.policy,
    ).Statement;
    const resources = (sid: string) => statements.find((s) => s.Sid === sid)!.Resource;
    assert.deepStrictEqual(resources("PromoteDatabase"), [
      "arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1",
    ]);
    // The promoted file system's backups and the replica-lag alarm: exactly those, by name.
    const media = plan.run.resources.find((r) => r.type === "aws:efs/accessPoint:AccessPoint")!;
    assert.deepStrictEqual(resources("MediaBackups"), [
      `arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/${media.inputs.fileSystemId}`,
    ]);
    assert.deepStrictEqual(resources("QuietStandbyAlarms"), [
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:magento-dr-prod-euw1-db-replica-lag",
    ]);
    const alarm = plan.run.resources.find(
      (r) =>
        r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" &&
        r.inputs.name === "magento-dr-prod-euw1-db-replica-lag",
    );
    assert.strictEqual(alarm?.inputs.actionsEnabled, true, "acts while eu-west-1 is the standby");
    const promoted = await planOf("prod-euw1", ["activeRegion=eu-west-1"]);
    assert.strictEqual(
      promoted.run.resources.find((r) => r.inputs.name === "magento-dr-prod-euw1-db-replica-lag")
        ?.inputs.actionsEnabled,
      false,
      "silent once eu-west-1 is active",
    );
    assert.deepStrictEqual(resources("AuthorityWrite"), [
      "arn:aws:dynamodb:us-west-2:123456789012:table/magento-dr-authority",
    ]);
    assert.ok(
      resources("Endpoints").every((arn) =>
        arn.startsWith("arn:aws:ssm:eu-west-1:123456789012:parameter/magento-dr/prod-euw1/"),
      ),
    );
    for (const s of statements) {
      if (s.Resource.includes("*")) {
        assert.ok(
          s.Action.every((a) => /:(Describe|Get)/.test(a) || a === "cloudwatch:PutMetricData"),
          `${s.Sid} grants ${s.Action} on *`,
        );
      }
    }
  });

  it("reads the RPO heartbeat through a reader beside each region's database, the only package with a MySQL client", async () => {
    const plan = await planOf("prod-euw1");
    const reader = one(plan, FUNCTION, "-heartbeat-reader-fn-fn");
    assert.ok(reader.inputs.vpcConfig?.subnetIds, "in the VPC: the database answers nowhere else");
    assert.ok(reader.inputs.environment.variables.DATABASE_SECRET_ARN.includes(":eu-west-1:"));
    const orchestrator = one(plan, FUNCTION, "-failover-orchestrator-fn");
    const settings = resolveSettings(
      JSON.parse(orchestrator.inputs.environment.variables.FAILOVER_SETTINGS),
    );
    // The provider's autoname of the reader, as a preview returns it.
    const readerName = settings.heartbeat?.readerFunctionName ?? "";
    assert.match(readerName, /^prod-euw1-heartbeat-reader-fn-fn-[0-9a-f]{7}$/);
    const statements = (
      policyName: string,
    ): { Sid: string; Action: string[]; Resource: string[] }[] =>
      JSON.parse(
        ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === policyName)!.inputs
          .policy,
      ).Statement;
    const invoke = statements("prod-euw1-failover-orchestrator-policy").find(
      (s) => s.Sid === "ReadHeartbeat",
    );
    assert.deepStrictEqual(invoke?.Resource, [
      `arn:aws:lambda:eu-west-1:123456789012:function:${readerName}`,
    ]);
    const login = statements("prod-euw1-heartbeat-reader-fn-policy").find(
      (s) => s.Sid === "DatabaseLogin",
    );
    assert.deepStrictEqual(login?.Action, ["secretsmanager:GetSecretValue"]);
    assert.match(login!.Resource[0], /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:/);
    const carriesMysql = (name: string) =>
      Object.keys(plan.run.packages.get(one(plan, FUNCTION, name).urn)!.files).some((f) =>
        /^node_modules\/mysql2(\/|$)/.test(f),
      );
    assert.ok(carriesMysql("-heartbeat-reader-fn-fn"));
    assert.ok(!carriesMysql("-failover-orchestrator-fn"), "every other package leaves it out");
    // The home stack has its own, for a failback: its database is then a replica of the standby.
    const home = await planOf("prod-use1");
    const homeReader = one(home, FUNCTION, "-heartbeat-reader-fn-fn");
    assert.ok(homeReader.inputs.vpcConfig?.subnetIds);
    assert.ok(homeReader.inputs.environment.variables.DATABASE_SECRET_ARN.includes(":us-east-1:"));
    assert.match(
      String(home.run.outputs.heartbeatReaderFunctionName),
      /^prod-use1-heartbeat-reader-fn-fn-[0-9a-f]{7}$/,
    );
  });

  it("stays within the RTO target in both prod stacks", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const plan = await planOf(stack);
      const recovery = recoveryOf(plan.run);
      assert.ok(
        recovery.rtoSeconds > 0 && recovery.rtoWorstSeconds <= plan.rtoTargetSeconds,
        `${stack}: worst path ${recovery.rtoWorstSeconds} s`,
      );
      assert.ok(recovery.criticalPath.includes("database"));
      assert.ok(recovery.steps.some((s) => s.name === "detection" && s.seconds > 0));
    }
  });
});

describe("region failover: the serialized packages run", () => {
  let clients: AwsStub<any, any, any>[] = [];
  before(() => {
    clients = [DynamoDBClient, ElastiCacheClient, RDSClient, SSMClient].map((c) =>
      mockClient(c as any),
    );
  });
  after(() => clients.forEach((c) => c.restore()));

  it("the orchestrator package rejects a malformed event without any AWS call or throw", async () => {
    const plan = await planOf("prod-euw1");
    const fn = one(plan, FUNCTION, "-failover-orchestrator-fn");
    const saved = process.env.FAILOVER_SETTINGS;
    process.env.FAILOVER_SETTINGS = fn.inputs.environment.variables.FAILOVER_SETTINGS;
    try {
      const result: any = await withLambdaPackage(plan, fn, (load) =>
        load().handler({ source: "somewhere.else", detail: "nope" }, { awsRequestId: "r1" }),
      );
      assert.strictEqual(result.outcome, "rejected");
      assert.strictEqual(
        clients.reduce((n, c) => n + c.calls().length, 0),
        0,
      );
    } finally {
      process.env.FAILOVER_SETTINGS = saved;
    }
  });
});
