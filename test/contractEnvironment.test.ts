// The environment variables are one contract (functions/contractEnvironment.ts): the components set
// them, the handlers' factories and the instance script read them. Expectations are literals, and
// each side is checked against the offline plan: the Lambda packages the plan would deploy are
// loaded with a recording environment, so a name read on one side and set under another on the
// other fails here, not as an empty string in a Lambda at 3 a.m.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  DECLARED_ONLY_VARIABLES,
  INSTANCE_ENVIRONMENT,
  LAMBDA_ENVIRONMENT,
} from "../functions/contractEnvironment";
import { DEADLINE_VARIABLE, RTO_BUDGET_VARIABLE } from "../policies/rules/orchestrator";
import { PROJECT_DIR } from "../plan/stackConfig";
import { PlannedResource } from "../plan/runProgram";
import type { StackPlan } from "../plan/plan";
import { withLambdaPackage } from "./helpers/lambdaPackage";
import { ofType, planOf, userDataOf } from "./helpers/plan";

const FUNCTION = "aws:lambda/function:Function";

/**
 * Loads `fn`'s package as the runtime would (its factory runs at load) with its variables as the
 * environment, and answers the names the package's own code read from process.env.
 */
function variablesRead(plan: StackPlan, fn: PlannedResource): Promise<string[]> {
  return withLambdaPackage(plan, fn, (load, file) => {
    const read = new Set<string>();
    const saved = process.env;
    process.env = new Proxy(
      { ...saved, ...variablesSet(fn) },
      {
        get(target, name) {
          // Only reads by the package's own code: the frame above this trap is in its file.
          const caller = (new Error().stack ?? "").split("\n")[2] ?? "";
          if (typeof name === "string" && caller.includes(file)) read.add(name);
          return target[name as string];
        },
      },
    );
    try {
      assert.strictEqual(typeof load().handler, "function", "the package exports its handler");
    } finally {
      process.env = saved;
    }
    return [...read].sort();
  });
}

function variablesSet(fn: PlannedResource): Record<string, string> {
  return fn.inputs.environment?.variables ?? {};
}

