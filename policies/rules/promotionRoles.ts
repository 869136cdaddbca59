// DR, automation: the promotion rules (orchestrator.ts, triggers.ts) judge the functions tagged
// with PROMOTION_ROLE_TAG (functions/contract.ts). This rule closes the way around them: a Lambda
// whose role may carry out a promotion must be tagged `promoter`, one whose role may invoke a
// promoter must be tagged (`trigger` at least), and the tag may only hold a value the contract
// defines. A renamed or new promoting function is then judged, or flagged, never skipped.
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PROMOTION_ROLE_TAG, PROMOTION_ROLES } from "../../functions/contract";
import { actionMatches, describeStatement, isWildcardResource, parseDocument } from "../lib/iam";
import { permissionsOf, roleOf } from "../lib/permissions";
import { identifies, ofType, promotingFunctions, promotionRoleOf } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, show, UNKNOWN } from "../lib/values";

/**
 * Actions that carry out a promotion of a data tier: the orchestrator's (database, Global
 * Datastore, media replication) and their Aurora and switchover counterparts, so a function
 * written for another engine is caught too. The names are IAM's for the API operations of the
 * same names (RDS API Reference: PromoteReadReplica, PromoteReadReplicaDBCluster,
 * FailoverGlobalCluster, SwitchoverGlobalCluster, SwitchoverReadReplica; ARC's "Amazon RDS
 * Switchover Read Replica execution block sample policy" grants rds:SwitchoverReadReplica and
 * rds:PromoteReadReplica by those names). A name missing here lets a promoter escape only this
 * rule, not the iam-* rules that still judge its role.
 */
export const PROMOTION_ACTIONS: readonly string[] = [
  "rds:PromoteReadReplica",
  "rds:PromoteReadReplicaDBCluster",
  "rds:FailoverGlobalCluster",
  "rds:SwitchoverGlobalCluster",
  "rds:SwitchoverReadReplica",
  "elasticache:FailoverGlobalReplicationGroup",
  "elasticache:DisassociateGlobalReplicationGroup",
  "elasticfilesystem:DeleteReplicationConfiguration",
];

const INVOKE = "lambda:InvokeFunction";
const KNOWN_ROLES: readonly string[] = Object.values(PROMOTION_ROLES);
const MUST = `must declare its promotion role in the ${PROMOTION_ROLE_TAG} tag`;

const ANY_FUNCTION = "any function";

/**
 * The promoter an IAM Resource may name, if any: by its ARN or name (or Pulumi's auto-name), or
 * by a pattern whose function part could match it. `*`, a service-wide ARN and a lambda ARN whose
 * function part is `*` name every function, this stack's or another's: ANY_FUNCTION.
 */
function namedPromoter(resource: string, promoters: PolicyResource[]): string | undefined {
  const exact = promoters.find((p) => identifies(resource, p));
  if (exact) return exact.name;
  if (!/[*?]/.test(resource)) return undefined;
  if (isWildcardResource(resource)) return ANY_FUNCTION;
  const parts = resource.split(":");
  if (parts.length < 7 || !actionMatches(parts[2], "lambda")) return undefined;
  if (parts[6] === "*") return ANY_FUNCTION;
  const matches = (p: PolicyResource) => {
    const name = known(() => p.props["name"]);
    return actionMatches(parts[6], typeof name === "string" ? name : `${p.name}-0000000`);
  };
  return promoters.find(matches)?.name;
}

interface Grant {
  /** A promotion action the role allows (`rds:PromoteReadReplica`), or undefined. */
  promotes?: string;
  /** The promoter it may invoke (its resource name, or ANY_FUNCTION), or undefined. */
  invokes?: string;
  /** Where an action could not be read during preview. */
  unknownAction?: string;
  /** Where the resource of an invoke could not be read during preview. */
  unknownResource?: string;
}

