// The offline plan of one stack: its config as the CLI would pass it, the home stack's outputs
// when the stack reads them, and the program run under mocks.
import type { RecoveryBudget } from "../functions/region/recoveryBudget";
import { ConfigError, parseConfig } from "../config";
import { PlannedResource, ProgramRun, runProgram } from "./runProgram";
import { sortKeysDeep } from "./stableJson";
import { PROJECT_DIR, readStackConfig, UsageError } from "./stackConfig";
import type { PlanMode } from "./mockCloud";
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, Evaluation } from "../policies/evaluate";
import { POLICY_PACK_NAME } from "../policies/all";
import { PolicyPackConfig } from "../policies/lib/packConfig";

/** The policy config `pulumi preview --policy-pack-config` is given for the prod stacks. */
export const PROD_POLICY_CONFIG = path.join(PROJECT_DIR, "policies", "prod.json");

export interface PolicyResults extends Evaluation {
  packName: string;
  configFile: string;
}

/** The CrossGuard pack over a planned stack, in-process, with the given policy config. */
export function checkPolicies(run: ProgramRun, configFile = PROD_POLICY_CONFIG): PolicyResults {
  let config: PolicyPackConfig;
  try {
    config = JSON.parse(fs.readFileSync(configFile, "utf8")) as PolicyPackConfig;
  } catch (err) {
    throw new UsageError(`cannot read policy config ${configFile}: ${(err as Error).message}`);
  }
  return { ...evaluatePolicies(run.resources, { config }), packName: POLICY_PACK_NAME, configFile };
}

/** True when a mandatory policy is violated: `pulumi preview` would fail. */
export function hasMandatoryViolation(results: Evaluation): boolean {
  return results.violations.some((v) => v.enforcementLevel === "mandatory");
}

export interface StackPlan {
  stack: string;
  mode: PlanMode;
  region: string;
  activeRegion: string;
  rtoTargetSeconds: number;
  /** Config choices that are valid but costly (the program also logs them as warnings). */
  warnings: string[];
  /** The run of the home stack whose outputs fed this stack's StackReference, if any. */
  homeStack?: string;
  run: ProgramRun;
}

/** Parses config up front so a bad value is reported as bad config, not as a program crash. */
function validated(project: string, stack: string, config: Record<string, string>) {
  return parseConfig(config, project, stack);
}

// Planning is deterministic for a given stack file and overrides, and costs seconds (each
// CallbackFunction's closure is serialized): one process (the test suite, the operator CLI's
// checks, a standby's home outputs) plans each combination once.
const plans = new Map<string, Promise<StackPlan>>();

/**
 * Plans `stack`: in `preview` mode (the default) as its first `pulumi preview`, nothing of it
 * created yet; in `deployed` mode as it stands after `pulumi up`. A stack outside the home region
 * reads the home stack's outputs through a StackReference; offline, those outputs come from
 * planning the home stack (its own stack file, from this project) in `deployed` mode in either
 * case: the home stack is deployed first, so even the standby's first preview reads real values.
 */
export function planStack(
  stack: string,
  overrides: string[] = [],
  mode: PlanMode = "preview",
): Promise<StackPlan> {
  const key = JSON.stringify([stack, overrides, mode]);
  if (!plans.has(key)) {
    const planned = planStackUncached(stack, overrides, mode);
    // A failure is not remembered: the caller may fix the stack file and ask again.
    planned.catch(() => plans.delete(key));
    plans.set(key, planned);
  }
  return plans.get(key)!;
}

/**
 * Forgets every plan made so far. Mutation testing of components/ (scripts/mutationGroups.mjs)
 * switches mutants on inside one process: a plan kept from before the switch would judge the
 * mutant on code it no longer runs.
 */
export function forgetPlans(): void {
  plans.clear();
}

/** Plans without the cache: what the benchmark times. */
export async function planStackUncached(
  stack: string,
  overrides: string[] = [],
  mode: PlanMode = "preview",
): Promise<StackPlan> {
  const { project, config } = readStackConfig(stack, overrides);
  const drConfig = validated(project, stack, config);
  let peerStacks: Record<string, Record<string, unknown>> = {};
  let homeStack: string | undefined;
  if (!drConfig.isHome) {
    homeStack = drConfig.homeStack!;
    const homeStackName = homeStack.split("/").pop()!;
    let home: StackPlan;
    try {
      home = await planStack(homeStackName, [], "deployed");
    } catch (err) {
      if (err instanceof UsageError) {
        throw new UsageError(
          `${project}:homeStack = "${homeStack}" but this project has no Pulumi.${homeStackName}.yaml to plan it from`,
        );
      }
      throw err;
    }
    peerStacks = { [homeStack]: home.run.outputs };
  }
  const run = await runProgram({ project, stack, config, peerStacks, mode });
  return {
    stack,
    mode,
    region: drConfig.region,
    activeRegion: drConfig.activeRegion,
    rtoTargetSeconds: drConfig.rtoTargetSeconds,
    warnings: drConfig.warnings,
    homeStack,
    run,
  };
}

export function isBadInput(err: unknown): err is ConfigError | UsageError {
  return err instanceof ConfigError || err instanceof UsageError;
}

/** Resources as the plan JSON lists them, in URN order (registration order varies run to run). */
export function resourcesForJson(resources: PlannedResource[]) {
  return [...resources]
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map(({ urn, type, name, parent, inputs, protect, ignoreChanges }) => ({
      urn,
      type,
      name,
      parent: parent ?? null,
      inputs: sortKeysDeep(inputs),
      protect,
      ignoreChanges,
    }));
}

/** The failover functions of a plan, as its JSON lists them. */
export function functionsOf(run: ProgramRun, stackRegion?: string) {
  return run.resources
    .filter((r) => r.type === "aws:lambda/function:Function")
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map((r) => ({
      name: r.name,
      runtime: r.inputs.runtime as string,
      packageBytes: run.packages.get(r.urn)?.bytes ?? 0,
      role: r.inputs.role as string,
      /** Where it runs: its resource-level region, or the stack's. */
      region: r.region ?? stackRegion ?? "",
      /** Executions reserved from the account's pool in that region (null: none). */
      reservedConcurrency: (r.inputs.reservedConcurrentExecutions as number | undefined) ?? null,
    }));
}

/**
 * Reserved concurrency per region. Each reservation lowers the region's unreserved pool, which
 * Lambda keeps at 100 or more: a reservation that would take it lower is refused ("Configuring
 * reserved concurrency", AWS Lambda Developer Guide, configuration-concurrency.html).
 */
export function reservationsByRegion(
  functions: { region: string; reservedConcurrency: number | null }[],
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const f of functions) {
    if (f.reservedConcurrency) totals[f.region] = (totals[f.region] ?? 0) + f.reservedConcurrency;
  }
  return totals;
}

export type Recovery = RecoveryBudget;

/** The recovery budget the program computed for this stack's configuration. */
export function recoveryOf(run: ProgramRun): Recovery {
  const recovery = run.outputs.recoveryBudget as Recovery | undefined;
  if (!recovery) throw new Error(`stack ${run.stack} exports no recoveryBudget`);
  return recovery;
}
