// The search tier's replication as the program deploys it: the replication function in every
// region, its permissions and alarms, the promotion's access to it, and its serialized package
// run against a simulated domain on 127.0.0.1.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PROJECT_DIR } from "../plan/stackConfig";
import { functionsOf } from "../plan/plan";
import { one, ofType, planOf } from "./helpers/plan";
import { SimSearchDomain } from "./helpers/simSearchDomain";
import { captureLogs } from "./functions/fakeAws";

const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function inlinePolicy(plan: Awaited<ReturnType<typeof planOf>>, prefix: string) {
  const policy = one(plan, "aws:iam/rolePolicy:RolePolicy", `${prefix}-policy`);
  return JSON.parse(policy.inputs.policy) as {
    Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: any }[];
  };
}

describe("search replication: the program", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack} runs the replication function in its VPC every minute, one at a time, lean`, async () => {
      const plan = await planOf(stack);
      const fn = one(plan, FUNCTION, "-search-replication-fn-fn");
      assert.strictEqual(fn.inputs.reservedConcurrentExecutions, 1);
      assert.strictEqual(fn.inputs.vpcConfig.subnetIds.length, 3);
      assert.strictEqual(fn.inputs.timeout, 120);
      assert.strictEqual(fn.inputs.environment.variables.SEARCH_DOMAIN_NAME, `magento-dr-${stack}`);
      const listed = functionsOf(plan.run).find((f) =>
        f.name.endsWith("-search-replication-fn-fn"),
      )!;
      assert.ok(listed.packageBytes <= 64 * 1024, `${listed.packageBytes} bytes`);
      assert.strictEqual(
        one(plan, "aws:cloudwatch/eventRule:EventRule", "-search-replication-fn-schedule").inputs
          .scheduleExpression,
        "rate(1 minute)",
      );
      const statements = inlinePolicy(plan, "-search-replication-fn");
      const sid = (s: string) => statements.Statement.find((x) => x.Sid === s)!;
      assert.deepStrictEqual(sid("ReadAuthority").Action, ["dynamodb:GetItem"]);
      assert.deepStrictEqual(sid("ReadAuthority").Resource, [
        "arn:aws:dynamodb:us-west-2:123456789012:table/magento-dr-authority",
      ]);
      assert.deepStrictEqual(sid("ReplicationMetrics").Condition, {
        StringEquals: { "cloudwatch:namespace": "MagentoDR/Search" },
      });
      assert.deepStrictEqual(sid("SearchCredentials").Action, ["secretsmanager:GetSecretValue"]);
    });

    it(`${stack} alarms when its domain stops following or falls behind`, async () => {
      const plan = await planOf(stack);
      const stopped = one(plan, ALARM, "-search-replication-stopped").inputs;
      assert.deepStrictEqual(
        [stopped.metricName, stopped.dimensions, stopped.treatMissingData, stopped.threshold],
        ["ReplicationHealthy", { DomainName: `magento-dr-${stack}` }, "breaching", 1],
      );
      const behind = one(plan, ALARM, "-search-replication-behind").inputs;
      assert.deepStrictEqual(
        [behind.metricName, behind.threshold, behind.evaluationPeriods],
        ["ReplicationLagOperations", 1000, 10],
      );
    });
  }

  it("lets the promotion invoke exactly the local replication function and set the reindex request", async () => {
    const plan = await planOf("prod-euw1");
    const fn = one(plan, FUNCTION, "-search-replication-fn-fn");
    const orchestrator = one(plan, FUNCTION, "-failover-orchestrator-fn");
    const settings = JSON.parse(orchestrator.inputs.environment.variables.FAILOVER_SETTINGS);
    assert.deepStrictEqual(settings.search, {
      replicationFunctionName: fn.inputs.name ?? settings.search.replicationFunctionName,
      reindexParameter: "/magento-dr/prod-euw1/search/reindex-requested",
    });
    assert.match(settings.search.replicationFunctionName, /^prod-euw1-search-replication-fn-fn-/);
    const statements = inlinePolicy(plan, "-failover-orchestrator");
    const invoke = statements.Statement.find((s) => s.Sid === "PromoteSearch")!;
    assert.deepStrictEqual(invoke.Action, ["lambda:InvokeFunction"]);
    assert.deepStrictEqual(invoke.Resource.length, 1);
    assert.match(
      invoke.Resource[0],
      /^arn:aws:lambda:eu-west-1:123456789012:function:prod-euw1-search-replication-fn-fn-/,
    );
    const endpoints = statements.Statement.find((s) => s.Sid === "Endpoints")!;
    assert.ok(endpoints.Resource.some((r) => r.endsWith("/search/reindex-requested")));
    const reindex = one(plan, "aws:ssm/parameter:Parameter", "reindex-requested");
    assert.strictEqual(reindex.inputs.value, "0");
    assert.deepStrictEqual(reindex.ignoreChanges, ["value"]);
  });

  it("points the health checker at the region's domain first, then the configured extra candidates", async () => {
    const extra = "vpc-second-abc.eu-west-1.es.amazonaws.com";
    const plan = await planOf("prod-euw1", [`searchFallbackEndpoints=["${extra}"]`]);
    const checker = one(plan, FUNCTION, "-search-health-fn");
    const endpoints = JSON.parse(checker.inputs.environment.variables.SEARCH_ENDPOINTS);
    assert.strictEqual(endpoints.length, 2);
    assert.strictEqual(endpoints[1], extra);
    assert.strictEqual(endpoints[0], (await planOf("prod-euw1")).run.outputs.searchEndpoint);
  });
});

describe("search replication: the serialized package runs against a simulated domain", () => {
  let stubs: AwsStub<any, any, any>[] = [];
  let domain: SimSearchDomain;
  let logs: ReturnType<typeof captureLogs>;
  before(() => {
    stubs = [SecretsManagerClient, DynamoDBClient, CloudWatchClient].map((c) =>
      mockClient(c as any),
    );
  });
  after(() => stubs.forEach((s) => s.restore()));
  beforeEach(async () => {
    stubs.forEach((s) => s.reset());
    domain = new SimSearchDomain();
    await domain.start();
  });
  afterEach(() => domain.stop());

  it("the standby's function signs in with the domain's secret, puts Magento's and the checker's users in place and follows the home region", async () => {
    const plan = await planOf("prod-euw1");
    const fn = one(plan, FUNCTION, "-search-replication-fn-fn");
    const env = fn.inputs.environment.variables;
    const [secrets, dynamo, cloudwatch] = stubs;
    // Each secret by its ARN, as the function's environment names them.
    const secretValues: Record<string, object> = {
      [env.SEARCH_SECRET_ARN]: { username: "magento", password: "s3cret" },
      [env.SEARCH_MAGENTO_SECRET_ARN]: { username: "magento-app", password: "Mag3nto-App-Pa55!" },
      [env.SEARCH_CHECKER_SECRET_ARN]: {
        username: "magento-dr-checker",
        password: "Ch3cker-Pa55#word",
      },
    };
    assert.strictEqual(new Set(Object.keys(secretValues)).size, 3, "three distinct secrets");
    for (const [arn, value] of Object.entries(secretValues)) {
      secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({
        SecretString: JSON.stringify(value),
      });
    }
    dynamo.on(GetItemCommand).resolves({}); // never written: the configured active region
    cloudwatch.on(PutMetricDataCommand).resolves({});
    domain.leaders.set(
      "leader-us-east-1",
      new Map([["magento2_product_1_v1", { docs: 10, aliases: ["magento2_product_1"] }]]),
    );
    const file = path.join(PROJECT_DIR, `.lambda-search-replication-${process.pid}.js`);
    fs.writeFileSync(file, plan.run.packages.get(fn.urn)!.indexJs!);
    const saved = { ...process.env };
    Object.assign(process.env, fn.inputs.environment.variables, { SEARCH_ENDPOINT: domain.url });
    logs = captureLogs();
    try {
      const report = await require(file).handler({ "detail-type": "Scheduled Event" });
      assert.strictEqual(report.role, "follower");
      assert.strictEqual(report.activeRegion, "us-east-1");
      assert.strictEqual(report.ruleCreated, true);
      assert.deepStrictEqual(report.problems, []);
    } finally {
      logs.restore();
      fs.rmSync(file);
      process.env = saved;
    }
    assert.deepStrictEqual(domain.rolesOf("magento-app"), ["magento_dr_app"]);
    assert.deepStrictEqual(domain.rolesOf("magento-dr-checker"), ["magento_dr_checker"]);
    assert.deepStrictEqual(
      domain.writes().filter((w) => !w.includes("/_plugins/_security/api/")),
      ["POST /_plugins/_replication/_autofollow"],
    );
    assert.strictEqual(
      (domain.requests[0].body as any)?.leader_alias ??
        (domain.requests.find((r) => r.method === "POST")!.body as any).leader_alias,
      "leader-us-east-1",
    );
    assert.strictEqual(
      dynamo.commandCalls(GetItemCommand)[0].args[0].input.TableName,
      "magento-dr-authority",
    );
    // One read per secret: each is cached for the container.
    assert.strictEqual(secrets.commandCalls(GetSecretValueCommand).length, 3);
  });

  it("the home domain's function knows only the way back (it follows the standby after a failover)", async () => {
    const plan = await planOf("prod-use1");
    assert.strictEqual(
      ofType(plan, "aws:opensearch/outboundConnection:OutboundConnection").length,
      0,
    );
    const fn = one(plan, FUNCTION, "-search-replication-fn-fn");
    assert.match(plan.run.packages.get(fn.urn)!.indexJs!, /leader-eu-west-1/);
    assert.doesNotMatch(plan.run.packages.get(fn.urn)!.indexJs!, /leader-us-east-1/);
  });
});
