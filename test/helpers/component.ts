// Runs one component alone under the offline plan's mocks (plan/runProgram.ts with a `program`),
// so a component's argument checks and outputs are tested as the component's own contract rather
// than only through whole stacks.
import type { PlanMode } from "../../plan/mockCloud";
import { runProgram, type PlannedResource, type ProgramRun } from "../../plan/runProgram";
import { one, ofType } from "./plan";

export interface ComponentRun extends ProgramRun {
  /** The one resource of `type` whose name ends with `suffix`; fails unless exactly one. */
  one(type: string, suffix?: string): PlannedResource;
  ofType(type: string): PlannedResource[];
}

export async function runComponent(
  build: () => Record<string, unknown>,
  options: { region?: string; mode?: PlanMode } = {},
): Promise<ComponentRun> {
  const run = await runProgram({
    project: "magento-dr",
    stack: "component-test",
    config: { "aws:region": options.region ?? "us-east-1" },
    mode: options.mode ?? "deployed",
    program: build,
  });
  return {
    ...run,
    ofType: (type) => ofType({ run }, type),
    one: (type, suffix) => one({ run }, type, suffix),
  };
}
