// Stack facts from the offline plan: each stack planned once however many facts are asked (also
// at once), the orchestrator's settings read from the function the plan records (its inputs),
// and by default the same plan the program tests use.
import assert from "node:assert/strict";
import type { StackPlan } from "../../plan/plan";
import { PlanStackFacts } from "../../automation/settings/planFacts";
import { planOf } from "../helpers/plan";

/** A plan holding one function tagged as the promoter, with these settings. */
function planWith(settingsJson: string, outputs: Record<string, unknown>): StackPlan {
  return {
    run: {
      resources: [
        {
          type: "aws:lambda/function:Function",
          name: "prod-x-promoter-fn",
          inputs: {
            tags: { "magento-dr:role": "promoter" },
            environment: { variables: { FAILOVER_SETTINGS: settingsJson } },
          },
        },
      ],
      outputs,
    },
  } as unknown as StackPlan;
}

describe("promote CLI: facts from the offline plan", function () {
  this.timeout(60_000);

  it("plans each stack once, concurrent asks included, and reads the promoter's inputs", async () => {
    const planned: string[] = [];
    const facts = new PlanStackFacts(async (stack) => {
      planned.push(stack);
      return planWith(`{"localRegion":"${stack}-region"}`, { stack });
    });
    const [a, b, settings] = await Promise.all([
      facts.outputs("prod-a"),
      facts.outputs("prod-a"),
      facts.orchestratorSettings("prod-a"),
    ]);
    assert.deepEqual(a, { stack: "prod-a" });
    assert.equal(b, a);
    assert.deepEqual(settings, { localRegion: "prod-a-region" });
    assert.deepEqual(await facts.orchestratorSettings("prod-b"), { localRegion: "prod-b-region" });
    assert.deepEqual(planned, ["prod-a", "prod-b"]);
  });

  it("a failed plan fails every ask for that stack with its error", async () => {
    const facts = new PlanStackFacts(async (stack) => {
      throw new Error(`Pulumi.${stack}.yaml: magento-dr:homeRegion is required`);
    });
    await assert.rejects(facts.outputs("prod-c"), {
      message: "Pulumi.prod-c.yaml: magento-dr:homeRegion is required",
    });
    await assert.rejects(facts.orchestratorSettings("prod-c"), {
      message: "Pulumi.prod-c.yaml: magento-dr:homeRegion is required",
    });
  });

  it("by default, the deployed-mode plan of this checkout's stack files", async () => {
    const facts = new PlanStackFacts();
    assert.equal(await facts.outputs("prod-use1"), (await planOf("prod-use1")).run.outputs);
  });
});
