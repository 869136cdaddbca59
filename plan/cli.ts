// npm run plan -- --stack <name> [--config key=value ...] [--json <file>] [--policy-config <file>]
// What `pulumi preview` would show for a stack, with no AWS account, network or Pulumi CLI.
// Exit 0: planned; 1: a mandatory policy is violated; 2: bad config or usage.
import * as fs from "fs";
import {
  checkPolicies,
  functionsOf,
  hasMandatoryViolation,
  isBadInput,
  planStack,
  PolicyResults,
  recoveryOf,
  resourcesForJson,
  StackPlan,
} from "./plan";
import {
  renderFunctions,
  renderPolicies,
  renderRecovery,
  renderTree,
  renderTypeCounts,
} from "./render";
import { UsageError } from "./stackConfig";

const USAGE =
  "usage: npm run plan -- --stack <name> [--config key=value ...] [--json <file>] [--policy-config <file>]";

interface PlanArgs {
  stack: string;
  overrides: string[];
  json?: string;
  policyConfig?: string;
}

export function parseArgs(argv: string[]): PlanArgs {
  let stack: string | undefined;
  let json: string | undefined;
  let policyConfig: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--"))
        throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--stack":
      case "-s":
        stack = value();
        break;
      case "--config":
      case "-c":
        overrides.push(value());
        break;
      case "--json":
        json = value();
        break;
      case "--policy-config":
        policyConfig = value();
        break;
      default:
        throw new UsageError(`unknown argument "${flag}"\n${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(`--stack is required\n${USAGE}`);
  return { stack, overrides, json, policyConfig };
}

export function planJson(plan: StackPlan, policies: PolicyResults) {
  return {
    stack: plan.stack,
    region: plan.region,
    activeRegion: plan.activeRegion,
    resources: resourcesForJson(plan.run.resources),
    policyPack: { name: policies.packName, policies: policies.policies },
    policyViolations: policies.violations,
    functions: functionsOf(plan.run),
    recovery: recoveryOf(plan.run),
  };
}

export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    const args = parseArgs(argv);
    const plan = await planStack(args.stack, args.overrides);
    const policies = checkPolicies(plan.run, args.policyConfig);
    out.write(
      `Offline plan of stack ${plan.stack} (${plan.region}; active region ${plan.activeRegion})` +
        (plan.homeStack ? `, reading outputs of ${plan.homeStack} from its own offline plan` : "") +
        "\n\n",
    );
    out.write(renderTree(plan.run.resources) + "\n\n");
    out.write(renderTypeCounts(plan.run.resources) + "\n\n");
    out.write(renderFunctions(functionsOf(plan.run)) + "\n\n");
    out.write(renderRecovery(recoveryOf(plan.run), plan.rtoTargetSeconds) + "\n\n");
    out.write(renderPolicies(policies) + "\n");
    if (args.json) {
      fs.writeFileSync(args.json, JSON.stringify(planJson(plan, policies), null, 2) + "\n");
      out.write(`\nWrote ${args.json}\n`);
    }
    return hasMandatoryViolation(policies) ? 1 : 0;
  } catch (e) {
    if (isBadInput(e)) {
      err.write(`error: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`plan failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
