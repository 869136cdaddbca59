// dr-orchestrator-no-open-trigger, both sides: which bus is the default one, which targets point
// at a promoting function, and which rule a target belongs to.
import * as aws from "@pulumi/aws";
import { drOrchestratorNoOpenTrigger } from "../../policies/rules/triggers";
import { assertNoViolations, assertViolation, checkStack, Declared, preview, U } from "./util";

const ORCHESTRATOR_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orchestrator-1";
const orchestrator: Declared = {
  cls: aws.lambda.Function,
  name: "failover-orchestrator-fn",
  props: { tags: { "magento-dr:role": "promoter" }, name: "orchestrator-1", arn: ORCHESTRATOR_ARN },
  parent: "orchestrator",
};
const other: Declared = {
  cls: aws.lambda.Function,
  name: "search-health-fn",
  props: {
    name: "search-health-1",
    arn: "arn:aws:lambda:eu-west-1:123456789012:function:search-health-1",
  },
  parent: "search",
};
const pattern = JSON.stringify({ source: ["magento-dr.operator"] });
const rule = (name: string, props: Record<string, unknown>, parent = "orchestrator"): Declared => ({
  cls: aws.cloudwatch.EventRule,
  name,
  props: { name: `${name}-1`, eventPattern: pattern, ...props },
  parent,
});
const target = (ruleName: string, arn: unknown, parent = "orchestrator"): Declared => ({
  cls: aws.cloudwatch.EventTarget,
  name: `${ruleName}-target`,
  props: { rule: `${ruleName}-1`, arn },
  parent,
});
const OPEN = [
  "must not be triggered by an event rule on the default event bus",
  "on the default bus targets it",
];

describe("policies: dr-orchestrator-no-open-trigger, both sides", () => {
  it('the default bus is the absent, empty or "default" name; any other bus is not', () => {
    for (const bus of [undefined, "", "default"]) {
      assertViolation(
        checkStack(drOrchestratorNoOpenTrigger, [
          orchestrator,
          rule("requests", { eventBusName: bus }),
          target("requests", ORCHESTRATOR_ARN),
        ]),
        OPEN,
      );
    }
    assertNoViolations(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        rule("requests", { eventBusName: "magento-dr-operators" }),
        target("requests", ORCHESTRATOR_ARN),
      ]),
    );
  });

  it("only targets that name a promoting function count, and only with their own rule", () => {
    // A pattern rule on the default bus aimed at another function: not the orchestrator's concern.
    assertNoViolations(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        other,
        rule("health", {}, "search"),
        target(
          "health",
          "arn:aws:lambda:eu-west-1:123456789012:function:search-health-1",
          "search",
        ),
      ]),
    );
    // A target of the orchestrator whose rule is not in the stack: nothing to judge.
    assertNoViolations(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        rule("elsewhere", { eventBusName: "default" }, "search"),
        {
          ...target("missing", ORCHESTRATOR_ARN),
          props: { rule: "missing-1", arn: ORCHESTRATOR_ARN },
        },
      ]),
    );
    // The orchestrator's target names the scheduled rule, not the open one beside it.
    assertNoViolations(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        rule("schedule", { eventPattern: undefined, scheduleExpression: "rate(1 minute)" }),
        rule("open", {}, "search"),
        target("schedule", ORCHESTRATOR_ARN),
      ]),
    );
  });

  it("a target whose function is not known yet counts when it sits beside the orchestrator", () => {
    assertViolation(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        rule("requests", {}),
        { ...target("requests", U), props: preview({ rule: "requests-1", arn: U }) },
      ]),
      OPEN,
    );
    assertNoViolations(
      checkStack(drOrchestratorNoOpenTrigger, [
        orchestrator,
        other,
        rule("health", {}, "search"),
        { ...target("health", U, "search"), props: preview({ rule: "health-1", arn: U }) },
      ]),
    );
  });
});
