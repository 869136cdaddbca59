// A mocha root hook loaded only by the mutation run of components/ (scripts/mutationGroups.mjs):
// Stryker runs the program tests once per mutant in one process, with the mutant switched on
// by a global, so each run must plan the stacks afresh instead of reading plans made under
// another mutant (plan/plan.ts keeps one plan per stack for the whole process).
import { forgetPlans } from "../../plan/plan";

export const mochaHooks = {
  beforeAll(): void {
    forgetPlans();
  },
};
