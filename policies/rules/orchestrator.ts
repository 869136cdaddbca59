// DR, automation: the region failover orchestrator runs alone, finishes (or gives up cleanly)
// before Lambda kills it, touches only the resources it names, and promises a recovery within the
// RTO. Contract with the program: every function that promotes carries PROMOTION_ROLE_TAG
// (functions/contract.ts). A `promoter` (the orchestrator) is held to every rule here and its
// environment carries DEADLINE_MS and RTO_BUDGET_SECONDS; a `trigger` (the detector, which only
// asks a promoter to act) to the single instance and the scoped role.
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { integer, settings, stringList } from "../lib/config";
import { PROMOTION_ROLES } from "../../functions/contract";
import { LAMBDA_ENVIRONMENT } from "../../functions/contractEnvironment";
import { describeStatement, isWildcardAction, parseDocument } from "../lib/iam";
import { PermissionDocument, permissionsOf, roleOf } from "../lib/permissions";
import { promotingFunctions, Typed } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, Maybe, show, snapshot, UNKNOWN } from "../lib/values";
import { ACTIONS_WITHOUT_RESOURCE_LEVEL, mutationsOnAnyResource } from "./leastPrivilege";

export const DEADLINE_VARIABLE = LAMBDA_ENVIRONMENT.deadlineMs;
export const RTO_BUDGET_VARIABLE = LAMBDA_ENVIRONMENT.rtoBudgetSeconds;

type Orchestrator = Typed<Unwrap<aws.lambda.FunctionArgs>>;

/** An environment variable of the function: its value, UNKNOWN, or undefined when absent. */
function environmentVariable(fn: Orchestrator, name: string): Maybe<string | undefined> {
  const variables = snapshot(() => fn.props.environment?.variables);
  if (variables === UNKNOWN) return UNKNOWN;
  const value = (variables as Record<string, unknown> | undefined)?.[name];
  return value === UNKNOWN ? UNKNOWN : value === undefined ? undefined : String(value);
}

export const drOrchestratorSingleInstance: StackValidationPolicy = {
  name: "dr-orchestrator-single-instance",
  description:
    "Every promoting function (magento-dr:role promoter or trigger: the orchestrator, the detector) reserves a concurrency of exactly 1, so two promotions never race.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const fn of promotingFunctions(args.resources)) {
      new Subject(fn.resource, report).expect({
        property: "reservedConcurrentExecutions",
        read: () => fn.props.reservedConcurrentExecutions,
        ok: (v) => v === 1,
        must: "must run at most one instance at a time",
        fix: "Set reservedConcurrentExecutions: 1 (the fencing lease still guards against other regions).",
      });
    }
  },
};

export const drOrchestratorDeadline: StackValidationPolicy = {
  name: "dr-orchestrator-deadline",
  description: `A promoter (the failover orchestrator) has a timeout and a ${DEADLINE_VARIABLE} deadline below it, so it stops its steps and records the outcome before Lambda kills it.`,
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const fn of promotingFunctions(args.resources, [PROMOTION_ROLES.promoter])) {
      const subject = new Subject(fn.resource, report);
      const must = `must stop at a ${DEADLINE_VARIABLE} deadline below its timeout`;
      const timeout = known(() => fn.props.timeout);
      if (timeout === UNKNOWN) {
        subject.cannotVerify(must, "timeout");
        continue;
      }
      if (timeout === undefined) {
        subject.fail(must, "timeout is not set", "Set timeout (seconds) explicitly.");
        continue;
      }
      const deadline = environmentVariable(fn, DEADLINE_VARIABLE);
      const where = `environment.variables.${DEADLINE_VARIABLE}`;
      if (deadline === UNKNOWN) {
        subject.cannotVerify(must, where);
      } else if (
        deadline === undefined ||
        !(Number(deadline) > 0 && Number(deadline) < timeout * 1000)
      ) {
        subject.fail(
          must,
          `${where} is ${show(deadline)} with a timeout of ${timeout} s`,
          `Set ${DEADLINE_VARIABLE} to milliseconds below ${timeout * 1000}, leaving time to write the audit record.`,
        );
      }
    }
  },
};

const roleSchema = {
  properties: {
    allowedManagedPolicies: stringList("AWS-managed policies the orchestrator's role may carry.", [
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ]),
    allowedWildcardActions: stringList(
      "Mutating actions allowed on `*` because AWS offers no resource-level permission for them.",
      ACTIONS_WITHOUT_RESOURCE_LEVEL,
    ),
  },
};

interface RoleSettings {
  allowedManagedPolicies: string[];
  allowedWildcardActions: string[];
}

const SCOPED_ROLE = "must run with a role scoped to named resources";

