// LP, sessions: the application instances may touch Magento's sessions in DynamoDB, and only them.
// Contract with the program: the instance role's session permissions are the statement whose Sid
// is `MagentoSessions`, and the stack publishes the sessions table's name in an SSM parameter
// ending in `/sessions/table` (what the instances render env.php from).
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settings, stringList } from "../lib/config";
import { describeStatement, parseDocument, Statement } from "../lib/iam";
import { ofType } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, Maybe, show, UNKNOWN } from "../lib/values";

export const SESSIONS_STATEMENT_SID = "MagentoSessions";
const TABLE_PARAMETER = /\/sessions\/table$/;

/** What the AWS SDK for PHP's session handler calls without locking (GetItem, UpdateItem, DeleteItem). */
export const SESSION_HANDLER_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
];

const schema = {
  properties: {
    allowedActions: stringList(
      "Item actions the session permissions may allow (the session handler's operations).",
      SESSION_HANDLER_ACTIONS,
    ),
  },
};

const MUST = "must allow the session handler's item actions on the sessions table only";

/** The sessions table's name from the stack's `.../sessions/table` parameter(s). */
function sessionsTableNames(resources: PolicyResource[]): Maybe<string>[] {
  return ofType(resources, aws.ssm.Parameter)
    .filter(({ props }) => {
      const name = known(() => props.name);
      return typeof name === "string" && TABLE_PARAMETER.test(name);
    })
    .map(({ props }) => {
      const value = known(() => props.value);
      return value === UNKNOWN ? UNKNOWN : String(value);
    });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A table ARN (any region: each replica has its own) naming exactly `table`. */
function namesTable(resource: string, table: string): boolean {
  return new RegExp(
    `^arn:aws[\\w-]*:dynamodb:[a-z0-9-]+:\\d{12}:table/${escapeRegExp(table)}$`,
  ).test(resource);
}

function checkStatement(
  subject: Subject,
  s: Statement,
  tables: Maybe<string>[],
  allowed: string[],
): void {
  const statement = `policy ${describeStatement(s)}`;
  const lower = allowed.map((a) => a.toLowerCase());
  if (s.actions.includes(UNKNOWN)) subject.cannotVerify(MUST, `${statement} Action`);
  const extra = s.notAction
    ? ["NotAction"]
    : s.actions.filter((a): a is string => a !== UNKNOWN && !lower.includes(a.toLowerCase()));
  if (extra.length > 0) {
    subject.fail(
      MUST,
      `${statement} also allows ${extra.join(", ")}`,
      `Allow only ${allowed.join(", ")}; the table's TTL expires sessions, so no Scan or batch delete is needed.`,
    );
  }
  if (tables.includes(UNKNOWN)) return subject.cannotVerify(MUST, "the sessions/table parameter");
  if (tables.length !== 1) {
    return subject.fail(
      MUST,
      `the stack publishes ${tables.length} sessions/table parameters`,
      "Publish the sessions table's name in exactly one <path>/sessions/table parameter.",
    );
  }
  const table = tables[0] as string;
  if (s.resources.includes(UNKNOWN)) subject.cannotVerify(MUST, `${statement} Resource`);
  const others = s.notResource
    ? ["NotResource"]
    : s.resources.filter((r): r is string => r !== UNKNOWN && !namesTable(r, table));
  if (others.length > 0 || (!s.notResource && s.resources.length === 0)) {
    subject.fail(
      MUST,
      `${statement} names ${others.length > 0 ? show(others) : "no resource"} instead of the table ${show(table)}`,
      `Set Resource to the ARN of ${table} in the stack's region (arn:aws:dynamodb:<region>:<account>:table/${table}).`,
    );
  }
}

export const sessionsRoleNamesTable: StackValidationPolicy = {
  name: "sessions-role-names-table",
  description: `The instance role's session permissions (statement "${SESSIONS_STATEMENT_SID}") allow only the session handler's item actions, on the sessions table the stack's sessions/table parameter names.`,
  enforcementLevel: "advisory",
  configSchema: schema,
  validateStack: (args, report) => {
    const { allowedActions } = settings<{ allowedActions: string[] }>(args, schema);
    const tables = sessionsTableNames(args.resources);
    const documents = [
      ...ofType(args.resources, aws.iam.RolePolicy),
      ...ofType(args.resources, aws.iam.Policy),
    ];
    for (const { resource, props } of documents) {
      const subject = new Subject(resource, report);
      const parsed = parseDocument(() => props.policy);
      if (parsed.kind === "unknown") {
        subject.cannotVerify(MUST, "policy");
        continue;
      }
      if (parsed.kind === "invalid") continue; // iam-no-wildcard-actions reports it
      for (const s of parsed.statements) {
        if (s.allow && s.sid === SESSIONS_STATEMENT_SID) {
          checkStatement(subject, s, tables, allowedActions);
        }
      }
    }
  },
};

export const sessionsPolicies = [sessionsRoleNamesTable];
