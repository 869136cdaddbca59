// The offline plan end to end: its CLI (exit codes, JSON contract, printed sections) and the
// policy pack over both planned stacks, including stacks broken on purpose.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { main, planJson } from "../plan/cli";
import { checkPolicies, hasMandatoryViolation, planStack } from "../plan/plan";
import { PlannedResource, ProgramRun } from "../plan/runProgram";
import { policyTable } from "../policies/docs";
import { PROJECT_DIR } from "../plan/stackConfig";
import { planOf } from "./helpers/plan";
import { UNKNOWN_MARKER } from "../plan/mockCloud";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as NodeJS.WritableStream, text: () => text };
}

async function runCli(...argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

/** A copy of a planned run with one resource's inputs changed. */
function mutated(
  run: ProgramRun,
  pick: (r: PlannedResource) => boolean,
  change: (inputs: any) => void,
): ProgramRun {
  const resources = run.resources.map((r) => ({ ...r, inputs: structuredClone(r.inputs) }));
  const target = resources.find(pick);
  assert.ok(target, "nothing to mutate");
  change(target.inputs);
  return { ...run, resources };
}

describe("offline plan: CLI", () => {
  it("prints the tree, counts, functions, recovery budget and policies, and writes the JSON contract", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "euw1.json");
    const { code, out } = await runCli("--stack", "prod-euw1", "--json", file);
    assert.strictEqual(code, 0);
    for (const section of [
      "+ magento-dr:index:RegionStack  prod-euw1",
      "Resources: ",
      "Failover functions: 8",
      "Recovery timeline",
      "critical path: detection -> decision-and-lease -> database -> endpoints -> recovered",
      "Policies:",
    ]) {
      assert.ok(out.includes(section), `missing "${section}"`);
    }
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.deepStrictEqual(Object.keys(json), [
      "stack",
      "region",
      "activeRegion",
      "mode",
      "outputs",
      "resources",
      "policyPack",
      "policyViolations",
      "functions",
      "reservedConcurrency",
      "recovery",
    ]);
    // Reservations per region, for the account's unreserved pool (docs/deploy.md).
    const reserved: Record<string, number> = {};
    for (const f of json.functions as { region: string; reservedConcurrency: number | null }[]) {
      if (f.reservedConcurrency)
        reserved[f.region] = (reserved[f.region] ?? 0) + f.reservedConcurrency;
    }
    assert.deepStrictEqual(json.reservedConcurrency, reserved);
    assert.ok(reserved["eu-west-1"] >= 3 && reserved["us-west-2"] >= 1, JSON.stringify(reserved));
    assert.match(out, /reserved concurrency by region: eu-west-1 \d+, us-west-2 \d+/);
    assert.deepStrictEqual(
      [json.stack, json.region, json.activeRegion, json.mode],
      ["prod-euw1", "eu-west-1", "us-east-1", "preview"],
    );
    // A first preview: what AWS assigns at create time is unknown, marked as the engine marks it,
    // and printed as `pulumi preview` prints it; what config and the home stack decide is known.
    assert.strictEqual(json.outputs.databaseArn, UNKNOWN_MARKER);
    assert.strictEqual(json.outputs.albDnsName, UNKNOWN_MARKER);
    assert.strictEqual(json.outputs.region, "eu-west-1");
    assert.strictEqual(json.outputs.globalDatastoreId, "ldgnf-magento-dr-prod-use1");
    assert.match(out, /^ {2}databaseArn +output<string>$/m);
    assert.match(out, /its first preview, nothing created yet/);
    const resource = json.resources.find(
      (r: { type: string }) => r.type === "aws:rds/instance:Instance",
    );
    assert.deepStrictEqual(Object.keys(resource), [
      "urn",
      "type",
      "name",
      "parent",
      "inputs",
      "protect",
      "ignoreChanges",
    ]);
    assert.strictEqual(json.policyPack.name, "magento-dr");
    // Subnet ids of the VPC are unknown until it exists: the multi-AZ rules say so (advisory).
    assert.deepStrictEqual(
      json.policyViolations.filter(
        (v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory",
      ),
      [],
    );
    assert.ok(
      json.functions.every(
        (f: { runtime: string; packageBytes: number; role: string }) =>
          f.runtime && f.packageBytes > 0 && f.role,
      ),
    );
    assert.ok(json.recovery.rtoSeconds > 0 && Array.isArray(json.recovery.steps));
  });

  it("answers --help with the flags and exit codes, and plans nothing", async () => {
    const { code, out, err } = await runCli("--help");
    assert.strictEqual(code, 0);
    assert.strictEqual(err, "");
    for (const flag of [
      "--stack",
      "--config",
      "--diff",
      "--json",
      "--policy-config",
      "Exit codes",
    ]) {
      assert.ok(out.includes(flag), `--help does not mention ${flag}`);
    }
    assert.strictEqual(out.includes("Resources:"), false);
  });

  it("writes JSON that does not depend on registration order, with the stack's outputs", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "a.json");
    const { out } = await runCli("--stack", "prod-use1", "--json", file);
    const plan = await planStack("prod-use1");
    const policies = checkPolicies(plan.run);
    // The engine registers resources in whatever order their inputs resolve: reversed order and
    // reversed input keys must give byte-identical JSON.
    const shuffled = {
      ...plan,
      run: {
        ...plan.run,
        resources: [...plan.run.resources].reverse().map((r) => ({
          ...r,
          inputs: Object.fromEntries(Object.entries(r.inputs).reverse()),
        })),
      },
    };
    assert.strictEqual(
      JSON.stringify(planJson(shuffled, policies), null, 2) + "\n",
      fs.readFileSync(file, "utf8"),
    );
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const urns = json.resources.map((r: { urn: string }) => r.urn);
    assert.deepStrictEqual(urns, [...urns].sort());
    assert.ok(Object.keys(json.outputs).length >= 5, "the stack's outputs are in the JSON");
    assert.match(out, /\nOutputs: \d+\n/);
    for (const key of Object.keys(json.outputs)) assert.ok(out.includes(`  ${key}`), key);
  });

  it("--diff prints what a promotion changes, resource by resource and property by property", async () => {
    const { code, out } = await runCli("--stack", "prod-euw1", "--diff", "activeRegion=eu-west-1");
    assert.strictEqual(code, 0);
    const section = out.slice(out.indexOf("Changes if activeRegion=eu-west-1"));
    assert.match(section, /^Changes if activeRegion=eu-west-1: [1-9]\d* resource\(s\)/);
    // Promotion changes properties, never the set of resources (the ownership invariant).
    assert.doesNotMatch(section, /^ {2}[+-] /m);
    assert.match(section, /^ {2}~ \S+ {2}\S+$/m);
    assert.match(section, /^ {6}\S+: .+ => .+$/m);
  });

  it("refuses an unwritable --json path in one line, before planning", async () => {
    const { code, out, err } = await runCli(
      "--stack",
      "prod-use1",
      "--json",
      "/nonexistent/dir/p.json",
    );
    assert.strictEqual(code, 2);
    assert.strictEqual(err, "error: cannot write --json /nonexistent/dir/p.json: ENOENT\n");
    assert.strictEqual(out, "");
  });

  it("--deployed plans the stack as deployed: every value known, mode deployed", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "use1.json");
    const { code, out } = await runCli("--stack", "prod-use1", "--deployed", "--json", file);
    assert.strictEqual(code, 0);
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.strictEqual(json.mode, "deployed");
    assert.match(
      json.outputs.databaseArn,
      /^arn:aws:rds:us-east-1:\d{12}:db:magento-dr-prod-use1$/,
    );
    assert.ok(!JSON.stringify(json).includes(UNKNOWN_MARKER), "no unknown value once deployed");
    assert.ok(!out.includes("output<string>"));
  });

  it("exits 1 and prints the violations when a mandatory policy fails", async () => {
    const { code, out } = await runCli("--stack", "prod-use1", "--config", "protect=false");
    assert.strictEqual(code, 1);
    assert.match(out, /❌ magento-dr/);
    assert.match(
      out,
      /- \[mandatory\]  dr-stateful-resources-protected  \(aws:rds\/instance:Instance: prod-use1-db-writer\)/,
    );
  });

  it("exits 2 on bad usage or bad config, naming what is wrong, and plans nothing", async () => {
    const cases: [string[], RegExp][] = [
      [[], /--stack is required/],
      [["--stack"], /--stack needs a value/],
      [["--stack", "prod-use1", "--verbose"], /unknown argument "--verbose"/],
      [
        ["--stack", "prod-usw9"],
        /unknown stack "prod-usw9": there is no Pulumi.prod-usw9.yaml \(stacks: prod-euw1, prod-use1\)/,
      ],
      [["--stack", "prod-use1", "--config", "activeRegion"], /--config expects key=value/],
      [
        ["--stack", "prod-use1", "--config", "activeRegon=eu-west-1"],
        /--config magento-dr:activeRegon: unknown key/,
      ],
      [
        ["--stack", "prod-use1", "--config", "activeRegion=eu-west-9"],
        /magento-dr:activeRegion = "eu-west-9": expected one of the known AWS regions/,
      ],
      [
        ["--stack", "prod-use1", "--policy-config", "/nonexistent.json"],
        /cannot read policy config \/nonexistent.json/,
      ],
    ];
    for (const [argv, message] of cases) {
      const { code, out, err } = await runCli(...argv);
      assert.strictEqual(code, 2, `${argv.join(" ")} exited ${code}`);
      assert.match(err, message);
      assert.strictEqual(out.includes("Resources:"), false);
    }
  });
});

