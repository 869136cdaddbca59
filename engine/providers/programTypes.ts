// The custom resource types the program registers on both stacks, from the offline plan.
import { planStack } from "../../plan/plan";

export const STACKS = ["prod-use1", "prod-euw1"];

export async function planBothStacks(): Promise<string[]> {
  const types = new Set<string>();
  for (const stack of STACKS) {
    for (const resource of (await planStack(stack)).run.resources) {
      if (resource.custom) types.add(resource.type);
    }
  }
  return [...types].sort();
}
