// One declarative table of config keys (configSchema.ts): Pulumi.yaml, docs/configuration.md and
// the keys config.ts reads all come from it.
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { CONFIG_KEYS } from "../config";
import { CONFIG_TABLE } from "../configSchema";
import {
  CONFIG_DOC,
  PROJECT_FILE,
  projectConfigDeclarations,
  renderConfigDoc,
} from "../plan/configDocs";

describe("config: one declarative table", () => {
  it("Pulumi.yaml declares exactly the table's keys, types, defaults and descriptions", () => {
    const project = yaml.load(fs.readFileSync(PROJECT_FILE, "utf8")) as {
      config: Record<string, unknown>;
    };
    assert.deepStrictEqual(
      project.config,
      projectConfigDeclarations(),
      "Pulumi.yaml is stale: run npm run gen:config",
    );
  });

  it("docs/configuration.md is generated from the table", () => {
    assert.strictEqual(
      fs.readFileSync(CONFIG_DOC, "utf8"),
      renderConfigDoc(),
      "docs/configuration.md is stale: run npm run gen:config",
    );
  });

  it("config.ts reads the provider's region and every declared key, each once", () => {
    assert.strictEqual(CONFIG_KEYS[0], "aws:region");
    assert.strictEqual(new Set(CONFIG_KEYS).size, CONFIG_KEYS.length);
    assert.deepStrictEqual(
      CONFIG_KEYS.slice(1),
      CONFIG_TABLE.map((e) => e.key),
    );
  });

  it("declares the keys a stack must set, and only those, without a default", () => {
    assert.deepStrictEqual(
      CONFIG_TABLE.filter((e) => e.default === undefined).map((e) => e.key),
      ["homeRegion", "activeRegion", "regions", "domainName", "hostedZoneId", "amiId"],
    );
  });
});
