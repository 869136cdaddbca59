import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allPolicies, Concern, policiesByConcern } from "../../policies/all";
import { policyTable } from "../../policies/docs";
import { resolvePolicyConfig } from "../../policies/lib/packConfig";

const POLICIES_DIR = path.join(__dirname, "..", "..", "policies");
const prod = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "prod.json"), "utf8"));

describe("policies: the pack", () => {
  it("has at least 35 policies with unique kebab-case names", () => {
    const names = allPolicies.map((p) => p.name);
    assert.ok(names.length >= 35, `${names.length} policies`);
    assert.strictEqual(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("gives each policy a one-sentence description, advisory by default, and one kind of check", () => {
    for (const p of allPolicies) {
      assert.match(p.description, /^[A-Z][^]*\.$/, p.name);
      assert.ok(!/\.\s+[A-Z]/.test(p.description), `${p.name}: more than one sentence`);
      assert.strictEqual(p.enforcementLevel, "advisory", p.name);
      const kinds = ["validateResource", "validateStack"].filter((k) => k in p);
      assert.deepStrictEqual(kinds.length, 1, p.name);
    }
  });

  it("gives every setting of every schema a default", () => {
    for (const p of allPolicies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        assert.notStrictEqual(schema.default, undefined, `${p.name}.${key}`);
      }
    }
  });

  it("covers every concern of POLICY-RULES.md", () => {
    const concerns: Concern[] = ["MAZ", "BAK", "LP", "ENC", "NET", "DEL", "LOG", "DR"];
    assert.deepStrictEqual(Object.keys(policiesByConcern).sort(), [...concerns].sort());
    for (const c of concerns) assert.ok(policiesByConcern[c].length > 0, c);
  });

  it("raises at least 20 policies to mandatory in prod.json, with valid settings", () => {
    const resolved = resolvePolicyConfig(allPolicies, prod);
    const mandatory = [...resolved.values()].filter((r) => r.enforcementLevel === "mandatory");
    assert.ok(mandatory.length >= 20, `${mandatory.length} mandatory`);
    assert.strictEqual(resolved.get("dr-recovery-budget")!.settings.rtoTargetSeconds, 900);
    assert.strictEqual(resolved.get("route53-failover-record-ttl")!.settings.maxTtlSeconds, 60);
  });

  it("has tests for every policy, in a describe block of its name", () => {
    const tests = fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => fs.readFileSync(path.join(__dirname, f), "utf8"))
      .join("\n");
    const untested = allPolicies
      .filter((p) => !tests.includes(`describe("${p.name}"`))
      .map((p) => p.name);
    assert.deepStrictEqual(untested, []);
  });

  it("keeps index.ts to starting the server on the collected rules", () => {
    const index = fs.readFileSync(path.join(POLICIES_DIR, "index.ts"), "utf8");
    const imports = [...index.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    assert.deepStrictEqual(imports, ["@pulumi/policy", "./all"]);
    assert.match(index, /new PolicyPack\(POLICY_PACK_NAME, \{ policies: allPolicies \}\)/);
  });

  it("documents every policy in the docs/policies.md table, with its production level", () => {
    const table = policyTable().split("\n");
    assert.strictEqual(table.length, allPolicies.length + 2);
    assert.ok(
      table.some((row) =>
        row.startsWith("| `dr-recovery-budget` | Disaster recovery | advisory | mandatory |"),
      ),
    );
    assert.ok(
      table.some((row) => row.startsWith("| `lb-access-logs` | Logging | advisory | advisory |")),
    );
  });
});
