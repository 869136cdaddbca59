// The security controls of issue 17, planned under Pulumi's mocks from the stacks' own files:
// what an instance accepts as an endpoint, who may page whom, and which roles may do what.
import * as assert from "assert";
import { checkPolicies } from "../plan/plan";
import { one, planOf, userDataOf } from "./helpers/plan";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("security: endpoints the instances accept", function () {
  this.timeout(300_000); // the first test plans the stacks (shared with the other files)
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: the launch template carries the stack's own endpoints as the allowlist`, async () => {
      const plan = await planOf(stack);
      const userData = userDataOf(plan);
      const json = /<<'MAGENTO_DR_ENDPOINTS'\n(.*)\nMAGENTO_DR_ENDPOINTS/.exec(userData);
      assert.ok(json, "no allowlist in user data");
      const allowlist = JSON.parse(json[1]) as Record<string, string[]>;
      assert.deepStrictEqual(Object.keys(allowlist).sort(), [
        "cache/primary-host",
        "cache/reader-host",
        "db/reader-host",
        "db/writer-host",
        "search/endpoint",
      ]);
      for (const [key, hosts] of Object.entries(allowlist)) {
        assert.ok(hosts.length >= 1 && hosts.every((h) => h.length > 0), `${key}: ${hosts}`);
      }
      // The same values the stack writes into the parameters: an instance accepts them.
      const parameter = (key: string) =>
        one(plan, "aws:ssm/parameter:Parameter", `-endpoints-${key.replace(/\//g, "-")}`).inputs
          .value;
      for (const key of Object.keys(allowlist)) {
        assert.ok(allowlist[key].includes(parameter(key)), `${key} = ${parameter(key)}`);
      }
      assert.match(userData, /METRIC_NAMESPACE='MagentoDR\/Instances'/);
    });
  }

  it("pages the operator topic when an instance refuses an endpoint", async () => {
    const plan = await planOf("prod-euw1");
    const alarm = one(plan, ALARM, "-security-endpoint-rejected");
    assert.strictEqual(alarm.inputs.namespace, "MagentoDR/Instances");
    assert.strictEqual(alarm.inputs.metricName, "EndpointRejected");
    assert.deepStrictEqual(alarm.inputs.dimensions, { Stack: "prod-euw1" });
    assert.strictEqual(alarm.inputs.threshold, 1);
    assert.strictEqual(alarm.inputs.alarmActions.length, 1);
    const role = one(plan, "aws:iam/rolePolicy:RolePolicy", "-app-instance");
    const statement = JSON.parse(role.inputs.policy).Statement.find(
      (s: { Sid: string }) => s.Sid === "PublishInstanceMetrics",
    );
    assert.deepStrictEqual(statement.Condition, {
      StringEquals: { "cloudwatch:namespace": "MagentoDR/Instances" },
    });
  });
});

describe("security: who can make the orchestrator promote", function () {
  this.timeout(300_000);
  const TYPE = {
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  };

  it("is reached by no event rule: only the detector's role may invoke it, and no trigger names another source", async () => {
    const plan = await planOf("prod-euw1");
    // Anyone in the account may put events on the default bus: no rule there targets it.
    const orchestratorTargets = plan.run.resources.filter(
      (r) => r.type === TYPE.target && r.name.includes("-failover-orchestrator-"),
    );
    assert.deepStrictEqual(orchestratorTargets, []);
    const permissions = plan.run.resources.filter(
      (r) =>
        r.type === "aws:lambda/permission:Permission" && r.name.includes("-failover-orchestrator-"),
    );
    assert.deepStrictEqual(permissions, [], "no service may invoke the orchestrator");
    const roles = plan.run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    // A grant reaches the orchestrator when it names it or a wildcard could match it (the
    // orchestrator itself may invoke the search replication function, by its own ARN).
    const reachesOrchestrator = (resource: string) =>
      resource.includes("*") || resource.includes("-failover-orchestrator-");
    const invokers = roles.filter((r) =>
      JSON.parse(r.inputs.policy).Statement.some(
        (st: { Action: string[]; Resource: string | string[] }) =>
          st.Action.includes("lambda:InvokeFunction") &&
          [st.Resource].flat().some(reachesOrchestrator),
      ),
    );
    assert.deepStrictEqual(
      invokers.map((r) => r.name),
      [invokers.find((r) => r.name.includes("-failover-detector-"))?.name],
      "only the detector's role is granted lambda:InvokeFunction",
    );
  });

  it("pages on a forged request on the default bus, and on any request the orchestrator refuses", async () => {
    const plan = await planOf("prod-euw1");
    const tripwire = one(plan, TYPE.rule, "-failover-forged-requests");
    assert.strictEqual(
      tripwire.inputs.eventBusName,
      undefined,
      "the tripwire is on the default bus",
    );
    assert.deepStrictEqual(JSON.parse(tripwire.inputs.eventPattern), {
      source: [{ prefix: "magento-dr." }],
    });
    const target = one(plan, TYPE.target, "-failover-forged-requests");
    assert.match(String(target.inputs.arn), /sns/, "the target is the operator topic");
    assert.match(target.inputs.inputTransformer.inputTemplate, /FORGED failover request/);
    const filter = one(plan, TYPE.filter, "-failover-rejected-requests");
    assert.strictEqual(filter.inputs.pattern, '"event-rejected"');
    const alarm = one(plan, ALARM, "-failover-rejected-requests");
    assert.strictEqual(alarm.inputs.metricName, "RejectedFailoverRequests");
    assert.strictEqual(alarm.inputs.threshold, 1);
    assert.strictEqual(alarm.inputs.alarmActions.length, 1);
  });
});

