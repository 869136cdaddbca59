// authority-table-writers-scoped, both sides of each of its checks: what makes a Deny count
// (principal *, every item write, a condition on aws:PrincipalArn), whose resource policy it is,
// which tables are the authority, and which role statements write it.
import * as aws from "@pulumi/aws";
import { authorityTableWritersScoped } from "../../policies/rules/authorityTable";
import {
  AUTHORITY_ITEM_WRITES,
  AUTHORITY_TABLE_ARN,
  authorityDenyOthers,
  authorityResourcePolicy,
  authorityTable,
  document,
} from "./fixtures";
import { assertNoViolations, assertViolation, checkStack, Declared, preview, U } from "./util";

const TABLE_ARN = AUTHORITY_TABLE_ARN;
const ITEM_WRITES = AUTHORITY_ITEM_WRITES;
const table = authorityTable;
const denyOthers = authorityDenyOthers;
const resourcePolicy = authorityResourcePolicy;
const role = (statement: object): Declared => ({
  cls: aws.iam.RolePolicy,
  name: "writer-policy",
  props: { role: "writer", policy: document(statement) },
});
const NO_SUCH_DENY = ["must deny item writes", "its resource policy has no such Deny"];

describe("policies: authority-table-writers-scoped, both sides", () => {
  it("a Deny counts only with Principal *, every item write and a condition on aws:PrincipalArn", () => {
    assertNoViolations(
      checkStack(authorityTableWritersScoped, [table, resourcePolicy(denyOthers)]),
    );
    // dynamodb:* covers every item write.
    assertNoViolations(
      checkStack(authorityTableWritersScoped, [
        table,
        resourcePolicy({ ...denyOthers, Action: ["dynamodb:*"] }),
      ]),
    );
    for (const statement of [
      { ...denyOthers, Effect: "Allow" },
      { ...denyOthers, Principal: { AWS: "arn:aws:iam::123456789012:root" } },
      { ...denyOthers, Action: ITEM_WRITES.slice(0, 3) },
      { ...denyOthers, Action: ["dynamodb:GetItem", "dynamodb:Query"] },
      { ...denyOthers, Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
    ]) {
      assertViolation(
        checkStack(authorityTableWritersScoped, [table, resourcePolicy(statement)]),
        NO_SUCH_DENY,
      );
    }
  });

  it("another table's resource policy is not the authority table's", () => {
    const sessions: Declared = {
      cls: aws.dynamodb.Table,
      name: "sessions",
      props: { name: "magento-dr-sessions", hashKey: "id" },
      parent: "sessions",
    };
    const theirs: Declared = {
      ...resourcePolicy(denyOthers, "sessions"),
      props: {
        resourceArn: "arn:aws:dynamodb:us-west-2:123456789012:table/magento-dr-sessions",
        policy: document(denyOthers),
      },
    };
    assertViolation(checkStack(authorityTableWritersScoped, [table, sessions, theirs]), [
      "must deny item writes",
      "it has no resource policy",
    ]);
  });

  it("only a table named *-authority is the authority: others need no Deny, and their writers no keys", () => {
    const sessions: Declared = {
      cls: aws.dynamodb.Table,
      name: "sessions",
      props: { name: "magento-dr-sessions", hashKey: "id" },
    };
    const anyWrite = { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: "*" };
    assertNoViolations(checkStack(authorityTableWritersScoped, [sessions, role(anyWrite)]));
    assertNoViolations(
      checkStack(authorityTableWritersScoped, [
        { ...sessions, props: preview({ name: U, hashKey: "id" }) },
      ]),
    );
  });

  describe("role statements that write the authority table need dynamodb:LeadingKeys", () => {
    const stack = (statement: object) =>
      checkStack(authorityTableWritersScoped, [table, resourcePolicy(denyOthers), role(statement)]);
    const anyItem = ['iam.RolePolicy "writer-policy" must limit writes', "on any item"];

    it("on the table, on every resource, or on a resource not known yet", () => {
      for (const resource of [TABLE_ARN, "*"]) {
        const statement = {
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem"],
          Resource: [resource],
        };
        assertViolation(stack(statement), anyItem);
      }
      // A preview: the resource is an output not known yet, so it may be the table.
      const unknownResource = { Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: [U] };
      assertViolation(
        checkStack(authorityTableWritersScoped, [
          table,
          resourcePolicy(denyOthers),
          {
            ...role(unknownResource),
            props: preview({
              role: "writer",
              policy: { Version: "2012-10-17", Statement: [unknownResource] },
            }),
          },
        ]),
        anyItem,
      );
      assertViolation(stack({ Effect: "Allow", Action: ITEM_WRITES, Resource: TABLE_ARN }), [
        '["dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:DeleteItem","dynamodb:BatchWriteItem"] on any item',
      ]);
    });

    it("not for reads, denials, other tables or the table's stream", () => {
      for (const statement of [
        { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: TABLE_ARN },
        { Effect: "Deny", Action: ["dynamodb:PutItem"], Resource: TABLE_ARN },
        {
          Effect: "Allow",
          Action: ["dynamodb:PutItem"],
          Resource: "arn:aws:dynamodb:us-west-2:123456789012:table/magento-dr-sessions",
        },
        {
          Effect: "Allow",
          Action: ["dynamodb:PutItem"],
          Resource: `${TABLE_ARN}/stream/2026-01-01T00:00:00.000`,
        },
      ]) {
        assertNoViolations(stack(statement));
      }
    });
  });
});
