// The in-region automation as deployed: functions, roles, triggers, alarms, dashboard; and the
// serialized Lambda packages themselves, loaded and invoked the way the Lambda runtime would.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import {
  GetParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { functionsOf } from "../plan/plan";
import { PlannedResource } from "../plan/runProgram";
import { PROJECT_DIR } from "../plan/stackConfig";
import { one, ofType, planOf } from "./helpers/plan";

const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function policyOf(plan: Awaited<ReturnType<typeof planOf>>, roleArn: string) {
  const role = plan.run.resources.find(
    (r) =>
      r.type === "aws:iam/role:Role" && roleArn.endsWith(`/${r.name}-${roleArn.split("-").pop()}`),
  );
  assert.ok(role, `no role for ${roleArn}`);
  const policy = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
    (p) => p.parent === role.parent,
  );
  assert.ok(policy, `no inline policy for ${roleArn}`);
  return JSON.parse(policy.inputs.policy) as {
    Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }[];
  };
}

describe("tier automation: functions", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack} deploys both functions lean, with explicit runtime, memory, timeout and logging`, async () => {
      const plan = await planOf(stack);
      const functions = functionsOf(plan.run).filter((f) => f.name.includes("-tiers-"));
      assert.deepStrictEqual(functions.map((f) => f.name.replace(`${stack}-tiers-`, "")).sort(), [
        "cache-sync-fn",
        "search-health-fn",
      ]);
      for (const f of functions) {
        assert.strictEqual(f.runtime, "nodejs24.x");
        assert.ok(
          f.packageBytes > 1000 && f.packageBytes <= 64 * 1024,
          `${f.name} is ${f.packageBytes} bytes`,
        );
        assert.match(f.role, /^arn:aws:iam::123456789012:role\//);
      }
      for (const fn of ofType(plan, FUNCTION).filter((f) => f.name.includes("-tiers-"))) {
        assert.ok(fn.inputs.memorySize >= 128 && fn.inputs.timeout > 0);
        assert.deepStrictEqual(
          Object.keys(fn.inputs.code.archive),
          ["__index.js"],
          "the runtime provides the AWS SDK",
        );
        assert.strictEqual(fn.inputs.loggingConfig.logFormat, "JSON");
        assert.ok(fn.inputs.loggingConfig.logGroup);
      }
      const checker = one(plan, FUNCTION, "-search-health-fn");
      assert.strictEqual(checker.inputs.reservedConcurrentExecutions, 1);
      assert.strictEqual(checker.inputs.vpcConfig.subnetIds.length, 3);
      const logGroups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").filter((g) =>
        g.name.includes("-tiers-"),
      );
      assert.strictEqual(logGroups.length, 2);
      assert.ok(logGroups.every((g) => g.inputs.retentionInDays === 30));
      for (const config of ofType(
        plan,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      )) {
        assert.match(config.inputs.destinationConfig.onFailure.destination, /^arn:aws:sqs:/);
      }
      const queue = one(plan, "aws:sqs/queue:Queue", `${stack}-notify-failures`);
      assert.match(queue.inputs.kmsMasterKeyId, /^arn:aws:kms:/);
      assert.match(
        one(plan, "aws:sns/topic:Topic", `${stack}-notify-alerts`).inputs.kmsMasterKeyId,
        /^arn:aws:kms:/,
      );
    });
  }

  it("gives each function a role naming exact resources, and no broad managed policy", async () => {
    const plan = await planOf("prod-use1");
    const [cacheSync] = functionsOf(plan.run).filter((f) => f.name.endsWith("cache-sync-fn"));
    const cachePolicy = policyOf(plan, cacheSync.role);
    const describe = cachePolicy.Statement.find((s) => s.Sid === "ReadReplicationGroup")!;
    assert.deepStrictEqual(describe.Resource, [
      "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:magento-dr-prod-use1",
    ]);
    const parameters = cachePolicy.Statement.find((s) => s.Sid === "CacheEndpointParameters")!;
    assert.deepStrictEqual(parameters.Resource, [
      "arn:aws:ssm:us-east-1:123456789012:parameter/magento-dr/prod-use1/cache/primary-host",
      "arn:aws:ssm:us-east-1:123456789012:parameter/magento-dr/prod-use1/cache/reader-host",
      "arn:aws:ssm:us-east-1:123456789012:parameter/magento-dr/prod-use1/epoch",
    ]);
    assert.ok(cachePolicy.Statement.every((s) => !s.Resource.includes("*")));

    const [checker] = functionsOf(plan.run).filter((f) => f.name.endsWith("search-health-fn"));
    const metrics = policyOf(plan, checker.role).Statement.find((s) => s.Sid === "SearchMetrics")!;
    assert.deepStrictEqual(metrics.Action, ["cloudwatch:PutMetricData"]);
    assert.deepStrictEqual(metrics.Condition, {
      StringEquals: { "cloudwatch:namespace": "MagentoDR/Search" },
    });

    // No managed policy at all: the checker's VPC access is two statements of its own.
    const attachments = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepStrictEqual(attachments, []);
    const checkerPolicy = policyOf(plan, checker.role).Statement;
    const eni = checkerPolicy.find((s) => s.Sid === "VpcNetworkInterfaces")!;
    assert.deepStrictEqual(eni.Resource, ["arn:aws:ec2:us-east-1:123456789012:*/*"]);
    const describeEni = checkerPolicy.find((s) => s.Sid === "VpcDescribe")!;
    assert.deepStrictEqual(describeEni.Action, [
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
    ]);
    const queueKey = checkerPolicy.find((s) => s.Sid === "FailureDestinationKey")!;
    assert.deepStrictEqual((queueKey.Condition as Record<string, unknown>).StringEquals, {
      "kms:ViaService": "sqs.us-east-1.amazonaws.com",
    });
    assert.ok(
      checkerPolicy.every(
        (s) =>
          !(s.Action as string[]).some(
            (a) => a.startsWith("logs:Create") && a !== "logs:CreateLogStream",
          ),
      ),
    );
  });

  it("triggers the sync on ElastiCache events, its alarms and a reconcile schedule; the checker every minute", async () => {
    const plan = await planOf("prod-euw1");
    const rules = new Map(
      ofType(plan, "aws:cloudwatch/eventRule:EventRule").map((r) => [
        r.name.replace("prod-euw1-", ""),
        r,
      ]),
    );
    assert.deepStrictEqual(JSON.parse(rules.get("tiers-cache-events")!.inputs.eventPattern), {
      source: ["aws.elasticache"],
      "detail-type": ["Cache Updated"],
    });
    assert.deepStrictEqual(
      JSON.parse(rules.get("tiers-cache-alarms")!.inputs.eventPattern).detail,
      {
        alarmName: [{ prefix: "magento-dr-prod-euw1-cache-" }],
      },
    );
    assert.strictEqual(
      rules.get("tiers-search-health-schedule")!.inputs.scheduleExpression,
      "rate(1 minute)",
    );
    assert.strictEqual(
      rules.get("tiers-cache-sync-schedule")!.inputs.scheduleExpression,
      "rate(5 minutes)",
    );
    const permissions = ofType(plan, "aws:lambda/permission:Permission");
    assert.strictEqual(permissions.filter((p) => p.name.includes("-tiers-")).length, 4);
    for (const p of permissions) {
      assert.strictEqual(p.inputs.principal, "events.amazonaws.com");
      const region = p.region ?? "eu-west-1";
      assert.match(p.inputs.sourceArn, new RegExp(`^arn:aws:events:${region}:123456789012:rule/`));
    }
  });
});

describe("tier automation: alarms and dashboard", () => {
  const byName = (alarms: PlannedResource[], suffix: string) => {
    const found = alarms.find((a) => a.inputs.name.endsWith(suffix));
    assert.ok(found, `no alarm *${suffix}`);
    return found.inputs;
  };

  it("alarms on cache, database, search and load balancer with thresholds from config, to the topic", async () => {
    const plan = await planOf("prod-use1", [
      'alarmThresholds={"dbCpuPercent": 70, "cacheEngineCpuPercent": 65}',
    ]);
    const alarms = ofType(plan, ALARM).filter((a) => a.name.includes("-monitoring-"));
    assert.ok(alarms.length >= 17);
    assert.ok(
      alarms.every((a) =>
        /^arn:aws:sns:us-east-1:123456789012:prod-use1-notify-alerts-/.test(
          a.inputs.alarmActions[0],
        ),
      ),
    );
    assert.deepStrictEqual(
      [byName(alarms, "-db-cpu").metricName, byName(alarms, "-db-cpu").threshold],
      ["CPUUtilization", 70],
    );
    assert.strictEqual(byName(alarms, "-cache-cpu-001").threshold, 65);
    assert.deepStrictEqual(byName(alarms, "-cache-memory-002").dimensions, {
      CacheClusterId: "magento-dr-prod-use1-002",
    });
    assert.strictEqual(byName(alarms, "-cache-evictions-001").metricName, "Evictions");
    assert.strictEqual(byName(alarms, "-cache-connections-001").metricName, "CurrConnections");
    assert.strictEqual(byName(alarms, "-search-red").metricName, "ClusterStatus.red");
    assert.strictEqual(byName(alarms, "-search-yellow").metricName, "ClusterStatus.yellow");
    assert.strictEqual(byName(alarms, "-search-free-storage").threshold, 20 * 1024);
    assert.strictEqual(byName(alarms, "-search-jvm-pressure").threshold, 85);
    assert.strictEqual(byName(alarms, "-db-free-storage").threshold, 20 * 1024 ** 3);
    assert.strictEqual(byName(alarms, "-alb-5xx").metricName, "HTTPCode_ELB_5XX_Count");
    assert.strictEqual(byName(alarms, "-alb-unhealthy-hosts").metricName, "UnHealthyHostCount");
    const tier = byName(alarms, "-search-tier-unhealthy");
    assert.deepStrictEqual(
      [tier.namespace, tier.metricName, tier.treatMissingData],
      ["MagentoDR/Search", "TierHealth", "breaching"],
    );
    assert.ok(
      !alarms.some((a) => /replica-lag|replication-lag/.test(a.inputs.name)),
      "the home region holds no replicas",
    );
  });

  it("alarms on replication lag where the replicas are", async () => {
    const alarms = ofType(await planOf("prod-euw1"), ALARM);
    const db = byName(alarms, "-db-replica-lag");
    assert.deepStrictEqual(
      [db.metricName, db.threshold, db.treatMissingData],
      ["ReplicaLag", 60, "breaching"],
    );
    assert.strictEqual(
      byName(alarms, "-cache-replication-lag-001").metricName,
      "GlobalDatastoreReplicationLag",
    );
  });

  it("forwards RDS failover events to the topic and draws the DR dashboard", async () => {
    const plan = await planOf("prod-euw1");
    const rds = one(plan, "aws:cloudwatch/eventRule:EventRule", "-rds-failover");
    assert.deepStrictEqual(JSON.parse(rds.inputs.eventPattern).detail.EventCategories, [
      "failover",
      "recovery",
      "failure",
    ]);
    const body = JSON.parse(one(plan, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    const titles = body.widgets.map(
      (w: { properties: { title?: string; markdown?: string } }) =>
        w.properties.title ?? w.properties.markdown,
    );
    assert.match(titles[0], /eu-west-1: standby \(active: us-east-1\)/);
    assert.ok(titles.includes("Replication lag per tier (s)"));
    assert.ok(titles.includes("Search tier health (1 = healthy)"));
    assert.ok(titles.includes("Route 53 health check (1 = healthy)"));
    assert.ok(titles.includes("Last failover events"));
  });
});

describe("tier automation: the serialized packages run", () => {
  // The Lambda runtime loads __index.js and calls exports.handler; do the same with the package
  // the program built, with the AWS SDK mocked at the client.
  const load = async (suffix: string) => {
    const plan = await planOf("prod-use1");
    const fn = one(plan, FUNCTION, suffix);
    const code = plan.run.packages.get(fn.urn)!.indexJs!;
    const file = path.join(PROJECT_DIR, `.lambda-${suffix}-${process.pid}.js`);
    fs.writeFileSync(file, code);
    try {
      return require(file).handler as (event: unknown, context?: unknown) => Promise<any>;
    } finally {
      fs.rmSync(file);
    }
  };
  // Installed for this block only: other test files mock the same client classes.
  let ssm: AwsStub<any, any, any>;
  let elasticache: AwsStub<any, any, any>;
  before(() => {
    ssm = mockClient(SSMClient);
    elasticache = mockClient(ElastiCacheClient);
  });
  beforeEach(() => {
    ssm.reset();
    elasticache.reset();
  });
  after(() => {
    ssm.restore();
    elasticache.restore();
  });

  it("cache sync rejects a foreign event without touching AWS", async () => {
    process.env.ACCOUNT_ID = "123456789012";
    const handler = await load("-cache-sync-fn");
    const result = await handler({
      source: "aws.elasticache",
      "detail-type": "Cache Updated",
      account: "999999999999",
      region: "us-east-1",
      detail: {},
    });
    assert.strictEqual(result.outcome, "rejected");
    assert.strictEqual(ssm.calls().length + elasticache.calls().length, 0);
  });

  it("cache sync writes the new primary and bumps the epoch", async () => {
    process.env.ACCOUNT_ID = "123456789012";
    const handler = await load("-cache-sync-fn");
    elasticache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: "magento-dr-prod-use1",
          Status: "available",
          NodeGroups: [
            {
              PrimaryEndpoint: { Address: "new-primary.cache.amazonaws.com", Port: 6379 },
              ReaderEndpoint: { Address: "reader.cache.amazonaws.com", Port: 6379 },
            },
          ],
        },
      ],
    });
    const values: Record<string, string> = {
      "/magento-dr/prod-use1/cache/primary-host": "old-primary.cache.amazonaws.com",
      "/magento-dr/prod-use1/cache/reader-host": "reader.cache.amazonaws.com",
      "/magento-dr/prod-use1/epoch": "4",
    };
    const parameter = (Name: string) => ({
      Name,
      Value: values[Name],
      Version: 1,
      LastModifiedDate: new Date(0),
    });
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.map(parameter),
      InvalidParameters: [],
    }));
    ssm
      .on(GetParameterCommand)
      .callsFake((input: { Name: string }) => ({ Parameter: parameter(input.Name) }));
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    const result = await handler({
      version: "0",
      id: "e1",
      source: "aws.events",
      "detail-type": "Scheduled Event",
      account: "123456789012",
      region: "us-east-1",
      time: new Date().toISOString(),
      resources: ["arn:aws:events:us-east-1:123456789012:rule/reconcile"],
      detail: {},
    });
    assert.strictEqual(result.outcome, "updated", JSON.stringify(result));
    const puts = ssm
      .commandCalls(PutParameterCommand)
      .map((c: any) => [c.args[0].input.Name, c.args[0].input.Value]);
    assert.deepStrictEqual(puts, [
      ["/magento-dr/prod-use1/cache/primary-host", "new-primary.cache.amazonaws.com"],
      ["/magento-dr/prod-use1/epoch", "5"],
    ]);
  });
});

describe("every failover function runs on the Node.js 24 Lambda runtime", () => {
  // Node.js 24 on Lambda no longer calls callback-style handlers (event, context, callback): each
  // package's exports.handler must be an async function of at most two parameters.
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: nodejs24.x, and every packaged handler is async with arity <= 2`, async () => {
      const plan = await planOf(stack);
      const functions = ofType(plan, FUNCTION);
      assert.ok(functions.length >= 3, `${stack} plans ${functions.length} functions`);
      for (const fn of functions) {
        assert.strictEqual(fn.inputs.runtime, "nodejs24.x", fn.name);
        const file = path.join(PROJECT_DIR, `.lambda-arity-${process.pid}.js`);
        fs.writeFileSync(file, plan.run.packages.get(fn.urn)!.indexJs!);
        // The handler factory runs at load and reads the function's environment, as deployed.
        const variables: Record<string, string> = fn.inputs.environment?.variables ?? {};
        const saved = Object.keys(variables).map((k) => [k, process.env[k]] as const);
        Object.assign(process.env, variables);
        try {
          const handler = require(file).handler as (...args: unknown[]) => unknown;
          assert.strictEqual(typeof handler, "function", fn.name);
          assert.ok(handler.length <= 2, `${fn.name} handler takes ${handler.length} parameters`);
          assert.strictEqual(handler.constructor.name, "AsyncFunction", fn.name);
        } finally {
          fs.rmSync(file);
          delete require.cache[file];
          for (const [k, v] of saved) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
        }
      }
    });
  }
});
