// Magento's sessions on the DynamoDB global table, as the program declares them: the table's TTL,
// what each region's instances are told (SSM parameters) and may do (the instance role).
import * as assert from "assert";
import { SESSION_ITEM_ACTIONS, SESSION_KEY_PREFIX, TTL_ATTRIBUTE } from "../components/sessions";
import { one, ofType, planOf } from "./helpers/plan";

const TABLE = "aws:dynamodb/table:Table";
const PARAMETER = "aws:ssm/parameter:Parameter";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

interface PolicyStatement {
  Sid?: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

async function instanceStatements(stack: string, overrides: string[] = []) {
  const plan = await planOf(stack, overrides);
  const policy = one(plan, ROLE_POLICY, "-app-instance").inputs.policy;
  return (typeof policy === "string" ? JSON.parse(policy) : policy).Statement as PolicyStatement[];
}

async function parameter(stack: string, key: string, overrides: string[] = []) {
  const plan = await planOf(stack, overrides);
  return one(plan, PARAMETER, `-endpoints-${key.replace(/\//g, "-")}`).inputs.value;
}

describe("sessions on the global table", () => {
  it("expires sessions by the table's TTL attribute, the one the instances are told to write", async () => {
    const table = one(await planOf("prod-use1"), TABLE, "-sessions-table").inputs;
    assert.deepStrictEqual(table.ttl, { attributeName: TTL_ATTRIBUTE, enabled: true });
    assert.deepStrictEqual(
      [table.hashKey, table.rangeKey],
      ["pk", "sk"],
      "the key schema the session handler's module is rendered with",
    );
    for (const stack of ["prod-use1", "prod-euw1"]) {
      assert.strictEqual(await parameter(stack, "sessions/ttl-attribute"), "expiresAt");
      assert.strictEqual(await parameter(stack, "sessions/key-prefix"), SESSION_KEY_PREFIX);
      assert.strictEqual(await parameter(stack, "sessions/store"), "dynamodb", "the default");
      assert.strictEqual(await parameter(stack, "sessions/table"), "magento-dr-state");
    }
  });

  it("points each region's instances at their own replica", async () => {
    assert.strictEqual(await parameter("prod-use1", "sessions/region"), "us-east-1");
    assert.strictEqual(await parameter("prod-euw1", "sessions/region"), "eu-west-1");
  });

  it("lets instances do the handler's item operations on session items of their region's replica only", async () => {
    for (const [stack, region] of [
      ["prod-use1", "us-east-1"],
      ["prod-euw1", "eu-west-1"],
    ]) {
      const statements = await instanceStatements(stack);
      const sessions = statements.find((s) => s.Sid === "MagentoSessions")!;
      assert.deepStrictEqual(sessions.Action, [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
      ]);
      assert.deepStrictEqual(sessions.Action, SESSION_ITEM_ACTIONS);
      assert.deepStrictEqual(sessions.Resource, [
        `arn:aws:dynamodb:${region}:123456789012:table/magento-dr-state`,
      ]);
      assert.deepStrictEqual(sessions.Condition, {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["session#*"] },
      });
      const key = statements.find((s) => s.Sid === "MagentoSessionsKey")!;
      assert.deepStrictEqual(key.Resource, [`arn:aws:kms:${region}:123456789012:key/*`]);
      assert.deepStrictEqual(key.Condition, {
        StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` },
      });
      const dynamodb = statements.flatMap((s) => s.Action).filter((a) => a.startsWith("dynamodb:"));
      for (const needless of ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:BatchWriteItem"]) {
        assert.ok(!dynamodb.includes(needless), `${stack}: ${needless} is not needed`);
      }
    }
  });

  it("with sessionStore redis, tells the instances so and grants nothing on the sessions table", async () => {
    const overrides = ["sessionStore=redis"];
    assert.strictEqual(await parameter("prod-use1", "sessions/store", overrides), "redis");
    const statements = await instanceStatements("prod-use1", overrides);
    assert.deepStrictEqual(
      statements.filter((s) => s.Sid?.startsWith("MagentoSessions")),
      [],
    );
    assert.ok(!JSON.stringify(statements).includes("table/magento-dr-state"));
    assert.strictEqual(
      ofType(await planOf("prod-use1", overrides), TABLE).length,
      ofType(await planOf("prod-use1"), TABLE).length,
      "the table stays: switching back needs no data migration",
    );
  });
});
