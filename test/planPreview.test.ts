// The offline plan as a first preview: what the engine shows, and what the policy pack sees, before
// anything exists.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkedInputs, JSON_DOCUMENT_PROPERTIES } from "../plan/checkedInputs";
import { forJson, renderOutputs } from "../plan/render";
import { UNKNOWN_MARKER } from "../plan/mockCloud";
import { planOf } from "./helpers/plan";

describe("offline plan: first preview", () => {
  describe("the inputs the policy pack sees are the provider's Check result", () => {
    const document = (resource: unknown) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [resource] }],
    });

    it("turns a known document object into its JSON, as TransformJSONDocument does", () => {
      const checked = checkedInputs("aws:iam/rolePolicy:RolePolicy", {
        role: "r",
        policy: document("arn:aws:sqs:us-east-1:123456789012:q"),
      });
      assert.strictEqual(
        checked.policy,
        JSON.stringify(document("arn:aws:sqs:us-east-1:123456789012:q")),
      );
      assert.strictEqual(checked.role, "r");
    });

    it("turns a document with any unknown value into one unknown value", () => {
      const checked = checkedInputs("aws:iam/rolePolicy:RolePolicy", {
        policy: document(pulumi.unknown),
      });
      assert.ok(pulumi.isUnknown(checked.policy));
    });

    it("leaves strings, other properties and other types alone", () => {
      assert.strictEqual(
        checkedInputs("aws:iam/policy:Policy", { policy: '{"a":1}' }).policy,
        '{"a":1}',
      );
      const tags = { policy: { a: pulumi.unknown } };
      assert.strictEqual(checkedInputs("aws:s3/bucket:Bucket", tags), tags);
      assert.ok(JSON_DOCUMENT_PROPERTIES["aws:iam/role:Role"].includes("assumeRolePolicy"));
    });
  });

  it("prints and serializes unknown values as the engine does", () => {
    assert.strictEqual(
      renderOutputs({ a: pulumi.unknown, b: { c: "x", d: [pulumi.unknown] } }),
      'Outputs: 2\n  a  output<string>\n  b  {"c":"x","d":["output<string>"]}',
    );
    assert.deepStrictEqual(forJson({ a: [pulumi.unknown, 1] }), { a: [UNKNOWN_MARKER, 1] });
  });

  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: create-time values are unknown, config-derived ones known`, async () => {
      const { run } = await planOf(stack, [], "preview");
      assert.strictEqual(run.mode, "preview");
      const db = run.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
      assert.strictEqual(db.inputs.identifier, `magento-dr-${stack}`);
      assert.ok(pulumi.isUnknown(run.outputs.databaseArn));
      assert.ok(pulumi.isUnknown(run.outputs.albDnsName));
      assert.strictEqual(run.outputs.parameterPath, `/magento-dr/${stack}/`);
    });

    it(`${stack}: every identity policy document is known at the first preview`, async () => {
      const { run } = await planOf(stack, [], "preview");
      const documents = run.resources.filter(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/policy:Policy",
      );
      assert.ok(documents.length >= 4);
      for (const r of documents) {
        assert.strictEqual(
          typeof r.inputs.policy,
          "string",
          `${r.name}: policy unknown at preview`,
        );
        const parsed = JSON.parse(r.inputs.policy);
        assert.ok(parsed.Statement.length > 0, r.name);
      }
    });
  }
});