describe("contract: environment variables", function () {
  this.timeout(300_000);

  it("the Lambdas' variables are exactly these names", () => {
    assert.deepStrictEqual(LAMBDA_ENVIRONMENT, {
      failoverSettings: "FAILOVER_SETTINGS",
      deadlineMs: "DEADLINE_MS",
      rtoBudgetSeconds: "RTO_BUDGET_SECONDS",
      orchestratorFunction: "ORCHESTRATOR_FUNCTION",
      witnessRegion: "WITNESS_REGION",
      databaseHost: "DATABASE_HOST",
      databaseSecretArn: "DATABASE_SECRET_ARN",
      accountId: "ACCOUNT_ID",
      searchEndpoints: "SEARCH_ENDPOINTS",
      searchSecretArn: "SEARCH_SECRET_ARN",
      searchDomainName: "SEARCH_DOMAIN_NAME",
      searchEndpoint: "SEARCH_ENDPOINT",
      searchMagentoSecretArn: "SEARCH_MAGENTO_SECRET_ARN",
      searchCheckerSecretArn: "SEARCH_CHECKER_SECRET_ARN",
    });
    assert.deepStrictEqual(DECLARED_ONLY_VARIABLES, ["DEADLINE_MS", "RTO_BUDGET_SECONDS"]);
    // The policy pack reads the declarations under the same names.
    assert.strictEqual(DEADLINE_VARIABLE, "DEADLINE_MS");
    assert.strictEqual(RTO_BUDGET_VARIABLE, "RTO_BUDGET_SECONDS");
  });

  it("each Lambda of the plan sets, and its package reads, exactly these variables", async () => {
    const found: Record<string, { set: string[]; read: string[] }> = {};
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const plan = await planOf(stack);
      for (const fn of ofType(plan, FUNCTION)) {
        const role = fn.name.replace(`${stack}-`, "");
        found[`${stack}/${role}`] = {
          set: Object.keys(variablesSet(fn)).sort(),
          read: await variablesRead(plan, fn),
        };
      }
    }
    const search = ["SEARCH_CHECKER_SECRET_ARN", "SEARCH_DOMAIN_NAME", "SEARCH_ENDPOINT"];
    const replication = [...search, "SEARCH_MAGENTO_SECRET_ARN", "SEARCH_SECRET_ARN"].sort();
    const same = (names: string[]) => ({ set: names, read: names });
    const tiers = {
      "tiers-cache-sync-fn": same(["ACCOUNT_ID"]),
      "search-replication-fn-fn": same(replication),
      "tiers-search-health-fn": same(["SEARCH_ENDPOINTS", "SEARCH_SECRET_ARN"]),
      "fence-fn": same([]),
      "heartbeat-reader-fn-fn": same(["DATABASE_HOST", "DATABASE_SECRET_ARN"]),
    };
    const withStack = (stack: string, byRole: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(byRole).map(([role, v]) => [`${stack}/${role}`, v]));
    assert.deepStrictEqual(found, {
      ...withStack("prod-use1", tiers),
      ...withStack("prod-euw1", {
        ...tiers,
        // The declarations for the policy pack are set and never read.
        "failover-orchestrator-fn": {
          set: ["DEADLINE_MS", "FAILOVER_SETTINGS", "RTO_BUDGET_SECONDS"],
          read: ["FAILOVER_SETTINGS"],
        },
        "failover-detector-fn": same(["FAILOVER_SETTINGS", "ORCHESTRATOR_FUNCTION"]),
        "failover-witness-fn": same(["FAILOVER_SETTINGS", "WITNESS_REGION"]),
      }),
    });
    // And every name either side uses is the contract's.
    const contract = new Set<string>(Object.values(LAMBDA_ENVIRONMENT));
    for (const [fn, { set, read }] of Object.entries(found)) {
      for (const name of [...set, ...read]) assert.ok(contract.has(name), `${fn}: ${name}`);
      const unread = set.filter((n) => !read.includes(n));
      assert.deepStrictEqual(
        unread.filter((n) => !DECLARED_ONLY_VARIABLES.includes(n as never)),
        [],
        `${fn} sets variables nothing reads`,
      );
    }
  });

  it("the instances' settings file has exactly these keys, and the script requires only those", async () => {
    assert.deepStrictEqual(Object.values(INSTANCE_ENVIRONMENT), [
      "PROJECT",
      "STACK",
      "REGION",
      "PARAM_PATH",
      "MAGENTO_ROOT",
      "MAGENTO_USER",
      "FILE_SYSTEM_ID",
      "ACCESS_POINT_ID",
      "RENDERER",
      "SESSION_MODULE_SRC",
      "ENDPOINT_ALLOWLIST",
      "METRIC_NAMESPACE",
      "AUTHORITY_TABLE",
      "AUTHORITY_REGION",
      "HEALTH_PORT",
    ]);
    const keys = new Set<string>(Object.values(INSTANCE_ENVIRONMENT));
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const userData = userDataOf(await planOf(stack));
      const file = /<<'MAGENTO_DR_ENV'\n([\s\S]*?)\nMAGENTO_DR_ENV\n/.exec(userData);
      assert.ok(file, `${stack}: the user data writes /etc/magento-dr.env`);
      const written = file[1].split("\n").map((line) => line.split("=")[0]);
      assert.deepStrictEqual(written, Object.values(INSTANCE_ENVIRONMENT), stack);
    }
    const script = fs.readFileSync(
      path.join(PROJECT_DIR, "components", "bootstrap", "magento-dr.sh"),
      "utf8",
    );
    const required = [...script.matchAll(/\$\{([A-Z_]+):\?\}/g)].map((m) => m[1]);
    assert.deepStrictEqual(
      [...new Set(required)].filter((n) => !keys.has(n)),
      [],
      "magento-dr.sh requires a variable the settings file does not carry",
    );
    // Every key the file carries is one the script uses.
    assert.deepStrictEqual(
      [...keys].filter((k) => !new RegExp(`\\$\\{?${k}\\b`).test(script)),
      [],
      "the settings file carries a key magento-dr.sh never reads",
    );
  });
});
