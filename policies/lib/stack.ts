// Helpers for stack-level rules: typed views of the stack's resources, and how one resource's
// property is matched to another resource of the same stack.
import * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { Resource, Unwrap } from "@pulumi/pulumi";
import { known, Maybe, UNKNOWN } from "./values";
import { PROMOTION_ROLE_TAG, PROMOTION_ROLES, type PromotionRole } from "../../functions/contract";

// The constructor shape of validateResourceOfType, from which TArgs is inferred.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ResourceClass<TArgs> = { new (name: string, args: TArgs, ...rest: any[]): Resource };

export interface Typed<TProps> {
  resource: PolicyResource;
  props: TProps;
}

/** The stack's resources of one class, with their inputs typed as the class's args. */
export function ofType<TArgs>(
  resources: PolicyResource[],
  resourceClass: ResourceClass<TArgs>,
): Typed<Unwrap<NonNullable<TArgs>>>[] {
  return resources
    .filter((r) => r.isType(resourceClass))
    .map((r) => ({ resource: r, props: r.props as Unwrap<NonNullable<TArgs>> }));
}

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/**
 * A standby stack is one that reads another stack's outputs: in this platform only the home stack
 * reads nothing from the others (ARCHITECTURE.md, "Global traffic").
 */
export function isStandbyStack(resources: PolicyResource[]): boolean {
  return resources.some((r) => r.type === STACK_REFERENCE_TYPE);
}

/** A Lambda's PROMOTION_ROLE_TAG value: a string, UNKNOWN during preview, or undefined. */
export function promotionRoleOf(fn: PolicyResource): Maybe<string | undefined> {
  const value = known(
    () => (fn.props["tags"] as Record<string, unknown> | undefined)?.[PROMOTION_ROLE_TAG],
  );
  return value === UNKNOWN || value === undefined ? value : String(value);
}

/**
 * The Lambdas that start or carry out a regional promotion in one of `roles`, found by the tag
 * the components set (functions/contract.ts), never by name. A tag value unknown during preview
 * counts as every role: the stricter rules then apply rather than none.
 */
export function promotingFunctions(
  resources: PolicyResource[],
  roles: readonly PromotionRole[] = Object.values(PROMOTION_ROLES),
): Typed<Unwrap<aws.lambda.FunctionArgs>>[] {
  return ofType(resources, aws.lambda.Function).filter(({ resource }) => {
    const role = promotionRoleOf(resource);
    return role === UNKNOWN || (roles as readonly (string | undefined)[]).includes(role);
  });
}

const IDENTIFYING_PROPERTIES = [
  "id",
  "arn",
  "name",
  "identifier",
  "replicationGroupId",
  "globalReplicationGroupId",
  "domainName",
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The string values by which other resources may name `target`, as far as they are known. */
function identifiersOf(target: PolicyResource): string[] {
  const ids: string[] = [];
  for (const key of IDENTIFYING_PROPERTIES) {
    const value = known(() => target.props[key]);
    if (typeof value === "string" && value !== "") ids.push(value);
  }
  return ids;
}

/**
 * Whether `value` names `target`: one of its known identifiers, the whole or the last part of an
 * ARN, or, for a resource whose physical name is not known yet, Pulumi's auto-name
 * `<logical name>-<7 hex digits>`. A Global Datastore is also named by its suffix, after the
 * prefix ElastiCache adds.
 */
export function identifies(value: string, target: PolicyResource): boolean {
  const ids = identifiersOf(target);
  const segments = value.split(/[:/]/);
  if (ids.includes(value) || ids.includes(segments[segments.length - 1])) return true;
  const autoName = new RegExp(`^${escapeRegExp(target.name)}-[0-9a-f]{7}$`);
  if (segments.some((s) => autoName.test(s))) return true;
  const suffix = known(() => target.props["globalReplicationGroupIdSuffix"]);
  return typeof suffix === "string" && new RegExp(`^[a-z]+-${escapeRegExp(suffix)}$`).test(value);
}

export function parentOf(resource: PolicyResource): string | undefined {
  return resource.parent?.urn ?? resource.opts.parent;
}

export function siblings(a: PolicyResource, b: PolicyResource): boolean {
  const parent = parentOf(a);
  return parent !== undefined && parent === parentOf(b);
}

/**
 * Whether `referrer`'s property `value` refers to `target`, one of `candidates` (the stack's
 * resources of target's type). A known value decides by identifiers. When it cannot (the value is
 * unknown during preview, or the offline plan recorded only inputs, so the target's id is not
 * there to compare), the resource declared under the same parent component is taken, which is how
 * the components of this program build a resource and its attachments.
 */
export function refersTo(
  value: Maybe<unknown>,
  referrer: PolicyResource,
  target: PolicyResource,
  candidates: PolicyResource[],
): boolean {
  if (typeof value === "string") {
    if (identifies(value, target)) return true;
    if (candidates.some((c) => c !== target && identifies(value, c))) return false;
    // The target's id is known (the engine passes outputs to stack rules) and is not `value`: the
    // referrer names something outside the stack.
    const targetId = known(() => target.props["id"]);
    if (typeof targetId === "string" && targetId !== "") return false;
  } else if (value !== UNKNOWN) {
    return false;
  }
  return siblings(referrer, target);
}
