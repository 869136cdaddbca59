// The settings sources when a stack is not what the CLI needs: a promoter without its settings
// variable, a resource of another type tagged as the promoter, a stack output missing or empty
// (deployed with an older program), a stack without a heartbeat reader; each failure a StepFailed
// naming the stack and the source, nothing changed. Each stack is derived once, failures too.
import assert from "node:assert/strict";
import { StepFailed } from "../../automation/errors";
import { PlanStackFacts } from "../../automation/settings/planFacts";
import {
  DerivedSettingsSource,
  failoverSettingsFrom,
  type StackFacts,
} from "../../automation/settings/source";
import { readTopology, stackNamed } from "../../automation/topology";
import { planOf } from "../helpers/plan";

const topology = readTopology();
const euw1 = stackNamed(topology, "prod-euw1");
const use1 = stackNamed(topology, "prod-use1");
const plan = new PlanStackFacts((stack) => planOf(stack));

/** The plan's facts with `stack`'s outputs edited, counting what is asked. */
function factsWith(edit: (stack: string, outputs: Record<string, unknown>) => void) {
  const asked: string[] = [];
  const facts: StackFacts = {
    orchestratorSettings: (stack) => {
      asked.push(`settings ${stack}`);
      return plan.orchestratorSettings(stack);
    },
    outputs: async (stack) => {
      asked.push(`outputs ${stack}`);
      const outputs = { ...(await plan.outputs(stack)) };
      edit(stack, outputs);
      return outputs;
    },
  };
  return { facts, asked };
}

const NEXT =
  "check that the Pulumi CLI is installed and logged in to the stacks' backend (`pulumi whoami`), or use --settings plan for a dry run from this checkout";

async function failure(source: DerivedSettingsSource, stack = use1) {
  try {
    await source.settingsFor(stack);
  } catch (error) {
    assert.ok(error instanceof StepFailed, String(error));
    return { message: error.message, state: error.state, nextStep: error.nextStep };
  }
  assert.fail("no failure");
}

describe("promote CLI: settings a stack cannot give", function () {
  this.timeout(120_000);

  it("an output the home stack does not export, or exports empty: StepFailed naming it, asked once", async () => {
    for (const [key, value] of [
      ["databaseArn", undefined],
      ["alertTopicArn", ""],
      ["mediaFileSystemId", 42],
    ] as const) {
      const { facts, asked } = factsWith((stack, outputs) => {
        if (stack !== "prod-use1") return;
        if (value === undefined) delete outputs[key];
        else outputs[key] = value;
      });
      const source = new DerivedSettingsSource(topology, facts, "the test plan");
      assert.deepEqual(await failure(source), {
        message: `cannot get the failover settings of prod-use1 from the test plan: stack prod-use1 exports no ${key}; deploy it with this program version first`,
        state: "nothing was changed",
        nextStep: NEXT,
      });
      const count = asked.length;
      await assert.rejects(source.settingsFor(use1), StepFailed);
      assert.equal(asked.length, count, "the failure is remembered, not asked again");
    }
  });

  it("the standby stack's parameter path missing: the home stack cannot be localized", async () => {
    const { facts } = factsWith((stack, outputs) => {
      if (stack === "prod-euw1") outputs.parameterPath = "";
    });
    const source = new DerivedSettingsSource(topology, facts, "the test plan");
    assert.equal(
      (await failure(source)).message,
      "cannot get the failover settings of prod-use1 from the test plan: stack prod-euw1 exports no parameterPath; deploy it with this program version first",
    );
    // The standby's own settings need no outputs.
    assert.equal((await source.settingsFor(euw1)).localRegion, "eu-west-1");
  });

  it("a home stack without a heartbeat reader (deployed before them) is gated by its lag metric", async () => {
    for (const reader of [undefined, 7]) {
      const { facts } = factsWith((stack, outputs) => {
        if (stack === "prod-use1") outputs.heartbeatReaderFunctionName = reader;
      });
      const s = await new DerivedSettingsSource(topology, facts, "plan").settingsFor(use1);
      assert.equal(s.heartbeat, undefined, String(reader));
    }
    const { facts, asked } = factsWith(() => undefined);
    const source = new DerivedSettingsSource(topology, facts, "plan");
    const s = await source.settingsFor(use1);
    assert.deepEqual(s.heartbeat, {
      readerFunctionName: (await plan.outputs("prod-use1")).heartbeatReaderFunctionName,
    });
    assert.match(s.heartbeat!.readerFunctionName, /^prod-use1-heartbeat-reader-/);
    assert.equal(await source.settingsFor(use1), s, "derived once");
    assert.deepEqual(asked.sort(), [
      "outputs prod-euw1",
      "outputs prod-use1",
      "settings prod-euw1",
    ]);
  });

  it("the promoter without its settings variable, or with a non-string one, fails naming it", () => {
    for (const environment of [
      undefined,
      { variables: {} },
      { variables: { FAILOVER_SETTINGS: { a: 1 } } },
    ]) {
      assert.throws(
        () =>
          failoverSettingsFrom("prod-euw1", [
            {
              type: "aws:lambda/function:Function",
              name: "prod-euw1-recovery-fn",
              props: { tags: { "magento-dr:role": "promoter" }, environment },
            },
          ]),
        {
          message:
            "prod-euw1-recovery-fn in stack prod-euw1 has no FAILOVER_SETTINGS environment variable",
        },
      );
    }
  });

  it("only a Lambda function is the promoter, whatever else carries the tag or the name", () => {
    const props = {
      tags: { "magento-dr:role": "promoter" },
      environment: { variables: { FAILOVER_SETTINGS: "{}" } },
    };
    assert.throws(
      () =>
        failoverSettingsFrom("prod-euw1", [
          { type: "aws:iam/role:Role", name: "prod-euw1-failover-orchestrator-fn", props },
          { type: "aws:lambda/permission:Permission", name: "prod-euw1-recovery-fn", props },
        ]),
      {
        message:
          "stack prod-euw1 has no aws:lambda/function:Function tagged magento-dr:role=promoter (nor named *-failover-orchestrator-fn): is it the standby stack, and deployed?",
      },
    );
  });
});
