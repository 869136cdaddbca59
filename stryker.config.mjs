// StrykerJS configuration (`npm run mutation`, docs/verification.md). One folder per run: set
// MUTATION_GROUP to a key of MUTATION_GROUPS (scripts/mutation.mjs does), so each folder keeps
// its own incremental file and reruns only retest the mutants whose code or tests changed.
// Excluded: policies/index.ts (starts the policy server), policies/docs.ts (prints the README
// table), automation/cli.ts (wires the real world; main.ts holds its logic), automation/help.ts
// (text).
import { mkdirSync, writeFileSync } from "node:fs";
import { MUTATION_GROUPS, reportDir } from "./scripts/mutationGroups.mjs";

const group = process.env.MUTATION_GROUP ?? "functions/region";
if (!(group in MUTATION_GROUPS)) {
  throw new Error(
    `MUTATION_GROUP "${group}" is not one of: ${Object.keys(MUTATION_GROUPS).join(", ")}`,
  );
}
const dir = reportDir(group);
// MUTATION_TYPECHECK=0 (npm run mutation -- --no-typecheck) runs without the type checker: on
// this 2-core machine it takes over 90 % of a run. Mutants that would not compile then run
// anyway (under ts-node's transpile-only) and count as survivors unless a test kills them, so
// the score is a lower bound.
const typecheck = process.env.MUTATION_TYPECHECK !== "0";

// The type checker compiles only the folder's files and what they import: the project's
// tsconfig also holds the tests and the plan tooling, which import config.ts and the functions,
// so every mutant there would re-check most of the project (tens of seconds per mutant here).
mkdirSync(dir, { recursive: true });
const up = dir
  .split("/")
  .map(() => "..")
  .join("/");
writeFileSync(
  `${dir}/tsconfig.json`,
  JSON.stringify({
    extends: `${up}/tsconfig.json`,
    // Type libraries are otherwise looked up from this file's folder.
    compilerOptions: { typeRoots: [`${up}/node_modules/@types`] },
    include: MUTATION_GROUPS[group].typecheck.map((p) => `${up}/${p}`),
  }),
);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "mocha",
  // The same .mocharc.json as `npm test` (ts-node/register/transpile-only, 60 s timeout), with the
  // folder's own tests as the spec.
  mochaOptions: {
    config: ".mocharc.json",
    spec: MUTATION_GROUPS[group].spec,
    // A group's root hooks are required after ts-node (a `require` here replaces the mocharc's).
    ...(MUTATION_GROUPS[group].rootHooks
      ? { require: ["ts-node/register/transpile-only", ...MUTATION_GROUPS[group].rootHooks] }
      : {}),
  },
  checkers: typecheck ? ["typescript"] : [],
  tsconfigFile: `${dir}/tsconfig.json`,
  // Checks mutants in groups, one compile for many, and one by one only when a group fails.
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Only the tests that cover a mutant run against it: the whole suite per mutant would not fit.
  // components/ is the exception (scripts/mutationGroups.mjs says why).
  coverageAnalysis: MUTATION_GROUPS[group].coverageAnalysis ?? "perTest",
  // Without per-test coverage (components/), Stryker reuses every earlier result whatever the
  // tests became ("the best we can do when the test runner didn't report coverage",
  // @stryker-mutator/core incremental-differ): a survivor would stay one after the test that
  // kills it landed. Those groups are measured afresh each time.
  incremental: (MUTATION_GROUPS[group].coverageAnalysis ?? "perTest") === "perTest",
  incrementalFile: `${dir}/stryker-incremental.json`,
  reporters: ["html", "json", "clear-text", "progress"],
  htmlReporter: { fileName: `${dir}/mutation.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false },
  tempDirName: "reports/mutation/.stryker-tmp",
  cleanTempDir: "always",
  // Two cores, shared: one test runner and (unless disabled) one type checker.
  concurrency: 1,
  // Tests that wait on fake clocks finish fast; a mutant that makes one spin gets this on top of
  // the test's own baseline time.
  timeoutMS: 10000,
  // Module-level constants run once per process, so their mutants would need a full-suite run
  // each: skipped (they are counted as Ignored, not as survivors).
  // Stryker refuses the option with coverage "all" (components/): there static mutants run like
  // the others, and any that no run can switch on count as survivors (a lower bound again).
  ignoreStatic: (MUTATION_GROUPS[group].coverageAnalysis ?? "perTest") === "perTest",
  thresholds: { high: 80, low: 70, break: null },
  // The sandbox copies the project but reports/, except the folder's generated tsconfig.
  ignorePatterns: [
    "bin",
    "scratch",
    "reports/**",
    "!reports/mutation/*/tsconfig.json",
    ".pulumi",
    "*.plan.json",
  ],
  mutate: MUTATION_GROUPS[group].mutate,
};