/** Flags the statements of a document that act on every resource, or on any action. */
function checkScoped(subject: Subject, document: PermissionDocument, allowedOnAny: string[]): void {
  const parsed = parseDocument(document.read);
  if (parsed.kind === "unknown") return subject.cannotVerify(SCOPED_ROLE, document.where);
  if (parsed.kind === "invalid") {
    return subject.fail(
      SCOPED_ROLE,
      `${document.where} is unreadable: ${parsed.reason}`,
      "Fix the document.",
    );
  }
  for (const s of parsed.statements.filter((st) => st.allow)) {
    const wildcards = s.actions.filter((a): a is string => a !== UNKNOWN && isWildcardAction(a));
    const unscoped = new Set([...wildcards, ...mutationsOnAnyResource(s, allowedOnAny)]);
    if (unscoped.size === 0) continue;
    subject.fail(
      SCOPED_ROLE,
      `${document.where} ${describeStatement(s)} allows ${[...unscoped].join(", ")} without naming resources`,
      "Name the actions, and set Resource to the ARNs of the replica, Global Datastore, file system, parameters and ASG it acts on.",
    );
  }
}

export const drOrchestratorRoleScoped: StackValidationPolicy = {
  name: "dr-orchestrator-role-scoped",
  description:
    "Every promoting function's role (promoter or trigger) is declared in the stack and names the resources of every action that changes something.",
  enforcementLevel: "advisory",
  configSchema: roleSchema,
  validateStack: (args, report) => {
    const { allowedManagedPolicies, allowedWildcardActions } = settings<RoleSettings>(
      args,
      roleSchema,
    );
    for (const fn of promotingFunctions(args.resources)) {
      const subject = new Subject(fn.resource, report);
      const role = roleOf(fn, args.resources);
      if (!role) {
        const roleArn = known(() => fn.props.role);
        subject.fail(
          SCOPED_ROLE,
          `its role ${show(roleArn)} is not an aws.iam.Role of this stack, so its permissions cannot be checked`,
          "Create the role next to the function and pass role: role.arn.",
        );
        continue;
      }
      const { documents, managed } = permissionsOf(role, args.resources);
      for (const arn of managed) {
        if (arn === UNKNOWN) {
          subject.cannotVerify(SCOPED_ROLE, `a policyArn attached to ${role.resource.name}`);
        } else if (!allowedManagedPolicies.includes(arn)) {
          subject.fail(
            SCOPED_ROLE,
            `role ${role.resource.name} has the managed policy ${arn} attached`,
            "Replace it with an inline policy naming the resources.",
          );
        }
      }
      for (const document of documents) {
        checkScoped(subject, document, allowedWildcardActions);
      }
    }
  },
};

const budgetSchema = {
  properties: {
    rtoTargetSeconds: integer(
      "Recovery time objective the worst path must meet, seconds (as Pulumi.yaml's default).",
      900,
      1,
    ),
  },
};

export const drRecoveryBudget: StackValidationPolicy = {
  name: "dr-recovery-budget",
  description: `The worst path of the recovery timeline a promoter (the orchestrator) declares in ${RTO_BUDGET_VARIABLE} (detection, database promotion, app tier, endpoints, DNS) is within the RTO target.`,
  enforcementLevel: "advisory",
  configSchema: budgetSchema,
  validateStack: (args, report) => {
    const { rtoTargetSeconds } = settings<{ rtoTargetSeconds: number }>(args, budgetSchema);
    for (const fn of promotingFunctions(args.resources, [PROMOTION_ROLES.promoter])) {
      const subject = new Subject(fn.resource, report);
      const must = `must recover within the ${rtoTargetSeconds} s RTO target`;
      const where = `environment.variables.${RTO_BUDGET_VARIABLE}`;
      const budget = environmentVariable(fn, RTO_BUDGET_VARIABLE);
      if (budget === UNKNOWN) {
        subject.cannotVerify(must, where);
        continue;
      }
      const seconds = Number(budget);
      if (budget === undefined || !(seconds > 0)) {
        subject.fail(
          must,
          `${where} is ${show(budget)}`,
          `Set ${RTO_BUDGET_VARIABLE} to the worst path (rtoWorstSeconds) of the recovery timeline the program computes.`,
        );
        continue;
      }
      if (seconds > rtoTargetSeconds) {
        subject.fail(
          must,
          `${where} is ${seconds} s`,
          "Change the architecture (a warm standby, faster detection, a shorter TTL, a drill-measured figure in recoveryMeasurements) or agree a longer RTO in this policy's rtoTargetSeconds; never edit a cited figure.",
        );
      }
      // The promotion deadline is not compared with the budget: it bounds a stuck run (RDS says
      // a promotion takes "several minutes or longer"), it is not an estimate. A deadline cut to
      // the RTO would abort a slow but healthy promotion and turn a late recovery into none.
      // dr-orchestrator-deadline keeps it below the Lambda timeout.
    }
  },
};

export const orchestratorPolicies = [
  drOrchestratorSingleInstance,
  drOrchestratorDeadline,
  drOrchestratorRoleScoped,
  drRecoveryBudget,
];
