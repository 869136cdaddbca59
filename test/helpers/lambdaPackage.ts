// Loads a Lambda package of the offline plan as the runtime would: the serialized `__index.js`
// written beside the project (so `require` finds node_modules), required (its factory runs at
// load), then removed. Shared by the tests that run what the plan would deploy.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../plan/stackConfig";
import type { StackPlan } from "../../plan/plan";
import type { PlannedResource } from "../../plan/runProgram";

let loaded = 0;

/**
 * Runs `use` with the package of `fn` and its file's path (to tell the package's own stack frames
 * from its libraries'); `load` requires it. The file is gone, and out of the require cache, after.
 */
export async function withLambdaPackage<T>(
  plan: StackPlan,
  fn: PlannedResource,
  use: (load: () => { handler: (...args: unknown[]) => unknown }, file: string) => T | Promise<T>,
): Promise<T> {
  const indexJs = plan.run.packages.get(fn.urn)?.indexJs;
  if (!indexJs) throw new Error(`${fn.name} has no package in the plan`);
  const file = path.join(PROJECT_DIR, `.lambda-${process.pid}-${++loaded}.js`);
  fs.writeFileSync(file, indexJs);
  try {
    return await use(() => require(file), file);
  } finally {
    delete require.cache[file];
    fs.rmSync(file);
  }
}
