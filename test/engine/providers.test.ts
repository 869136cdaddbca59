// The simulated provider plugins' pure parts: the Diff answer and the awsx subnet layout.
import * as assert from "assert";
import { diffProperties, previewOutputs, UNKNOWN } from "../../engine/providers/diff";
import { layoutSubnets } from "../../engine/providers/subnetLayout";
import { parseUrn } from "../../engine/providers/aws";

describe("simulated providers", () => {
  describe("diff", () => {
    const olds = {
      cidrBlock: "10.0.0.0/16",
      tags: { Name: "a" },
      arn: "arn:aws:ec2:x",
      id: "vpc-1",
    };
    const computed = new Set(["arn", "id"]);
    // What the cloud would hold for the inputs: the computed fields as they are now.
    const expectedOf = (news: Record<string, unknown>) => ({ ...news, arn: olds.arn, id: olds.id });

    it("reports no change when the inputs equal the state", () => {
      const news = { cidrBlock: "10.0.0.0/16", tags: { Name: "a" } };
      const diff = diffProperties(olds, news, expectedOf(news), computed, []);
      assert.deepStrictEqual(diff, { changes: false, replaces: [], changed: [] });
    });

    it("replaces only for the properties the type forces new", () => {
      const news = { cidrBlock: "10.1.0.0/16", tags: { Name: "b" } };
      const diff = diffProperties(olds, news, expectedOf(news), computed, ["cidrBlock"]);
      assert.deepStrictEqual(diff.changed, ["cidrBlock", "tags"]);
      assert.deepStrictEqual(diff.replaces, ["cidrBlock"]);
    });

    it("treats an unknown new value as a change (a preview cannot know it stays)", () => {
      const diff = diffProperties(
        olds,
        { cidrBlock: UNKNOWN, tags: { Name: "a" } },
        expectedOf({ cidrBlock: UNKNOWN, tags: { Name: "a" } }),
        computed,
        [],
      );
      assert.deepStrictEqual(diff.changed, ["cidrBlock"]);
      assert.deepStrictEqual(diff.replaces, []);
    });

    it("counts a removed input, never a computed output", () => {
      const diff = diffProperties(
        olds,
        { cidrBlock: "10.0.0.0/16" },
        expectedOf({ cidrBlock: "10.0.0.0/16" }),
        computed,
        ["tags"],
      );
      assert.deepStrictEqual(diff.changed, ["tags"]);
      assert.deepStrictEqual(diff.replaces, ["tags"]);
    });

    it("replaces on every change of a type it knows nothing of", () => {
      const news = { cidrBlock: "10.0.0.0/16", tags: {} };
      const diff = diffProperties(olds, news, expectedOf(news), computed, undefined);
      assert.deepStrictEqual(diff.replaces, ["tags"]);
    });

    it("never counts a field the cloud computes inside an input object", () => {
      const state = { destination: { region: "eu-west-1", fileSystemId: "fs-2" }, arn: "a" };
      const news = { destination: { region: "eu-west-1" } };
      const diff = diffProperties(state, news, state, new Set(["arn"]), []);
      assert.strictEqual(diff.changes, false);
    });
  });

  it("previews a create with every computed value unknown, nested ones too", () => {
    const inputs = { destination: { region: "eu-west-1" }, sourceFileSystemId: "fs-1" };
    const state = {
      ...inputs,
      destination: { region: "eu-west-1", fileSystemId: "fs-2" },
      arn: "arn:aws:efs:x",
    };
    assert.deepStrictEqual(previewOutputs(inputs, state), {
      destination: { region: "eu-west-1", fileSystemId: UNKNOWN },
      sourceFileSystemId: "fs-1",
      arn: UNKNOWN,
    });
  });

  describe("subnet layout", () => {
    const specs = [
      { type: "Public", cidrMask: 24 },
      { type: "Private", cidrMask: 19 },
      { type: "Isolated", cidrMask: 24 },
    ];

    it("gives each zone its own aligned share, subnets in awsx's order", () => {
      const layout = layoutSubnets("10.10.0.0/16", 3, specs);
      assert.deepStrictEqual(
        layout.map((s) => `${s.zone}:${s.type}:${s.cidrBlock}`),
        [
          "0:Public:10.10.32.0/24",
          "0:Private:10.10.0.0/19",
          "0:Isolated:10.10.33.0/24",
          "1:Public:10.10.96.0/24",
          "1:Private:10.10.64.0/19",
          "1:Isolated:10.10.97.0/24",
          "2:Public:10.10.160.0/24",
          "2:Private:10.10.128.0/19",
          "2:Isolated:10.10.161.0/24",
        ],
      );
    });

    it("refuses subnets that do not fit their zone's share", () => {
      assert.throws(() => layoutSubnets("10.0.0.0/20", 3, specs), /do not fit/);
    });
  });

  it("reads a child's own type and name from its URN", () => {
    assert.deepStrictEqual(
      parseUrn("urn:pulumi:prod::magento-dr::awsx:ec2:Vpc$aws:ec2/vpc:Vpc::net-vpc"),
      { type: "aws:ec2/vpc:Vpc", name: "net-vpc" },
    );
  });
});
