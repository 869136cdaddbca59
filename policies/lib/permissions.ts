// What a Lambda may do: its execution role in the stack, and that role's permission documents
// (inline, RolePolicy, attached customer policies) and AWS-managed policies. Shared by the rules
// that judge promoting functions (orchestrator.ts, promotionRoles.ts).
import * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { ofType, refersTo, Typed } from "./stack";
import { known, knownList, Maybe, UNKNOWN } from "./values";

export interface PermissionDocument {
  where: string;
  read: () => unknown;
}

export type Role = Typed<Unwrap<aws.iam.RoleArgs>>;
type LambdaFunction = Typed<Unwrap<aws.lambda.FunctionArgs>>;

/** The stack's aws.iam.Role the function runs with, if it is one of this stack's. */
export function roleOf(fn: LambdaFunction, resources: PolicyResource[]): Role | undefined {
  const roles = ofType(resources, aws.iam.Role);
  const candidates = roles.map((r) => r.resource);
  const roleArn = known(() => fn.props.role);
  return roles.find((r) => refersTo(roleArn, fn.resource, r.resource, candidates));
}

/** What a role may do: its permission documents, and the AWS-managed policies attached to it. */
export function permissionsOf(role: Role, resources: PolicyResource[]) {
  const roles = ofType(resources, aws.iam.Role).map((r) => r.resource);
  const isOnRole = (r: PolicyResource, read: () => unknown) =>
    refersTo(known(read), r, role.resource, roles);
  const documents: PermissionDocument[] = [];
  const managed: Maybe<string>[] = [];

  const inline = knownList(() => role.props.inlinePolicies);
  if (inline === UNKNOWN) {
    documents.push({ where: `${role.resource.name} inlinePolicies`, read: () => UNKNOWN });
  }
  (inline === UNKNOWN ? [] : (inline ?? [])).forEach((entry, i) =>
    documents.push({
      where: `${role.resource.name} inlinePolicies[${i}]`,
      read: () => (entry === UNKNOWN ? entry : entry.policy),
    }),
  );
  for (const p of ofType(resources, aws.iam.RolePolicy)) {
    if (!isOnRole(p.resource, () => p.props.role)) continue;
    documents.push({ where: `iam.RolePolicy "${p.resource.name}"`, read: () => p.props.policy });
  }
  const policies = ofType(resources, aws.iam.Policy).map((p) => p.resource);
  for (const a of ofType(resources, aws.iam.RolePolicyAttachment)) {
    if (!isOnRole(a.resource, () => a.props.role)) continue;
    const arn = known(() => a.props.policyArn);
    const policy = policies.find((p) => refersTo(arn, a.resource, p, policies));
    if (policy) {
      documents.push({ where: `iam.Policy "${policy.name}"`, read: () => policy.props["policy"] });
    } else {
      managed.push(arn);
    }
  }
  const arns = knownList(() => role.props.managedPolicyArns);
  const listed: Maybe<string>[] = arns === UNKNOWN ? [UNKNOWN] : (arns ?? []);
  managed.push(...listed);
  return { documents, managed };
}
