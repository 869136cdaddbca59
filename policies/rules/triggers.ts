// DR, automation: nothing that any principal of the account may send reaches the failover
// orchestrator. Every principal with events:PutEvents may put any event on the default bus, so
// an event rule there (a pattern, not a schedule) that targets the orchestrator lets anyone ask
// for a promotion. Contract with the program: promoting functions (promoter and trigger) carry
// PROMOTION_ROLE_TAG (functions/contract.ts); both are judged, since either can start one.
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { ofType, promotingFunctions, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, UNKNOWN } from "../lib/values";

const MUST = "must not be triggered by an event rule on the default event bus";

export const drOrchestratorNoOpenTrigger: StackValidationPolicy = {
  name: "dr-orchestrator-no-open-trigger",
  description:
    "No event rule on the default bus, where every principal of the account may put events, targets the failover orchestrator.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const functions = ofType(args.resources, aws.lambda.Function).map((f) => f.resource);
    const rules = ofType(args.resources, aws.cloudwatch.EventRule);
    const targets = ofType(args.resources, aws.cloudwatch.EventTarget);
    for (const fn of promotingFunctions(args.resources)) {
      const subject = new Subject(fn.resource, report);
      for (const target of targets) {
        const arn = known(() => target.props.arn);
        if (arn === UNKNOWN && !refersTo(arn, target.resource, fn.resource, functions)) continue;
        if (!refersTo(arn, target.resource, fn.resource, functions)) continue;
        const ruleName = known(() => target.props.rule);
        const rule = rules.find((r) =>
          refersTo(
            ruleName,
            target.resource,
            r.resource,
            rules.map((x) => x.resource),
          ),
        );
        if (!rule) continue;
        const pattern = known(() => rule.props.eventPattern);
        const bus = known(() => rule.props.eventBusName);
        if (pattern === UNKNOWN || bus === UNKNOWN) {
          subject.cannotVerify(MUST, `rule "${rule.resource.name}" eventPattern or eventBusName`);
          continue;
        }
        if (pattern && (bus === undefined || bus === "" || bus === "default")) {
          subject.fail(
            MUST,
            `rule "${rule.resource.name}" on the default bus targets it`,
            "Let the detector invoke it directly and authenticate requests by the detector's recorded decision; never route events from the default bus to it.",
          );
        }
      }
    }
  },
};

export const triggerPolicies = [drOrchestratorNoOpenTrigger];
