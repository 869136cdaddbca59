// The folders mutation testing measures, one Stryker run (and one incremental file) each: a run
// with a narrower `mutate` would otherwise drop the other folders' results from a shared report.
// `mutate`: the code mutated. `spec`: the tests run against it, the folder's own unit tests, not
// the whole suite: the program tests (test/*.test.ts) plan whole stacks and cover almost every
// line, so with them each mutant costs seconds to minutes on this machine. A mutant only the
// program tests would kill therefore counts as survived: the folder's own tests are the ones
// expected to catch it. `typecheck`: what the type checker compiles (the mutated files; their
// imports follow).
// Order: the folders issue 18 sets targets for first, so an interrupted `npm run mutation` has
// measured what matters most.
export const MUTATION_GROUPS = {
  "functions/region": {
    mutate: ["functions/region/**/*.ts"],
    typecheck: ["functions/region"],
    spec: ["test/region/**/*.test.ts"],
  },
  policies: {
    mutate: ["policies/**/*.ts", "!policies/index.ts", "!policies/docs.ts"],
    typecheck: ["policies"],
    spec: ["test/policies/**/*.test.ts"],
  },
  "config.ts": { mutate: ["config.ts"], typecheck: ["config.ts"], spec: ["test/config*.test.ts"] },
  functions: {
    mutate: ["functions/*.ts"],
    typecheck: ["functions/*.ts"],
    spec: ["test/functions/**/*.test.ts"],
  },
  automation: {
    mutate: ["automation/**/*.ts", "!automation/cli.ts", "!automation/help.ts"],
    typecheck: ["automation"],
    spec: ["test/automation/**/*.test.ts"],
  },
  // The program tests share one plan per stack (plan/plan.ts), made by whichever test asks first:
  // per-test coverage would credit every component line to that one test and run only it against
  // each mutant. So every mutant runs all the program tests ("all"), and a root hook forgets the
  // plans before each run. That costs the whole program suite per mutant (minutes here): measure
  // a few files at a time with --mutate (docs/verification.md).
  components: {
    mutate: ["components/**/*.ts"],
    typecheck: ["components"],
    spec: ["test/*.test.ts"],
    coverageAnalysis: "all",
    rootHooks: ["test/helpers/mutationPlanHooks.ts"],
  },
};

// Where a group's reports go: reports/ is git-ignored.
export const reportDir = (group) => `reports/mutation/${group.replace(/[/.]/g, "-")}`;
