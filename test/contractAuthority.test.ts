// The authority table's item keys are one contract (functions/contractAuthority.ts): the failover
// functions and the CLI write them, IAM grants each writer its own by dynamodb:LeadingKeys, the
// instances read the authority item. Expectations are literals; the grants are read from the plan,
// so a key renamed on one side fails here instead of as an AccessDenied during a promotion.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  AUTHORITY_ITEM_PREFIXES,
  AUTHORITY_ITEMS,
  AUTHORITY_PARTITION_KEY,
  incidentKey,
  signalsKey,
  witnessKey,
} from "../functions/contractAuthority";
import { AUTHORITY_KEY } from "../functions/region/authority";
import { HOLD_KEY } from "../functions/region/hold";
import { incidentKey as auditKey } from "../functions/region/audit";
import {
  signalsKey as detectorKey,
  witnessKey as witnessItemKey,
} from "../functions/region/detection";
import { PROJECT_DIR } from "../plan/stackConfig";
import { one, ofType, planOf } from "./helpers/plan";

/** "policy: keys" of every statement of the plan's role policies limited to authority items. */
async function grants(stack: string): Promise<string[]> {
  const found: string[] = [];
  for (const policy of ofType(await planOf(stack), "aws:iam/rolePolicy:RolePolicy")) {
    const document =
      typeof policy.inputs.policy === "string"
        ? JSON.parse(policy.inputs.policy)
        : policy.inputs.policy;
    for (const statement of document.Statement) {
      const keys = statement.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"];
      if (!keys || !JSON.stringify(statement.Resource).includes("authority")) continue;
      found.push(`${policy.name}: ${keys.join(" ")}`);
    }
  }
  return found.sort();
}

describe("contract: the authority table's items", function () {
  this.timeout(300_000);

  it("is exactly these keys, and the functions write them", () => {
    assert.strictEqual(AUTHORITY_PARTITION_KEY, "pk");
    assert.deepStrictEqual(AUTHORITY_ITEMS, { authority: "authority", hold: "hold" });
    assert.deepStrictEqual(AUTHORITY_ITEM_PREFIXES, {
      incident: "incident#",
      signals: "signals#",
      witness: "witness#",
    });
    assert.strictEqual(incidentKey("i-1"), "incident#i-1");
    assert.strictEqual(signalsKey("eu-west-1"), "signals#eu-west-1");
    assert.strictEqual(witnessKey("us-west-2"), "witness#us-west-2");
    // The stores use these very definitions.
    assert.strictEqual(AUTHORITY_KEY, "authority");
    assert.strictEqual(HOLD_KEY, "hold");
    assert.strictEqual(auditKey, incidentKey);
    assert.strictEqual(detectorKey, signalsKey);
    assert.strictEqual(witnessItemKey, witnessKey);
  });

  it("each writer is granted exactly its items, under these keys", async () => {
    assert.deepStrictEqual(await grants("prod-use1"), [
      "prod-use1-app-instance: authority",
      "prod-use1-fence-policy: authority",
    ]);
    assert.deepStrictEqual(await grants("prod-euw1"), [
      "prod-euw1-app-instance: authority",
      "prod-euw1-failover-detector-policy: authority hold incident#* signals#* witness#*",
      "prod-euw1-failover-detector-policy: authority incident#* signals#eu-west-1",
      "prod-euw1-failover-orchestrator-policy: authority hold incident#* signals#* witness#*",
      "prod-euw1-failover-orchestrator-policy: authority incident#* signals#eu-west-1",
      "prod-euw1-failover-witness-policy: authority witness#us-west-2",
      "prod-euw1-failover-witness-policy: witness#us-west-2",
      "prod-euw1-fence-policy: authority",
    ]);
  });

  it("the table is keyed by that attribute, and the instances read the authority item by it", async () => {
    const table = one(await planOf("prod-euw1"), "aws:dynamodb/table:Table", "-authority");
    assert.strictEqual(table.inputs.hashKey, "pk");
    assert.deepStrictEqual(table.inputs.attributes, [{ name: "pk", type: "S" }]);
    const script = fs.readFileSync(
      path.join(PROJECT_DIR, "components", "bootstrap", "magento-dr.sh"),
      "utf8",
    );
    assert.ok(script.includes(`--key '{"pk":{"S":"authority"}}'`));
  });
});
