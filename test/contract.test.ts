// The SSM parameter layout is one contract (functions/contract.ts): the program writes it, the
// automation rewrites part of it, the instances read it. Expectations are literal lists, so a name
// dropped or renamed on one side fails here, not on an instance at 3 a.m.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AUTOMATION_OWNED_PARAMETERS, PARAMETERS } from "../functions/contract";
import { ofType, planOf } from "./helpers/plan";

const BOOTSTRAP = path.join(__dirname, "..", "components", "bootstrap");

/** Every parameter name the instance scripts read (render-env.php, magento-dr.sh). */
function namesTheInstancesRead(): Set<string> {
  const php = fs.readFileSync(path.join(BOOTSTRAP, "render-env.php"), "utf8");
  const bash = fs.readFileSync(path.join(BOOTSTRAP, "magento-dr.sh"), "utf8");
  const names = new Set<string>();
  for (const [, name] of php.matchAll(/'((?:db|cache|search|sessions|app)\/[a-z-]+)'/g)) {
    names.add(name);
  }
  for (const name of ["active-region", "epoch"]) if (php.includes(`'${name}'`)) names.add(name);
  // "sessions/$name" for each key of the DynamoDB settings table.
  const sessions = /foreach \(\[([^\]]*)\] as \$name => \$setting\)/.exec(php);
  assert.ok(sessions, "render-env.php reads the sessions settings by name");
  for (const [, key] of sessions[1].matchAll(/'([a-z-]+)' =>/g)) names.add(`sessions/${key}`);
  for (const [, name] of bash.matchAll(/\bparam "?([a-z][a-z/-]*)"?/g)) names.add(name);
  for (const [, name] of bash.matchAll(/\b[a-z]+:([a-z]+\/[a-z-]+)\b/g)) names.add(name);
  return names;
}

describe("contract: the SSM parameter layout", function () {
  this.timeout(300_000);

  it("is exactly these names", () => {
    assert.deepStrictEqual(Object.values(PARAMETERS).sort(), [
      "active-region",
      "app/base-url",
      "app/crypt-key-secret-arn",
      "automation/search-health-state",
      "cache/auth-secret-arn",
      "cache/port",
      "cache/primary-host",
      "cache/reader-host",
      "db/name",
      "db/reader-host",
      "db/secret-arn",
      "db/writer-host",
      "epoch",
      "maintenance",
      "media/file-system-id",
      "search/endpoint",
      "search/reindex-requested",
      "search/secret-arn",
      "sessions/key-prefix",
      "sessions/region",
      "sessions/store",
      "sessions/table",
      "sessions/ttl-attribute",
    ]);
    assert.deepStrictEqual([...AUTOMATION_OWNED_PARAMETERS].sort(), [
      "active-region",
      "cache/primary-host",
      "epoch",
      "maintenance",
      "search/endpoint",
      "search/reindex-requested",
    ]);
  });

  it("the instances read every name of the contract but two, and one optional name of their own", () => {
    const read = namesTheInstancesRead();
    const contract = new Set<string>(Object.values(PARAMETERS));
    // Published for operators and the automation, never read by an instance.
    assert.deepStrictEqual([...contract].filter((n) => !read.has(n)).sort(), [
      "automation/search-health-state",
      "media/file-system-id",
    ]);
    // Optional (Magento's default "admin" when absent): an operator's choice, not the program's.
    assert.deepStrictEqual(
      [...read].filter((n) => !contract.has(n)),
      ["app/admin-path"],
    );
  });

  it("each stack publishes every name of the contract but the checker's own state", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const plan = await planOf(stack);
      const prefix = `/magento-dr/${stack}/`;
      const published = ofType(plan, "aws:ssm/parameter:Parameter")
        .map((p) => String(p.inputs.name))
        .filter((n) => n.startsWith(prefix))
        .map((n) => n.slice(prefix.length));
      const expected = Object.values(PARAMETERS).filter((n) => n !== PARAMETERS.searchHealthState);
      assert.deepStrictEqual(
        expected.filter((n) => !published.includes(n)),
        [],
        `${stack} publishes the whole contract`,
      );
      assert.ok(published.includes("automation/search-health-state"), stack);
    }
  });
});