describe("security: least privilege and egress", function () {
  this.timeout(300_000);
  const statementsOf = (plan: Awaited<ReturnType<typeof planOf>>, suffix: string) =>
    JSON.parse(one(plan, "aws:iam/rolePolicy:RolePolicy", suffix).inputs.policy).Statement as {
      Sid: string;
      Action: string[];
      Resource: string[];
      Condition?: Record<string, Record<string, unknown>>;
    }[];
  const leadingKeys = (s: { Condition?: Record<string, Record<string, unknown>> }) =>
    s.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"];

  it("limits every writer of the authority table to its own items, and denies everyone else", async () => {
    const plan = await planOf("prod-euw1");
    const witness = statementsOf(plan, "-failover-witness-policy");
    assert.deepStrictEqual(
      leadingKeys(witness.find((s) => s.Sid === "WitnessVerdicts")!),
      ["witness#us-west-2"],
      "the witness writes its verdicts only",
    );
    const orchestrator = statementsOf(plan, "-failover-orchestrator-policy");
    assert.deepStrictEqual(leadingKeys(orchestrator.find((s) => s.Sid === "AuthorityWrite")!), [
      "authority",
      "incident#*",
      "signals#eu-west-1",
    ]);
    const fence = statementsOf(plan, "-fence-policy");
    assert.deepStrictEqual(leadingKeys(fence.find((s) => s.Sid === "Authority")!), ["authority"]);
    const instances = statementsOf(plan, "-app-instance");
    assert.deepStrictEqual(leadingKeys(instances.find((s) => s.Sid === "ReadFailoverAuthority")!), [
      "authority",
    ]);
    const policy = JSON.parse(
      one(plan, "aws:dynamodb/resourcePolicy:ResourcePolicy", "-authority").inputs.policy,
    );
    const [deny] = policy.Statement;
    assert.strictEqual(deny.Effect, "Deny");
    assert.ok(
      deny.Action.includes("dynamodb:PutItem") && deny.Action.includes("dynamodb:UpdateItem"),
    );
    const admitted: string[] = deny.Condition.ArnNotLike["aws:PrincipalArn"];
    assert.strictEqual(
      admitted.length,
      5,
      "detector, orchestrator, witness, every region's fence and one operator role",
    );
    assert.ok(admitted.includes("arn:aws:iam::123456789012:role/*-fence-role-*"));
    assert.ok(admitted.includes("arn:aws:iam::123456789012:role/magento-dr-operator"));
  });

  it("pages when the region gate trips, and uses keys only through their services", async () => {
    const plan = await planOf("prod-euw1");
    const gate = one(plan, ALARM, "-failover-gate-tripped");
    assert.strictEqual(gate.inputs.namespace, "magento-dr/RegionGate");
    assert.strictEqual(gate.inputs.metricName, "FailoverActive");
    assert.strictEqual(gate.inputs.alarmActions.length, 1);
    const orchestrator = statementsOf(plan, "-failover-orchestrator-policy");
    const viaService = (sid: string) =>
      orchestrator.find((s) => s.Sid === sid)!.Condition?.StringEquals;
    assert.deepStrictEqual(viaService("NotifyKey"), {
      "kms:ViaService": "sns.eu-west-1.amazonaws.com",
    });
    assert.deepStrictEqual(viaService("FailureDestinationKey"), {
      "kms:ViaService": "sqs.eu-west-1.amazonaws.com",
    });
  });

  it("lets instances out only to the data tiers, the VPC endpoints and HTTPS", async () => {
    const plan = await planOf("prod-use1");
    const app = one(plan, "aws:ec2/securityGroup:SecurityGroup", "-net-app");
    assert.strictEqual(app.inputs.egress, undefined, "no inline allow-all rule");
    const rules = plan.run.resources.filter(
      (r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    );
    const byName = Object.fromEntries(
      rules.map((r) => [r.name.replace(/.*-app-to-/, ""), r.inputs]),
    );
    assert.deepStrictEqual(Object.keys(byName).sort(), [
      "cache",
      "db",
      "dynamodb",
      "efs",
      "endpoints",
      "https-0",
      "search",
    ]);
    assert.strictEqual(byName.db.fromPort, 3306);
    assert.ok(byName.db.referencedSecurityGroupId);
    assert.strictEqual(byName.cache.fromPort, 6379);
    assert.deepStrictEqual(
      [byName["https-0"].fromPort, byName["https-0"].cidrIpv4],
      [443, "0.0.0.0/0"],
    );
    // DynamoDB through the gateway endpoint: its prefix list, the only destination of the rule.
    assert.match(String(byName.dynamodb.prefixListId), /^pl-[0-9a-f]+$/);
    assert.strictEqual(
      one(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "-net-dynamodb").inputs.vpcEndpointType,
      "Gateway",
    );
    for (const inputs of Object.values(byName)) {
      assert.ok(inputs.cidrIpv4 === undefined || inputs.fromPort === 443, JSON.stringify(inputs));
    }
  });
});

describe("security: only the load balancer faces the internet, at a first preview", function () {
  this.timeout(300_000);

  it("ties the ALB's security group through the engine's property dependencies while ids are unknown", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const plan = await planOf(stack, [], "preview");
      const alb = one(plan, "aws:lb/loadBalancer:LoadBalancer");
      const albGroup = one(plan, "aws:ec2/securityGroup:SecurityGroup", "-net-alb");
      assert.deepStrictEqual(alb.propertyDependencies.securityGroups, [albGroup.urn], stack);
      assert.ok(alb.dependencies.includes(albGroup.urn), stack);
      const results = checkPolicies(plan.run);
      const level = results.policies.find(
        (p) => p.name === "internet-ingress-only-on-load-balancer",
      )?.enforcementLevel;
      assert.strictEqual(level, "mandatory");
      assert.deepStrictEqual(
        results.violations.filter((v) => v.policy === "internet-ingress-only-on-load-balancer"),
        [],
        `${stack}: the ALB's group is tied to it, none other admits the internet`,
      );
    }
  });
});

