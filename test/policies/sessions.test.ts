import * as aws from "@pulumi/aws";
import { sessionsRoleNamesTable } from "../../policies/rules/sessions";
import { document } from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  checkStack,
  Declared,
  preview,
  U,
} from "./util";

const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/magento-dr-state";
const ROLE_POLICY = 'iam.RolePolicy "app-instance"';

const sessionStatement = {
  Sid: "MagentoSessions",
  Effect: "Allow",
  Action: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  Resource: [TABLE_ARN],
  Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["session#*"] } },
};

function stack(
  statement: object = sessionStatement,
  tableParameter: Record<string, unknown> = {
    name: "/magento-dr/prod-euw1/sessions/table",
    value: "magento-dr-state",
  },
): Declared[] {
  return [
    { cls: aws.ssm.Parameter, name: "endpoints-sessions-table", props: tableParameter },
    {
      cls: aws.iam.RolePolicy,
      name: "app-instance",
      props: {
        role: "app-instance",
        policy: document(
          {
            Sid: "ReadFailoverAuthority",
            Effect: "Allow",
            Action: ["dynamodb:GetItem"],
            Resource: ["arn:aws:dynamodb:eu-west-1:123456789012:table/magento-dr-authority"],
          },
          statement,
        ),
      },
    },
  ];
}

describe("policies: sessions", () => {
  describe("sessions-role-names-table", () => {
    it("passes the handler's item actions on the sessions table, in the stack's region", () => {
      assertNoViolations(checkStack(sessionsRoleNamesTable, stack()));
    });

    it("ignores a role without session permissions (sessionStore redis)", () => {
      const redis = stack({ Sid: "Other", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
      assertNoViolations(checkStack(sessionsRoleNamesTable, redis));
    });

    it("flags a wildcard resource", () => {
      assertViolation(
        checkStack(sessionsRoleNamesTable, stack({ ...sessionStatement, Resource: "*" })),
        [
          `${ROLE_POLICY} must allow the session handler's item actions on the sessions table only`,
          `names ["*"] instead of the table "magento-dr-state"`,
          "arn:aws:dynamodb:<region>:<account>:table/magento-dr-state",
        ],
        "urn:pulumi:test::magento-dr::aws:iam/rolePolicy:RolePolicy::app-instance",
      );
    });

    it("flags another table, and a pattern of tables", () => {
      for (const other of [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/magento-dr-authority",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/magento-dr-*",
        `${TABLE_ARN}/index/byUser`,
      ]) {
        assertViolation(
          checkStack(sessionsRoleNamesTable, stack({ ...sessionStatement, Resource: [other] })),
          [`names ${JSON.stringify([other])} instead of the table "magento-dr-state"`],
        );
      }
    });

    it("flags a statement that grants more than the handler's item actions", () => {
      const scan = {
        ...sessionStatement,
        Action: [...sessionStatement.Action, "dynamodb:Scan", "dynamodb:BatchWriteItem"],
      };
      assertViolation(checkStack(sessionsRoleNamesTable, stack(scan)), [
        "also allows dynamodb:Scan, dynamodb:BatchWriteItem",
        "the table's TTL expires sessions",
      ]);
    });

    it("flags session permissions in a stack that names no sessions table", () => {
      const noParameter = stack().filter((r) => r.cls !== aws.ssm.Parameter);
      assertViolation(checkStack(sessionsRoleNamesTable, noParameter), [
        "the stack publishes 0 sessions/table parameters",
      ]);
    });

    it("cannot verify a table name, a resource or a document unknown during preview", () => {
      assertUnverifiable(
        checkStack(
          sessionsRoleNamesTable,
          stack(
            sessionStatement,
            preview({ name: "/magento-dr/prod-euw1/sessions/table", value: U }),
          ),
        ),
        "the sessions/table parameter",
      );
      const unknownResource = mutateStatement({ ...sessionStatement, Resource: [U] });
      assertUnverifiable(
        checkStack(sessionsRoleNamesTable, unknownResource),
        'policy statement 0 ("MagentoSessions") Resource',
      );
      const unknownDocument = stack().map((r) =>
        r.cls === aws.iam.RolePolicy
          ? { ...r, props: preview({ role: "app-instance", policy: U }) }
          : r,
      );
      assertUnverifiable(checkStack(sessionsRoleNamesTable, unknownDocument), "policy");
    });
  });
});

/** The stack with the session statement's document as an object, so one entry can be unknown. */
function mutateStatement(statement: object): Declared[] {
  return stack().map((r) =>
    r.cls === aws.iam.RolePolicy
      ? {
          ...r,
          props: preview({
            role: "app-instance",
            policy: { Version: "2012-10-17", Statement: [statement] },
          }),
        }
      : r,
  );
}