describe("offline plan: the policy pack over the planned stacks", () => {
  for (const [stack, mode] of [
    ["prod-use1", "preview"],
    ["prod-euw1", "preview"],
    ["prod-use1", "deployed"],
    ["prod-euw1", "deployed"],
  ] as const) {
    it(`${stack} (${mode}): at least 35 policies, 20 mandatory, no mandatory violation`, async () => {
      const results = checkPolicies((await planOf(stack, [], mode)).run);
      assert.ok(results.policies.length >= 35, `${results.policies.length} policies`);
      assert.ok(results.policies.filter((p) => p.enforcementLevel === "mandatory").length >= 20);
      assert.deepStrictEqual(
        results.violations.filter((v) => v.enforcementLevel === "mandatory"),
        [],
      );
    });
  }

  const caught = async (
    stack: string,
    pick: (r: PlannedResource) => boolean,
    change: (inputs: any) => void,
    policy: string,
  ) => {
    const results = checkPolicies(mutated((await planOf(stack)).run, pick, change));
    assert.ok(hasMandatoryViolation(results));
    const found = results.violations.filter((v) => v.policy === policy);
    assert.strictEqual(
      found.length,
      1,
      `expected one ${policy} violation, got ${JSON.stringify(results.violations)}`,
    );
    assert.strictEqual(found[0].enforcementLevel, "mandatory");
    return found[0].message;
  };

  it("catches Multi-AZ turned off on the database", async () => {
    const message = await caught(
      "prod-use1",
      (r) => r.type === "aws:rds/instance:Instance",
      (i) => (i.multiAz = false),
      "rds-instance-multi-az",
    );
    assert.match(message, /prod-use1-db-writer/);
  });

  it("catches a * action on a Lambda role", async () => {
    await caught(
      "prod-euw1",
      (r) => r.name === "prod-euw1-failover-orchestrator-policy",
      (i) => {
        const policy = JSON.parse(i.policy);
        policy.Statement[0].Action = ["*"];
        i.policy = JSON.stringify(policy);
      },
      "iam-no-wildcard-actions",
    );
  });

  it("catches a disabled health check", async () => {
    await caught(
      "prod-use1",
      (r) => r.name === "prod-use1-dns-alb",
      (i) => (i.disabled = true),
      "route53-health-check-enabled",
    );
  });
});

describe("docs/policies.md", () => {
  it("lists the rules exactly as the pack defines them (generated by policies/docs.ts)", () => {
    const page = fs.readFileSync(path.join(PROJECT_DIR, "docs", "policies.md"), "utf8");
    assert.ok(
      page.includes(policyTable()),
      "docs/policies.md's rule table is stale: run npx ts-node --transpile-only policies/docs.ts",
    );
  });
});
