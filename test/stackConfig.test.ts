// The Pulumi CLI's own checks on a stack's config, which run before the program: the offline plan
// applies them with the CLI's messages, so a stack file the CLI would refuse never plans.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import {
  listStacks,
  missingKeysMessage,
  missingProjectKeys,
  readProject,
  readStackConfig,
  UsageError,
} from "../plan/stackConfig";

/** A project directory with this Pulumi.yaml config section and one stack file. */
function project(config: Record<string, unknown>, stackConfig: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump({ name: "magento-dr", config }));
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), yaml.dump({ config: stackConfig }));
  return dir;
}

describe("stack config: the Pulumi CLI's rules", () => {
  it("words the missing keys as the CLI does (sorted, 'and' before the last)", () => {
    assert.strictEqual(
      missingKeysMessage("s", ["b"]),
      "Stack 's' is missing configuration value 'b'",
    );
    assert.strictEqual(
      missingKeysMessage("s", ["b", "a"]),
      "Stack 's' is missing configuration values 'a' and 'b'",
    );
    assert.strictEqual(
      missingKeysMessage("s", ["c", "a", "b"]),
      "Stack 's' is missing configuration values 'a', 'b' and 'c'",
    );
  });

  it("requires every project key declared without default or value; other namespaces are not", () => {
    const dir = project(
      {
        homeRegion: { type: "string" },
        alertEmail: { type: "string", default: "" },
        fixed: { type: "string", value: "x" },
        "aws:region": { value: "us-east-1" },
      },
      {},
    );
    assert.deepStrictEqual(
      missingProjectKeys(readProject(dir), () => false),
      ["homeRegion"],
    );
    assert.throws(
      () => readStackConfig("dev", [], dir),
      (e: Error) =>
        e instanceof UsageError &&
        e.message === "Stack 'dev' is missing configuration value 'homeRegion'",
    );
  });

  it("counts a --config override as set, as `pulumi preview --config` does", () => {
    const dir = project({ homeRegion: { type: "string" } }, {});
    const { config } = readStackConfig("dev", ["homeRegion=us-east-1"], dir);
    assert.strictEqual(config["magento-dr:homeRegion"], "us-east-1");
  });

  it("refuses a stack value of another type than declared, with the CLI's message", () => {
    const dir = project(
      { protect: { type: "boolean", default: true } },
      { "magento-dr:protect": "yes" },
    );
    assert.throws(
      () => readStackConfig("dev", [], dir),
      /^UsageError: Stack 'dev' with configuration key 'protect' must be of type 'boolean'$/,
    );
  });

  for (const stack of listStacks()) {
    it(`${stack}: passes the CLI's missing-key rule and type checks`, () => {
      const { config } = readStackConfig(stack);
      assert.strictEqual(config["magento-dr:alarmThresholds"], "{}");
    });
  }
});
