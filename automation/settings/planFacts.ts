// Stack facts from the offline plan (plan/plan.ts): the program run under Pulumi's mocks with the
// stack files of this checkout. For dry runs and tests on a machine without AWS or Pulumi: the
// names are the program's, the ids are the mocks'.
import { planStack, type StackPlan } from "../../plan/plan";
import type { RegionFailoverSettingsInput } from "../../functions/region/settings";
import { failoverSettingsFrom, type StackFacts } from "./source";

export type PlanFn = (stack: string) => Promise<StackPlan>;

export class PlanStackFacts implements StackFacts {
  private readonly plans = new Map<string, Promise<StackPlan>>();

  constructor(private readonly plan: PlanFn = (stack) => planStack(stack, [], "deployed")) {}

  async orchestratorSettings(stack: string): Promise<RegionFailoverSettingsInput> {
    const { run } = await this.planOf(stack);
    return failoverSettingsFrom(
      stack,
      run.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })),
    );
  }

  async outputs(stack: string): Promise<Record<string, unknown>> {
    return (await this.planOf(stack)).run.outputs;
  }

  private planOf(stack: string): Promise<StackPlan> {
    if (!this.plans.has(stack)) this.plans.set(stack, this.plan(stack));
    return this.plans.get(stack)!;
  }
}
