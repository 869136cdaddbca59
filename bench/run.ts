// npm run bench -- [--json <file>]
// Speed and size figures, printed and optionally written as JSON. Never asserted in tests: a
// benchmark reports what this machine measured, it does not pass or fail.
import * as fs from "fs";
import { planStackUncached } from "../plan/plan";
import { listStacks } from "../plan/stackConfig";
import { benchHealthSweep } from "./healthSweep";
import { benchLambdaPackages } from "./lambdaPackages";
import { benchPromotion } from "./promotion";

async function planMs(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  // Warm the module cache once so the figures measure planning, not TypeScript compilation.
  await planStackUncached(listStacks()[0]);
  for (const stack of listStacks()) {
    const start = process.hrtime.bigint();
    await planStackUncached(stack);
    figures[stack] = Number((process.hrtime.bigint() - start) / 1_000_000n);
  }
  return figures;
}

async function main(argv: string[]): Promise<number> {
  const jsonIndex = argv.indexOf("--json");
  const jsonFile = jsonIndex >= 0 ? argv[jsonIndex + 1] : undefined;
  if (
    (jsonIndex >= 0 && !jsonFile) ||
    argv.some((a, i) => a.startsWith("--") && a !== "--json" && i !== jsonIndex)
  ) {
    process.stderr.write("usage: npm run bench -- [--json <file>]\n");
    return 2;
  }
  const results: Record<string, unknown> = {};
  results.planMs = await planMs();
  results.healthSweep = await benchHealthSweep();
  results.lambdaPackages = await benchLambdaPackages();
  results.promotion = await benchPromotion();
  const text = JSON.stringify(results, null, 2);
  process.stdout.write(text + "\n");
  if (jsonFile) fs.writeFileSync(jsonFile, text + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
