import * as aws from "@pulumi/aws";
import {
  drOrchestratorDeadline,
  drOrchestratorRoleScoped,
  drOrchestratorSingleInstance,
  drRecoveryBudget,
} from "../../policies/rules/orchestrator";
import {
  document,
  homeStack,
  mutate,
  withProps,
  orchestratorFunction,
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

const ORCHESTRATOR = 'lambda.Function "standby-orchestrator"';

function withOrchestrator(change: (props: typeof orchestratorFunction) => object): Declared[] {
  return mutate(standbyStack(), "standby-orchestrator", (r) => ({
    ...r,
    props: change(orchestratorFunction),
  }));
}

function withVariables(variables: Record<string, unknown>): Declared[] {
  return withOrchestrator((p) => ({ ...p, environment: { variables } }));
}

describe("policies: failover orchestrator", () => {
  it("finds no orchestrator, and judges nothing, in the home stack", () => {
    for (const policy of [
      drOrchestratorSingleInstance,
      drOrchestratorDeadline,
      drOrchestratorRoleScoped,
      drRecoveryBudget,
    ]) {
      assertNoViolations(checkStack(policy, homeStack()));
    }
  });

  describe("which functions the promotion rules judge", () => {
    it("a promoting function with any name is judged: found by its tag, not its name", () => {
      const renamed = mutate(standbyStack(), "standby-orchestrator", (r) => ({
        ...r,
        name: "standby-region-detector",
        props: { ...r.props, reservedConcurrentExecutions: undefined },
      }));
      assertViolation(checkStack(drOrchestratorSingleInstance, renamed), [
        'lambda.Function "standby-region-detector" must run at most one instance at a time',
      ]);
    });

    it("a function named orchestrator without the tag is not a promoting function", () => {
      const untagged = withOrchestrator((p) => ({
        ...p,
        tags: undefined,
        reservedConcurrentExecutions: undefined,
      }));
      assertNoViolations(checkStack(drOrchestratorSingleInstance, untagged));
    });

    it("a trigger is held to the single instance, not to a deadline or budget of its own", () => {
      const trigger = withOrchestrator((p) => ({
        ...p,
        tags: { "magento-dr:role": "trigger" },
        reservedConcurrentExecutions: undefined,
        environment: { variables: {} },
      }));
      assertViolation(checkStack(drOrchestratorSingleInstance, trigger), [
        `${ORCHESTRATOR} must run at most one instance at a time`,
      ]);
      assertNoViolations(checkStack(drOrchestratorDeadline, trigger));
      assertNoViolations(checkStack(drRecoveryBudget, trigger));
      const promoter = withOrchestrator((p) => ({ ...p, environment: { variables: {} } }));
      assertViolation(checkStack(drOrchestratorDeadline, promoter), [
        "environment.variables.DEADLINE_MS is not set",
      ]);
      assertViolation(checkStack(drRecoveryBudget, promoter), [
        "environment.variables.RTO_BUDGET_SECONDS is not set",
      ]);
    });

    it("a tag unknown during preview counts as promoting, so the rules still run", () => {
      const stack = withOrchestrator((p) =>
        preview({
          ...p,
          tags: { "magento-dr:role": U },
          reservedConcurrentExecutions: undefined,
        }),
      );
      assertViolation(checkStack(drOrchestratorSingleInstance, stack), [
        `${ORCHESTRATOR} must run at most one instance at a time`,
      ]);
    });
  });

  describe("dr-orchestrator-single-instance", () => {
    it("passes a reserved concurrency of 1", () => {
      assertNoViolations(checkStack(drOrchestratorSingleInstance, standbyStack()));
    });

    it("flags unreserved concurrency", () => {
      const stack = withOrchestrator((p) => ({ ...p, reservedConcurrentExecutions: undefined }));
      assertViolation(checkStack(drOrchestratorSingleInstance, stack), [
        `${ORCHESTRATOR} must run at most one instance at a time`,
        "reservedConcurrentExecutions is not set",
      ]);
    });

    it("reports a concurrency unknown during preview", () => {
      const stack = withOrchestrator((p) => preview({ ...p, reservedConcurrentExecutions: U }));
      assertUnverifiable(
        checkStack(drOrchestratorSingleInstance, stack),
        "reservedConcurrentExecutions",
      );
    });
  });

  describe("dr-orchestrator-deadline", () => {
    it("passes a deadline below the timeout", () => {
      assertNoViolations(checkStack(drOrchestratorDeadline, standbyStack()));
    });

    it("flags a deadline at the timeout", () => {
      const stack = withVariables({ DEADLINE_MS: "120000", RTO_BUDGET_SECONDS: "240" });
      assertViolation(checkStack(drOrchestratorDeadline, stack), [
        `${ORCHESTRATOR} must stop at a DEADLINE_MS deadline below its timeout`,
        'environment.variables.DEADLINE_MS is "120000" with a timeout of 120 s',
      ]);
    });

    it("flags a missing deadline", () => {
      assertViolation(
        checkStack(drOrchestratorDeadline, withVariables({ RTO_BUDGET_SECONDS: "240" })),
        ["environment.variables.DEADLINE_MS is not set"],
      );
    });

    it("flags a missing timeout", () => {
      const stack = withOrchestrator((p) => ({ ...p, timeout: undefined }));
      assertViolation(checkStack(drOrchestratorDeadline, stack), ["timeout is not set"]);
    });

    it("reports a deadline unknown during preview", () => {
      const stack = withOrchestrator((p) =>
        preview({ ...p, environment: { variables: { DEADLINE_MS: U } } }),
      );
      assertUnverifiable(
        checkStack(drOrchestratorDeadline, stack),
        "environment.variables.DEADLINE_MS",
      );
    });
  });

  describe("dr-orchestrator-role-scoped", () => {
    it("passes a stack role whose mutations name their resources", () => {
      assertNoViolations(checkStack(drOrchestratorRoleScoped, standbyStack()));
    });

    it("flags a mutating action on * in the role's policy", () => {
      const stack = mutate(standbyStack(), "standby-orchestrator-policy", (r) => ({
        ...r,
        props: {
          ...r.props,
          policy: document({
            Sid: "Promote",
            Effect: "Allow",
            Action: "rds:PromoteReadReplica",
            Resource: "*",
          }),
        },
      }));
      assertViolation(checkStack(drOrchestratorRoleScoped, stack), [
        `${ORCHESTRATOR} must run with a role scoped to named resources`,
        'iam.RolePolicy "standby-orchestrator-policy" statement 0 ("Promote") allows rds:PromoteReadReplica without naming resources',
      ]);
    });

    it("flags a broad managed policy on the role", () => {
      const stack = withProps(standbyStack(), "standby-orchestrator-basic-execution", {
        policyArn: "arn:aws:iam::aws:policy/AmazonRDSFullAccess",
      });
      assertViolation(checkStack(drOrchestratorRoleScoped, stack), [
        "has the managed policy arn:aws:iam::aws:policy/AmazonRDSFullAccess attached",
      ]);
    });

    it("judges a customer-managed policy attached to the role", () => {
      const stack = [
        ...withProps(standbyStack(), "standby-orchestrator-basic-execution", {
          policyArn: "arn:aws:iam::123456789012:policy/standby-orchestrator-extra-5e6f7a8",
        }),
        {
          cls: aws.iam.Policy,
          name: "standby-orchestrator-extra",
          props: {
            policy: document({
              Effect: "Allow",
              Action: "ssm:*",
              Resource: "arn:aws:ssm:eu-west-1:1:parameter/x",
            }),
          },
        },
      ];
      assertViolation(checkStack(drOrchestratorRoleScoped, stack), [
        'iam.Policy "standby-orchestrator-extra" statement 0 allows ssm:* without naming resources',
      ]);
    });

    it("flags an orchestrator whose role is not in the stack", () => {
      assertViolation(
        checkStack(drOrchestratorRoleScoped, without(standbyStack(), "standby-orchestrator-role")),
        ["is not an aws.iam.Role of this stack, so its permissions cannot be checked"],
      );
    });

    it("reports a role policy unknown during preview", () => {
      const stack = mutate(standbyStack(), "standby-orchestrator-policy", (r) => ({
        ...r,
        props: preview({ ...r.props, policy: U }),
      }));
      assertUnverifiable(
        checkStack(drOrchestratorRoleScoped, stack),
        'iam.RolePolicy "standby-orchestrator-policy"',
      );
    });
  });

  describe("dr-recovery-budget", () => {
    it("passes a budget within the RTO target", () => {
      assertNoViolations(checkStack(drRecoveryBudget, standbyStack()));
    });

    it("flags a budget above the target", () => {
      const stack = withVariables({ DEADLINE_MS: "100000", RTO_BUDGET_SECONDS: "1020" });
      assertViolation(checkStack(drRecoveryBudget, stack), [
        `${ORCHESTRATOR} must recover within the 900 s RTO target`,
        "environment.variables.RTO_BUDGET_SECONDS is 1020 s",
      ]);
      assertNoViolations(checkStack(drRecoveryBudget, stack, { rtoTargetSeconds: 1200 }));
    });

    it("flags an orchestrator that declares no budget", () => {
      assertViolation(checkStack(drRecoveryBudget, withVariables({ DEADLINE_MS: "100000" })), [
        "environment.variables.RTO_BUDGET_SECONDS is not set",
        "the worst path (rtoWorstSeconds) of the recovery timeline",
      ]);
    });

    it("does not confuse the promotion deadline (a bound on a stuck run) with the budget", () => {
      const stack = withVariables({ DEADLINE_MS: "780000", RTO_BUDGET_SECONDS: "270" });
      assertNoViolations(checkStack(drRecoveryBudget, stack));
    });

    it("reports a budget unknown during preview", () => {
      const stack = withOrchestrator((p) =>
        preview({ ...p, environment: { variables: { RTO_BUDGET_SECONDS: U } } }),
      );
      assertUnverifiable(
        checkStack(drRecoveryBudget, stack),
        "environment.variables.RTO_BUDGET_SECONDS",
      );
    });
  });
});
