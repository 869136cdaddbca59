import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  isMutatingAction,
  isWildcardAction,
  isWildcardResource,
  parseDocument,
} from "../../policies/lib/iam";
import { identifies, refersTo } from "../../policies/lib/stack";
import { kindOf } from "../../policies/lib/subject";
import { isSet, known, knownList, show, snapshot, UNKNOWN } from "../../policies/lib/values";
import { preview, stackArgs, U } from "./util";

describe("policies: shared helpers", () => {
  describe("values", () => {
    it("reads unknown values, and objects on their path, as UNKNOWN", () => {
      const props = preview({ a: U, b: { c: 1 }, d: [1, U] }) as any;
      assert.strictEqual(
        known(() => props.a),
        UNKNOWN,
      );
      assert.strictEqual(
        known(() => props.a.deep),
        UNKNOWN,
      );
      assert.strictEqual(
        known(() => props.b.c),
        1,
      );
      assert.strictEqual(
        known(() => pulumi.unknown),
        UNKNOWN,
      );
      assert.deepStrictEqual(
        knownList(() => props.d),
        [1, UNKNOWN],
      );
      assert.deepStrictEqual(
        snapshot(() => props),
        { a: UNKNOWN, b: { c: 1 }, d: [1, UNKNOWN] },
      );
    });

    it("does not swallow other errors", () => {
      assert.throws(() => known(() => (undefined as any).x), TypeError);
    });

    it("counts an unknown value as set, and an empty one as not", () => {
      assert.deepStrictEqual([UNKNOWN, "x", ["a"], "", [], undefined].map(isSet), [
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
      assert.strictEqual(show([1, UNKNOWN]), '[1,"<unknown>"]');
      assert.strictEqual(show(undefined), "not set");
    });
  });

  describe("IAM documents", () => {
    it("normalises single statements, string lists, NotAction and principals", () => {
      const parsed = parseDocument(() =>
        JSON.stringify({
          Statement: {
            Effect: "Allow",
            NotAction: "iam:*",
            Resource: "*",
            Principal: { AWS: ["a", "*"] },
          },
        }),
      );
      assert.deepStrictEqual(parsed, {
        kind: "statements",
        statements: [
          {
            index: 0,
            sid: undefined,
            allow: true,
            actions: ["iam:*"],
            notAction: true,
            resources: ["*"],
            notResource: false,
            principals: ["a", "*"],
            notPrincipal: false,
          },
        ],
      });
    });

    it("tells unknown and invalid documents apart", () => {
      assert.deepStrictEqual(
        parseDocument(() => UNKNOWN),
        { kind: "unknown" },
      );
      assert.strictEqual(parseDocument(() => "[").kind, "invalid");
      assert.deepStrictEqual(
        parseDocument(() => undefined),
        { kind: "statements", statements: [] },
      );
    });

    it("classifies actions and resources", () => {
      assert.deepStrictEqual(
        ["*", "s3:*", "s3:Get*", "rds:PromoteReadReplica"].map(isWildcardAction),
        [true, true, false, false],
      );
      assert.deepStrictEqual(
        [
          "rds:DescribeDBInstances",
          "s3:Get*",
          "dynamodb:BatchGetItem",
          "ssm:PutParameter",
          "ec2:*",
        ].map(isMutatingAction),
        [false, false, false, true, true],
      );
      assert.deepStrictEqual(
        [
          "*",
          "arn:aws:rds:eu-west-1:123456789012:*",
          "arn:aws:ssm:eu-west-1:1:parameter/magento/*",
        ].map(isWildcardResource),
        [true, true, false],
      );
    });
  });

  describe("references between resources", () => {
    const { resources } = stackArgs([
      { cls: aws.iam.Role, name: "orchestrator-role", props: {}, parent: "urn:p" },
      { cls: aws.iam.Role, name: "other-role", props: { arn: "arn:aws:iam::1:role/other" } },
      { cls: aws.iam.RolePolicy, name: "policy", props: {}, parent: "urn:p" },
    ]);
    const [role, other, policy] = resources;

    it("identifies a resource by a known identifier, an ARN, or Pulumi's auto-name", () => {
      assert.ok(identifies("arn:aws:iam::1:role/other", other));
      assert.ok(identifies("arn:aws:iam::1:role/named", { ...role, props: { name: "named" } }));
      assert.ok(identifies("arn:aws:iam::1:role/orchestrator-role-0a1b2c3", role));
      assert.ok(identifies("orchestrator-role-0a1b2c3", role));
      assert.ok(!identifies("orchestrator-role-extra", role));
    });

    it("falls back to the sibling when the value cannot be matched, never when it names another", () => {
      assert.ok(refersTo(UNKNOWN, policy, role, [role, other]));
      assert.ok(!refersTo(UNKNOWN, policy, other, [role, other]));
      assert.ok(!refersTo("arn:aws:iam::1:role/other", policy, role, [role, other]));
    });
  });

  it("spells resource types the way the SDK does", () => {
    assert.strictEqual(kindOf("aws:rds/instance:Instance"), "rds.Instance");
    assert.strictEqual(kindOf("pulumi:pulumi:StackReference"), "StackReference");
  });
});
