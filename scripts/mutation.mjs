// `npm run mutation -- [folder ...] [--force] [--no-typecheck]`: runs Stryker on each folder in
// turn (all of MUTATION_GROUPS by default), then prints the score per folder. --force retests
// every mutant instead of reusing the incremental results; --no-typecheck skips the TypeScript
// checker (much faster; see stryker.config.mjs).
import { spawnSync } from "node:child_process";
import { MUTATION_GROUPS } from "./mutationGroups.mjs";
import { printScores } from "./mutationScore.mjs";

const args = process.argv.slice(2);
const force = args.includes("--force");
const typecheck = !args.includes("--no-typecheck");
const named = args.filter((a) => !a.startsWith("--"));
const unknown = named.filter((g) => !(g in MUTATION_GROUPS));
if (unknown.length > 0) {
  console.error(
    `Unknown folder(s): ${unknown.join(", ")}. Folders: ${Object.keys(MUTATION_GROUPS).join(", ")}`,
  );
  process.exit(2);
}
const groups = named.length > 0 ? named : Object.keys(MUTATION_GROUPS);

let failed = 0;
for (const group of groups) {
  console.log(`\n=== mutation: ${group} ===`);
  const run = spawnSync(
    "npx",
    ["stryker", "run", "stryker.config.mjs", ...(force ? ["--force"] : [])],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        MUTATION_GROUP: group,
        ...(typecheck ? {} : { MUTATION_TYPECHECK: "0" }),
      },
    },
  );
  if (run.status !== 0) {
    console.error(`Stryker failed on ${group} (exit ${run.status ?? run.signal})`);
    failed++;
  }
}
printScores();
process.exit(failed > 0 ? 1 : 0);
