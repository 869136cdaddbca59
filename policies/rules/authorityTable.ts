// LP, failover authority: the table whose "authority" item decides which region serves is written
// only by the roles that own its items. Contract with the program: the authority table is the
// DynamoDB table whose name ends in "-authority" (components/regionFailover.ts), its resource
// policy denies item writes to every principal but named roles (components/authorityAccess.ts),
// and every statement that lets a role write its items limits them with dynamodb:LeadingKeys.
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { actionMatches, describeStatement, parseDocument, Statement } from "../lib/iam";
import { ofType, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, show, snapshot, UNKNOWN } from "../lib/values";

const WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];
const AUTHORITY_NAME = /-authority$/;

function isAuthorityTable(table: PolicyResource): boolean {
  const name = known(() => table.props["name"]);
  return typeof name === "string" && AUTHORITY_NAME.test(name);
}

function writes(s: Statement): string[] {
  return WRITES.filter((w) => s.actions.some((a) => a !== UNKNOWN && actionMatches(a, w)));
}

/** The statement's condition as written (null when absent, UNKNOWN when not known yet). */
function conditionOf(document: unknown, index: number): unknown {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return null;
    }
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return snapshot(() => (list[index] as { Condition?: unknown }).Condition ?? null);
}

const POLICY_MUST = "must deny item writes to every principal but the failover and operator roles";
const KEYS_MUST = "must limit writes of the authority table to the role's own items";

export const authorityTableWritersScoped: StackValidationPolicy = {
  name: "authority-table-writers-scoped",
  description:
    "The failover authority table has a resource policy denying item writes to all but named roles, and every role writing it is limited to its items by dynamodb:LeadingKeys.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const tables = ofType(args.resources, aws.dynamodb.Table)
      .map((t) => t.resource)
      .filter(isAuthorityTable);
    const policies = ofType(args.resources, aws.dynamodb.ResourcePolicy);
    for (const table of tables) {
      const subject = new Subject(table, report);
      const mine = policies.filter((p) =>
        refersTo(
          known(() => p.props.resourceArn),
          p.resource,
          table,
          tables,
        ),
      );
      const denies = mine.some(({ props }) => {
        const parsed = parseDocument(() => props.policy);
        if (parsed.kind !== "statements") return parsed.kind === "unknown";
        return parsed.statements.some(
          (s, i) =>
            !s.allow &&
            s.principals.includes("*") &&
            WRITES.every((w) => s.actions.some((a) => a !== UNKNOWN && actionMatches(a, w))) &&
            JSON.stringify(conditionOf(props.policy, i) ?? {}).includes("aws:PrincipalArn"),
        );
      });
      if (!denies) {
        subject.fail(
          POLICY_MUST,
          mine.length === 0 ? "it has no resource policy" : "its resource policy has no such Deny",
          "Add an aws.dynamodb.ResourcePolicy denying PutItem, UpdateItem, DeleteItem and BatchWriteItem to Principal * unless aws:PrincipalArn is one of the writer roles (authorityTablePolicy).",
        );
      }
    }
    if (tables.length === 0) return;
    for (const { resource, props } of ofType(args.resources, aws.iam.RolePolicy)) {
      const parsed = parseDocument(() => props.policy);
      if (parsed.kind !== "statements") continue;
      for (const s of parsed.statements) {
        const written = writes(s);
        if (!s.allow || written.length === 0) continue;
        const onTable = s.resources.some(
          (r) =>
            r === UNKNOWN ||
            r === "*" ||
            (typeof r === "string" && /table\/[^/]*-authority$/.test(r)),
        );
        if (!onTable) continue;
        const condition = conditionOf(props.policy, s.index);
        const subject = new Subject(resource, report);
        if (condition === UNKNOWN) {
          subject.cannotVerify(KEYS_MUST, `policy ${describeStatement(s)} Condition`);
        } else if (!JSON.stringify(condition ?? {}).includes("dynamodb:LeadingKeys")) {
          subject.fail(
            KEYS_MUST,
            `policy ${describeStatement(s)} allows ${show(written)} on any item`,
            'Add Condition {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [<its own keys>]}} (onItems in components/authorityAccess.ts).',
          );
        }
      }
    }
  },
};

export const authorityTablePolicies = [authorityTableWritersScoped];
