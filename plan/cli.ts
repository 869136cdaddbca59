// npm run plan -- --stack <name> [--deployed] [--config key=value ...] [--diff key=value ...] [--json <file>]
// What `pulumi preview` would show for a stack, with no AWS account, network or Pulumi CLI: by
// default its first preview (nothing created yet, values AWS assigns unknown), with --deployed a
// preview of the stack once deployed (every value known).
// Exit 0: planned; 1: a mandatory policy is violated; 2: bad config, usage or I/O.
import * as fs from "fs";
import { diffPlans, renderDiff } from "./diff";
import { sortKeysDeep } from "./stableJson";
import {
  checkPolicies,
  functionsOf,
  hasMandatoryViolation,
  isBadInput,
  planStack,
  PolicyResults,
  recoveryOf,
  reservationsByRegion,
  resourcesForJson,
  StackPlan,
} from "./plan";
import type { PlanMode } from "./mockCloud";
import {
  forJson,
  renderFunctions,
  renderOutputs,
  renderPolicies,
  renderRecovery,
  renderTree,
  renderTypeCounts,
} from "./render";
import { UsageError } from "./stackConfig";

const USAGE =
  "usage: npm run plan -- --stack <name> [--deployed] [--config key=value ...] [--diff key=value ...] [--json <file>] [--policy-config <file>]";

export const HELP = `${USAGE}

Runs the program of one stack under Pulumi's mocks, with the stack's own Pulumi.<stack>.yaml, and
prints what \`pulumi preview --policy-pack policies\` would show: the resource tree, the stack's
outputs, the failover functions, the recovery timeline and the policy results. No AWS account,
network or Pulumi CLI is needed.

  --stack, -s <name>        the stack to plan (prod-use1, prod-euw1, ...)
  --deployed                plan the stack as deployed (every value known); without it, its
                            first preview: values AWS assigns at create time are unknown,
                            printed output<string> (JSON: the engine's unknown sentinel)
  --config, -c key=value    override one config key of the stack file (repeatable)
  --diff key=value          also plan with this change and print what it would change,
                            resource by resource and property by property (repeatable),
                            e.g. --diff activeRegion=eu-west-1 shows what a promotion changes
  --json <file>             write the plan as JSON (stable: resources by URN, inputs' keys sorted)
  --policy-config <file>    policy pack config (default policies/prod.json)
  --help, -h                this text

Exit codes: 0 planned; 1 a mandatory policy is violated; 2 bad config, usage or I/O.`;

/** Asked for help: not an error, but no plan either. */
export class HelpRequested extends Error {}

interface PlanArgs {
  stack: string;
  mode: PlanMode;
  overrides: string[];
  /** Config changes whose effect is shown (`--diff`). */
  diff: string[];
  json?: string;
  policyConfig?: string;
}

export function parseArgs(argv: string[]): PlanArgs {
  let stack: string | undefined;
  let json: string | undefined;
  let policyConfig: string | undefined;
  let mode: PlanMode = "preview";
  const overrides: string[] = [];
  const diff: string[] = [];
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
      case "--diff":
        diff.push(value());
        break;
      case "--help":
      case "-h":
        throw new HelpRequested();
      case "--json":
        json = value();
        break;
      case "--policy-config":
        policyConfig = value();
        break;
      case "--deployed":
        mode = "deployed";
        break;
      default:
        throw new UsageError(`unknown argument "${flag}"\n${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(`--stack is required\n${USAGE}`);
  return { stack, mode, overrides, diff, json, policyConfig };
}

export function planJson(plan: StackPlan, policies: PolicyResults) {
  return {
    stack: plan.stack,
    region: plan.region,
    activeRegion: plan.activeRegion,
    mode: plan.mode,
    outputs: sortKeysDeep(forJson(plan.run.outputs)),
    resources: forJson(resourcesForJson(plan.run.resources)),
    policyPack: { name: policies.packName, policies: policies.policies },
    policyViolations: policies.violations,
    functions: functionsOf(plan.run, plan.region),
    reservedConcurrency: reservationsByRegion(functionsOf(plan.run, plan.region)),
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
    // Refused before planning, so an unwritable path never costs a plan or prints half a result.
    if (args.json) ensureWritable(args.json);
    const plan = await planStack(args.stack, args.overrides, args.mode);
    const policies = checkPolicies(plan.run, args.policyConfig);
    out.write(
      `Offline plan of stack ${plan.stack} (${plan.region}; active region ${plan.activeRegion}): ` +
        (plan.mode === "preview"
          ? "its first preview, nothing created yet (output<string>: known once AWS creates it)"
          : "preview of the deployed stack") +
        (plan.homeStack ? `; reading outputs of ${plan.homeStack} as deployed` : "") +
        "\n\n",
    );
    for (const warning of plan.warnings) out.write(`warning: ${warning}\n\n`);
    out.write(renderTree(plan.run.resources) + "\n\n");
    out.write(renderTypeCounts(plan.run.resources) + "\n\n");
    out.write(renderOutputs(plan.run.outputs) + "\n\n");
    const functions = functionsOf(plan.run, plan.region);
    out.write(renderFunctions(functions, reservationsByRegion(functions)) + "\n\n");
    out.write(renderRecovery(recoveryOf(plan.run), plan.rtoTargetSeconds) + "\n\n");
    out.write(renderPolicies(policies) + "\n");
    if (args.diff.length > 0) {
      const changed = await planStack(args.stack, [...args.overrides, ...args.diff], args.mode);
      out.write(
        "\n" + renderDiff(diffPlans(plan.run.resources, changed.run.resources), args.diff) + "\n",
      );
    }
    if (args.json) {
      fs.writeFileSync(args.json, JSON.stringify(planJson(plan, policies), null, 2) + "\n");
      out.write(`\nWrote ${args.json}\n`);
    }
    return hasMandatoryViolation(policies) ? 1 : 0;
  } catch (e) {
    if (e instanceof HelpRequested) {
      out.write(HELP + "\n");
      return 0;
    }
    if (isBadInput(e)) {
      err.write(`error: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

function ensureWritable(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, "a"));
  } catch (e) {
    throw new UsageError(
      `cannot write --json ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
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