/** What one of a role's documents lets it do towards a promotion. */
function grantOf(where: string, read: () => unknown, promoters: PolicyResource[]): Grant {
  const parsed = parseDocument(read);
  if (parsed.kind === "unknown") return { unknownAction: where };
  // An unreadable document grants nothing AWS would accept; iam rules report it.
  if (parsed.kind === "invalid") return {};
  const grant: Grant = {};
  for (const s of parsed.statements.filter((st) => st.allow)) {
    const at = `${where} ${describeStatement(s)}`;
    for (const action of s.actions) {
      if (action === UNKNOWN) {
        grant.unknownAction ??= `${at} Action`;
        continue;
      }
      // NotAction allows everything it does not list: taken as every action.
      const allows = (wanted: string) => s.notAction || actionMatches(action, wanted);
      grant.promotes ??= PROMOTION_ACTIONS.find(allows);
      if (!allows(INVOKE)) continue;
      if (s.notResource) {
        grant.invokes ??= ANY_FUNCTION;
        continue;
      }
      for (const resource of s.resources) {
        if (resource === UNKNOWN) grant.unknownResource ??= `${at} Resource`;
        else grant.invokes ??= namedPromoter(resource, promoters);
      }
    }
  }
  return grant;
}

export const drPromotionRoleDeclared: StackValidationPolicy = {
  name: "dr-promotion-role-declared",
  description: `Every Lambda whose role may carry out a promotion (rds:PromoteReadReplica, a Global Datastore failover, deleting the EFS replication...) is tagged ${PROMOTION_ROLE_TAG}=${PROMOTION_ROLES.promoter}, every one that may invoke a promoter is tagged ${PROMOTION_ROLES.trigger} or ${PROMOTION_ROLES.promoter}, and no other tag value is used, so the promotion rules find every promoting function whatever its name.`,
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const promoters = promotingFunctions(args.resources, [PROMOTION_ROLES.promoter]).map(
      (p) => p.resource,
    );
    for (const fn of ofType(args.resources, aws.lambda.Function)) {
      const subject = new Subject(fn.resource, report);
      const role = promotionRoleOf(fn.resource);
      const where = `tags["${PROMOTION_ROLE_TAG}"]`;
      if (role === UNKNOWN) {
        subject.cannotVerify(MUST, where);
        continue;
      }
      if (role !== undefined && !KNOWN_ROLES.includes(role)) {
        subject.fail(
          MUST,
          `${where} is ${show(role)}`,
          `Use one of ${KNOWN_ROLES.join(", ")} (functions/contract.ts PROMOTION_ROLES), or no tag if it neither promotes nor invokes a promoter.`,
        );
        continue;
      }
      if (role === PROMOTION_ROLES.promoter) continue;
      const executionRole = roleOf(fn, args.resources);
      if (!executionRole) {
        subject.fail(
          MUST,
          `its role ${show(known(() => fn.props.role))} is not an aws.iam.Role of this stack, so whether it may promote cannot be checked`,
          "Create the role next to the function and pass role: role.arn.",
        );
        continue;
      }
      const others = promoters.filter((p) => p !== fn.resource);
      const grants = permissionsOf(executionRole, args.resources).documents.map((d) =>
        grantOf(d.where, d.read, others),
      );
      const first = (key: keyof Grant) => grants.find((g) => g[key])?.[key];
      const promotes = first("promotes");
      if (promotes) {
        subject.fail(
          MUST,
          `its role allows ${promotes}, which carries out a promotion, and ${where} is ${show(role)}`,
          `Tag it ${PROMOTION_ROLE_TAG}=${PROMOTION_ROLES.promoter} (FailoverFunction's promotionRole) so the promotion rules judge it, or drop the action.`,
        );
        continue;
      }
      const unknownAction = first("unknownAction");
      if (unknownAction) {
        subject.cannotVerify(MUST, unknownAction);
        continue;
      }
      if (role === PROMOTION_ROLES.trigger) continue;
      const invokes = first("invokes");
      const unknownResource = first("unknownResource");
      if (invokes) {
        subject.fail(
          MUST,
          `its role allows ${INVOKE} on ${invokes === ANY_FUNCTION ? invokes : `"${invokes}"`}, which may start a promotion, and it has no ${where}`,
          `Tag it ${PROMOTION_ROLE_TAG}=${PROMOTION_ROLES.trigger} (FailoverFunction's promotionRole) so the promotion rules judge it, or name only the functions it needs.`,
        );
      } else if (unknownResource) {
        subject.cannotVerify(MUST, unknownResource);
      }
    }
  },
};

export const promotionRolePolicies = [drPromotionRoleDeclared];
