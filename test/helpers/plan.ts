// Shared by the program tests: plans a stack once per distinct (stack, overrides) and finds
// resources in the plan by type and name.
import * as assert from "assert";
import * as zlib from "zlib";
import { planStack, StackPlan } from "../../plan/plan";
import type { PlanMode } from "../../plan/mockCloud";
import { PlannedResource } from "../../plan/runProgram";

/**
 * A plan of `stack` (planStack keeps one per combination); `deployed` by default, since most
 * tests read the values AWS assigns.
 */
export function planOf(
  stack: string,
  overrides: string[] = [],
  mode: PlanMode = "deployed",
): Promise<StackPlan> {
  return planStack(stack, overrides, mode);
}

/** A stack's plan, or a component's run (./component.ts): both carry the recorded resources. */
type Planned = Pick<StackPlan, "run">;

export function ofType(plan: Planned, type: string): PlannedResource[] {
  return plan.run.resources.filter((r) => r.type === type);
}

/** The one resource of `type` whose name ends with `suffix`; fails unless there is exactly one. */
export function one(plan: Planned, type: string, suffix = ""): PlannedResource {
  const found = ofType(plan, type).filter((r) => r.name.endsWith(suffix));
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type} named *${suffix}, found ${found.map((r) => r.name)}`,
  );
  return found[0];
}

/**
 * The launch template's user data as an instance's cloud-init sees it: base64, then gunzip (the
 * program gzips it, components/bootstrap/userData.ts packUserData).
 */
export function userDataOf(plan: StackPlan): string {
  const template = one(plan, "aws:ec2/launchTemplate:LaunchTemplate");
  return zlib.gunzipSync(Buffer.from(template.inputs.userData, "base64")).toString();
}

export function urns(plan: StackPlan): string[] {
  return plan.run.resources.map((r) => r.urn).sort();
}
