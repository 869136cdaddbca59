// The engine installs the policy pack from policies/ with its own lockfile and runs it with that
// copy of @pulumi/pulumi (ENGINE-NOTES.md, "Policy packs"): it must be the program's version.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const locked = (dir: string, pkg: string): string =>
  JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package-lock.json"), "utf8")).packages[
    `node_modules/${pkg}`
  ]?.version;

describe("policy pack install", () => {
  for (const pkg of ["@pulumi/pulumi", "@pulumi/policy", "@pulumi/aws"]) {
    it(`locks ${pkg} at the root's version`, () => {
      assert.ok(locked(".", pkg), `${pkg} missing from the root lockfile`);
      assert.strictEqual(locked("policies", pkg), locked(".", pkg));
    });
  }
});