describe("security: reading a secret decrypts only through Secrets Manager", () => {
  type Statement = {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  };
  const list = (v: string | string[]) => [v].flat();
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: each secret read comes with kms:Decrypt of its region's keys, by alias, via secretsmanager only`, async () => {
      const plan = await planOf(stack);
      let reads = 0;
      for (const policy of plan.run.resources.filter(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy",
      )) {
        const statements = JSON.parse(policy.inputs.policy).Statement as Statement[];
        for (const read of statements.filter((s) =>
          list(s.Action).includes("secretsmanager:GetSecretValue"),
        )) {
          reads++;
          assert.strictEqual(read.Effect, "Allow");
          // A secret and the key it is encrypted with are in one region (Secrets Manager).
          const regions = new Set(list(read.Resource).map((arn) => arn.split(":")[3]));
          assert.strictEqual(regions.size, 1, `${policy.name} ${read.Sid}: ${read.Resource}`);
          const [region] = regions;
          const account = list(read.Resource)[0].split(":")[4];
          const key = statements.find((s) => s.Sid === `${read.Sid}Key`);
          assert.ok(key, `${policy.name}: ${read.Sid} has no ${read.Sid}Key statement`);
          assert.deepStrictEqual(
            { Effect: key.Effect, Action: key.Action, Resource: key.Resource },
            {
              Effect: "Allow",
              Action: ["kms:Decrypt"],
              Resource: [`arn:aws:kms:${region}:${account}:key/*`],
            },
          );
          assert.deepStrictEqual(key.Condition?.StringEquals, {
            "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
          });
          const alias = key.Condition?.["ForAnyValue:StringEquals"]?.["kms:ResourceAliases"];
          assert.match(String(alias), /^alias\/[A-Za-z0-9/_-]+$/);
        }
      }
      assert.ok(reads >= 2, `${reads} secret reads found`);
    });
  }
});
