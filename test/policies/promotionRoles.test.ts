import * as aws from "@pulumi/aws";
import { drPromotionRoleDeclared } from "../../policies/rules/promotionRoles";
import {
  ACCOUNT,
  document,
  homeStack,
  lambdaFunction,
  lambdaTrustPolicy,
  mutate,
  standbyStack,
  without,
} from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  checkStack,
  Declared,
  preview,
  U,
} from "./util";

const DETECTOR = 'lambda.Function "standby-detector"';
const ORCHESTRATOR_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:standby-orchestrator-9f8e7d6`;
const DETECTOR_PARENT =
  "urn:pulumi:test::magento-dr::magento-dr:automation:FailoverFunction::standby-detector";

const invoke = (resource: unknown) =>
  document({
    Sid: "RequestPromotion",
    Effect: "Allow",
    Action: "lambda:InvokeFunction",
    Resource: resource,
  });

/**
 * The standby stack plus a second function (the detector's shape): its own role, a RolePolicy
 * with `policy`, and `tags`.
 */
function withDetector(policy: unknown, tags?: Record<string, unknown>): Declared[] {
  return [
    ...standbyStack(),
    {
      cls: aws.lambda.Function,
      name: "standby-detector",
      props: {
        ...lambdaFunction,
        role: `arn:aws:iam::${ACCOUNT}:role/standby-detector-role-5d6e7f8`,
        reservedConcurrentExecutions: 1,
        tags,
      },
      parent: DETECTOR_PARENT,
    },
    {
      cls: aws.iam.Role,
      name: "standby-detector-role",
      props: { assumeRolePolicy: lambdaTrustPolicy },
      parent: DETECTOR_PARENT,
    },
    {
      cls: aws.iam.RolePolicy,
      name: "standby-detector-policy",
      props: { role: "standby-detector-role-5d6e7f8", policy },
      parent: DETECTOR_PARENT,
    },
  ];
}

const TRIGGER = { "magento-dr:role": "trigger" };

/** The detector of withDetector, invoking a resource unknown during preview. */
function withInvokeResourceUnknown(tags?: Record<string, unknown>): Declared[] {
  return mutate(withDetector("", tags), "standby-detector-policy", (r) => ({
    ...r,
    props: preview({
      ...r.props,
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: U }],
      },
    }),
  }));
}

describe("policies: promotion roles", () => {
  describe("dr-promotion-role-declared", () => {
    it("passes the stacks as the program builds them: a tagged promoter and a tagged trigger", () => {
      assertNoViolations(checkStack(drPromotionRoleDeclared, homeStack()));
      assertNoViolations(checkStack(drPromotionRoleDeclared, standbyStack()));
      assertNoViolations(
        checkStack(drPromotionRoleDeclared, withDetector(invoke(ORCHESTRATOR_ARN), TRIGGER)),
      );
    });

    it("passes an untagged function that invokes only functions that do not promote", () => {
      const other = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:search-replication-1234abc`;
      assertNoViolations(checkStack(drPromotionRoleDeclared, withDetector(invoke(other))));
      const pattern = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:search-*`;
      assertNoViolations(checkStack(drPromotionRoleDeclared, withDetector(invoke(pattern))));
    });

    it("flags an untagged function that may invoke the promoter, by ARN or by pattern", () => {
      for (const resource of [
        ORCHESTRATOR_ARN,
        [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:standby-orch*`],
      ]) {
        assertViolation(checkStack(drPromotionRoleDeclared, withDetector(invoke(resource))), [
          `${DETECTOR} must declare its promotion role in the magento-dr:role tag`,
          'its role allows lambda:InvokeFunction on "standby-orchestrator", which may start a promotion',
          "Tag it magento-dr:role=trigger",
        ]);
      }
    });

    it("flags an untagged function that may invoke any function, even in a stack without a promoter", () => {
      for (const resource of ["*", "arn:aws:lambda:*:*:function:*"]) {
        assertViolation(checkStack(drPromotionRoleDeclared, withDetector(invoke(resource))), [
          "its role allows lambda:InvokeFunction on any function",
        ]);
      }
      const everything = document({ Effect: "Allow", Action: "lambda:*", Resource: "*" });
      const home = withDetector(everything).filter(
        (r) => !standbyStack().some((s) => s.name === r.name),
      );
      assertViolation(checkStack(drPromotionRoleDeclared, [...homeStack(), ...home]), [
        `${DETECTOR} must declare its promotion role`,
        "lambda:InvokeFunction on any function",
      ]);
    });

    it("flags a renamed promoter that lost its tag: its role can promote the database", () => {
      const untagged = mutate(standbyStack(), "standby-orchestrator", (r) => ({
        ...r,
        name: "standby-region-recovery",
        props: { ...r.props, tags: undefined },
      }));
      assertViolation(checkStack(drPromotionRoleDeclared, untagged), [
        'lambda.Function "standby-region-recovery" must declare its promotion role',
        'its role allows rds:PromoteReadReplica, which carries out a promotion, and tags["magento-dr:role"] is not set',
        "Tag it magento-dr:role=promoter",
      ]);
    });

    it("flags a trigger whose role can carry out a promotion itself, also through a wildcard", () => {
      for (const action of ["elasticache:FailoverGlobalReplicationGroup", "rds:Promote*", "*"]) {
        const policy = document({ Effect: "Allow", Action: action, Resource: "*" });
        assertViolation(checkStack(drPromotionRoleDeclared, withDetector(policy, TRIGGER)), [
          `${DETECTOR} must declare its promotion role`,
          'which carries out a promotion, and tags["magento-dr:role"] is "trigger"',
        ]);
      }
      const allBut = document({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
      assertViolation(checkStack(drPromotionRoleDeclared, withDetector(allBut, TRIGGER)), [
        "rds:PromoteReadReplica, which carries out a promotion",
      ]);
    });

    it("flags a tag value the contract does not define", () => {
      const stack = withDetector(invoke(ORCHESTRATOR_ARN), { "magento-dr:role": "promotor" });
      assertViolation(checkStack(drPromotionRoleDeclared, stack), [
        `${DETECTOR} must declare its promotion role in the magento-dr:role tag`,
        'tags["magento-dr:role"] is "promotor"',
        "Use one of promoter, trigger",
      ]);
    });

    it("flags a function whose role is not in the stack, since its permissions cannot be read", () => {
      const stack = without(
        mutate(withDetector(invoke(ORCHESTRATOR_ARN)), "standby-detector", (r) => ({
          ...r,
          props: { ...r.props, role: `arn:aws:iam::${ACCOUNT}:role/made-elsewhere` },
        })),
        "standby-detector-role",
      );
      assertViolation(checkStack(drPromotionRoleDeclared, stack), [
        `${DETECTOR} must declare its promotion role`,
        "is not an aws.iam.Role of this stack",
      ]);
    });

    describe("values unknown during preview", () => {
      it("reports a tag value unknown during preview", () => {
        const stack = mutate(withDetector(invoke(ORCHESTRATOR_ARN)), "standby-detector", (r) => ({
          ...r,
          props: preview({ ...r.props, tags: { "magento-dr:role": U } }),
        }));
        assertUnverifiable(checkStack(drPromotionRoleDeclared, stack), 'tags["magento-dr:role"]');
      });

      it("reports an untagged function whose invoke resource is unknown", () => {
        const stack = withInvokeResourceUnknown();
        assertUnverifiable(
          checkStack(drPromotionRoleDeclared, stack),
          'iam.RolePolicy "standby-detector-policy" statement 0 Resource',
        );
      });

      it("reports a whole document unknown, even on a trigger, since it may grant a promotion", () => {
        const stack = mutate(withDetector("", TRIGGER), "standby-detector-policy", (r) => ({
          ...r,
          props: preview({ ...r.props, policy: U }),
        }));
        assertUnverifiable(
          checkStack(drPromotionRoleDeclared, stack),
          'iam.RolePolicy "standby-detector-policy"',
        );
      });

      it("needs no invoke resource of a trigger: it is judged as one already", () => {
        const stack = withInvokeResourceUnknown(TRIGGER);
        assertNoViolations(checkStack(drPromotionRoleDeclared, stack));
      });
    });
  });
});
