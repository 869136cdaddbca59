// The argument bags the offline evaluator hands to rules (policies/lib/args.ts), checked against
// what @pulumi/policy's server builds: the type test, the options, parents and dependencies
// linked to the resources' objects, and notApplicable.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
  isTypeOf,
  NotApplicable,
  policyOptions,
  policyResources,
  resourceValidationArgs,
  stackValidationArgs,
  type ResourceDescription,
} from "../../policies/lib/args";

const BUCKET = "aws:s3/bucket:Bucket";
const urn = (type: string, name: string) => `urn:pulumi:test::magento-dr::${type}::${name}`;

const parent: ResourceDescription = {
  type: "magento-dr:region:DataTier",
  name: "data",
  urn: urn("magento-dr:region:DataTier", "data"),
  props: {},
};
const bucket: ResourceDescription = {
  type: BUCKET,
  name: "logs",
  urn: urn(BUCKET, "logs"),
  props: { bucket: "logs-1" },
  parent: parent.urn,
  protect: true,
  ignoreChanges: ["tags"],
};
const policy: ResourceDescription = {
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name: "logs",
  urn: urn("aws:s3/bucketPolicy:BucketPolicy", "logs"),
  props: { bucket: "logs-1" },
  dependencies: [bucket.urn, urn(BUCKET, "not-in-the-stack")],
  propertyDependencies: { bucket: [bucket.urn], policy: [] },
};

describe("policies: the argument bags rules receive", () => {
  it("isTypeOf: by the class's type token, else by its isInstance", () => {
    assert.strictEqual(isTypeOf(BUCKET, aws.s3.Bucket), true);
    assert.strictEqual(isTypeOf("aws:s3/bucketV2:BucketV2", aws.s3.Bucket), false);
    // A class without a type token: its isInstance decides, and only a literal true counts.
    const byInstance = (answer: unknown) =>
      ({
        isInstance: (o: { __pulumiType: string }) => (o.__pulumiType === BUCKET ? answer : false),
      }) as never;
    assert.strictEqual(isTypeOf(BUCKET, byInstance(true)), true);
    assert.strictEqual(isTypeOf(BUCKET, byInstance("yes")), false);
    assert.strictEqual(isTypeOf("other", byInstance(true)), false);
    assert.strictEqual(isTypeOf(BUCKET, { __pulumiType: "" } as never), false);
  });

  it("options: protect and ignoreChanges as declared, defaults otherwise, the parent's URN", () => {
    assert.deepStrictEqual(policyOptions(bucket), {
      protect: true,
      ignoreChanges: ["tags"],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      parent: parent.urn,
    });
    assert.deepStrictEqual(policyOptions(parent), {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    });
  });

  it("stack resources: parents, dependencies and property dependencies link to the objects", () => {
    const [p, b, bp] = policyResources([parent, bucket, policy]);
    assert.strictEqual(b.parent, p);
    assert.strictEqual(p.parent, undefined);
    assert.deepStrictEqual(bp.dependencies, [b], "a URN outside the stack is left out");
    assert.strictEqual(bp.dependencies[0], b);
    assert.deepStrictEqual(Object.keys(bp.propertyDependencies), ["bucket", "policy"]);
    assert.strictEqual(bp.propertyDependencies.bucket[0], b);
    assert.deepStrictEqual(bp.propertyDependencies.policy, []);
    assert.deepStrictEqual(b.dependencies, []);
    assert.deepStrictEqual(b.asType(aws.s3.Bucket), { bucket: "logs-1" });
    assert.strictEqual(bp.asType(aws.s3.Bucket), undefined);
    assert.strictEqual(b.isType(aws.s3.Bucket), true);
    assert.strictEqual(bp.isType(aws.s3.Bucket), false);
  });

  it("resource and stack arguments: config, type tests and notApplicable with its reason", () => {
    const args = resourceValidationArgs(bucket, () => ({ days: 30 }));
    assert.deepStrictEqual(
      [args.type, args.name, args.urn, args.props, args.getConfig()],
      [BUCKET, "logs", bucket.urn, { bucket: "logs-1" }, { days: 30 }],
    );
    assert.deepStrictEqual(args.asType(aws.s3.Bucket), { bucket: "logs-1" });
    assert.strictEqual(args.asType(aws.s3.BucketPolicy), undefined);
    assert.strictEqual(args.isType(aws.s3.BucketPolicy), false);
    assert.deepStrictEqual(resourceValidationArgs(bucket).getConfig(), {});
    assert.throws(
      () => args.notApplicable("not a log bucket"),
      (e: unknown) =>
        e instanceof NotApplicable &&
        e.name === "NotApplicable" &&
        e.message === "not a log bucket" &&
        e.reason === "not a log bucket",
    );
    const stack = stackValidationArgs([parent, bucket], () => ({ strict: true }));
    assert.deepStrictEqual(stack.getConfig(), { strict: true });
    assert.deepStrictEqual(stackValidationArgs([]).getConfig(), {});
    assert.strictEqual(stack.resources[1].parent, stack.resources[0]);
    assert.throws(
      () => stack.notApplicable(),
      (e: unknown) => e instanceof NotApplicable && e.message === "Policy does not apply",
    );
  });
});
