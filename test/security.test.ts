// The security controls of issue 17, planned under Pulumi's mocks from the stacks' own files:
// what an instance accepts as an endpoint, who may page whom, and which roles may do what.
import * as assert from "assert";
import { one, planOf } from "./helpers/plan";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function userDataOf(plan: Awaited<ReturnType<typeof planOf>>): string {
  const template = one(plan, "aws:ec2/launchTemplate:LaunchTemplate");
  return Buffer.from(template.inputs.userData, "base64").toString();
}

describe("security: endpoints the instances accept", () => {
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
