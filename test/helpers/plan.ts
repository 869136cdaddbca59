// Shared by the program tests: plans a stack once per distinct (stack, overrides) and finds
// resources in the plan by type and name.
import * as assert from "assert";
import { planStack, StackPlan } from "../../plan/plan";
import { PlannedResource } from "../../plan/runProgram";

const cache = new Map<string, Promise<StackPlan>>();

export function planOf(stack: string, overrides: string[] = []): Promise<StackPlan> {
  const key = JSON.stringify([stack, overrides]);
  if (!cache.has(key)) cache.set(key, planStack(stack, overrides));
  return cache.get(key)!;
}

export function ofType(plan: StackPlan, type: string): PlannedResource[] {
  return plan.run.resources.filter((r) => r.type === type);
}

/** The one resource of `type` whose name ends with `suffix`; fails unless there is exactly one. */
export function one(plan: StackPlan, type: string, suffix = ""): PlannedResource {
  const found = ofType(plan, type).filter((r) => r.name.endsWith(suffix));
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type} named *${suffix}, found ${found.map((r) => r.name)}`,
  );
  return found[0];
}

export function urns(plan: StackPlan): string[] {
  return plan.run.resources.map((r) => r.urn).sort();
}
