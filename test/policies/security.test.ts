import * as aws from "@pulumi/aws";
import { authorityTableWritersScoped } from "../../policies/rules/authorityTable";
import { securityGroupEgressRestricted } from "../../policies/rules/egress";
import { drOrchestratorNoOpenTrigger } from "../../policies/rules/triggers";
import {
  AUTHORITY_TABLE_ARN,
  authorityDenyOthers,
  authorityResourcePolicy,
  authorityTable,
  document,
} from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  check,
  checkStack,
  Declared,
  preview,
  U,
} from "./util";

const TABLE_ARN = AUTHORITY_TABLE_ARN;

describe("policies: security boundaries", () => {
  describe("security-group-egress-restricted", () => {
    const app = { vpcId: "vpc-1", egress: [] as object[] };
    const rule = (props: Record<string, unknown>) =>
      check(securityGroupEgressRestricted, aws.vpc.SecurityGroupEgressRule, {
        securityGroupId: "sg-app",
        ipProtocol: "tcp",
        ...props,
      });

    it("passes HTTPS to the internet and data-store ports to security groups", () => {
      assertNoViolations(rule({ fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }));
      assertNoViolations(
        rule({ fromPort: 3306, toPort: 3306, referencedSecurityGroupId: "sg-db" }),
      );
      assertNoViolations(rule({ fromPort: 443, toPort: 443, prefixListId: "pl-0123abcd" }));
      assertNoViolations(check(securityGroupEgressRestricted, aws.ec2.SecurityGroup, app));
      assertNoViolations(
        check(securityGroupEgressRestricted, aws.ec2.SecurityGroup, {
          ...app,
          egress: [{ protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlocks: ["10.20.0.0/16"] }],
        }),
      );
    });

    it("flags Redis to the internet", () => {
      assertViolation(rule({ fromPort: 6379, toPort: 6379, cidrIpv4: "0.0.0.0/0" }), [
        "must not open egress to the internet except TCP 443",
        'opens tcp 6379-6379 to ["0.0.0.0/0"]',
      ]);
    });

    it("flags every protocol to any range (the old app tier's outbound rule)", () => {
      assertViolation(
        check(securityGroupEgressRestricted, aws.ec2.SecurityGroup, {
          ...app,
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        }),
        ["egress[0] allows every protocol"],
      );
      assertViolation(rule({ ipProtocol: "-1", cidrIpv4: "203.0.113.0/24" }), [
        "allows every protocol",
      ]);
    });

    it("cannot vouch for a rule whose destination is unknown", () => {
      assertUnverifiable(
        check(
          securityGroupEgressRestricted,
          aws.vpc.SecurityGroupEgressRule,
          preview({
            securityGroupId: "sg-app",
            ipProtocol: "tcp",
            fromPort: 6379,
            toPort: 6379,
            cidrIpv4: U,
          }),
        ),
        "the rule",
      );
    });
  });

  describe("authority-table-writers-scoped", () => {
    const table = authorityTable;
    const denyOthers = authorityDenyOthers;
    const resourcePolicy = authorityResourcePolicy;
    const witnessWrites = {
      Sid: "WitnessVerdicts",
      Effect: "Allow",
      Action: ["dynamodb:PutItem"],
      Resource: [TABLE_ARN],
      Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["witness#us-west-2"] } },
    };
    const role = (statement: object): Declared => ({
      cls: aws.iam.RolePolicy,
      name: "witness-policy",
      props: { role: "witness", policy: document(statement) },
    });

    it("passes a table whose resource policy denies others and whose writers are keyed", () => {
      assertNoViolations(
        checkStack(authorityTableWritersScoped, [table, resourcePolicy(), role(witnessWrites)]),
      );
    });

    it("flags a table without a resource policy", () => {
      assertViolation(checkStack(authorityTableWritersScoped, [table, role(witnessWrites)]), [
        'dynamodb.Table "failover-authority" must deny item writes',
        "it has no resource policy",
      ]);
    });

    it("flags a resource policy that denies without naming principals", () => {
      const { Condition: _dropped, ...unconditional } = denyOthers;
      void _dropped;
      assertViolation(
        checkStack(authorityTableWritersScoped, [
          table,
          resourcePolicy({ ...unconditional, Action: ["dynamodb:PutItem"] }),
        ]),
        ["its resource policy has no such Deny"],
      );
    });

    it("flags a writer that may rewrite any item (the witness rewriting the authority item)", () => {
      const { Condition: _dropped, ...anyItem } = witnessWrites;
      void _dropped;
      assertViolation(
        checkStack(authorityTableWritersScoped, [table, resourcePolicy(), role(anyItem)]),
        ['iam.RolePolicy "witness-policy" must limit writes', '["dynamodb:PutItem"] on any item'],
      );
    });

    it("cannot vouch for a writer whose condition is unknown", () => {
      assertUnverifiable(
        checkStack(authorityTableWritersScoped, [
          table,
          resourcePolicy(),
          {
            ...role(witnessWrites),
            props: preview({
              role: "witness",
              policy: { Version: "2012-10-17", Statement: [{ ...witnessWrites, Condition: U }] },
            }),
          },
        ]),
        'policy statement 0 ("WitnessVerdicts") Condition',
      );
    });
  });

  describe("dr-orchestrator-no-open-trigger", () => {
    const orchestrator: Declared = {
      cls: aws.lambda.Function,
      name: "failover-orchestrator-fn",
      props: {
        tags: { "magento-dr:role": "promoter" },
        name: "orchestrator-1",
        arn: "arn:aws:lambda:eu-west-1:123456789012:function:orchestrator-1",
      },
      parent: "orchestrator",
    };
    const rule = (props: Record<string, unknown>): Declared => ({
      cls: aws.cloudwatch.EventRule,
      name: "requests",
      props: { name: "requests-1", ...props },
      parent: "orchestrator",
    });
    const target: Declared = {
      cls: aws.cloudwatch.EventTarget,
      name: "requests",
      props: {
        rule: "requests-1",
        arn: "arn:aws:lambda:eu-west-1:123456789012:function:orchestrator-1",
      },
      parent: "orchestrator",
    };
    const pattern = JSON.stringify({ source: ["magento-dr.operator"] });

    it("passes an orchestrator no rule targets, and one on a schedule", () => {
      assertNoViolations(checkStack(drOrchestratorNoOpenTrigger, [orchestrator]));
      assertNoViolations(
        checkStack(drOrchestratorNoOpenTrigger, [
          orchestrator,
          rule({ scheduleExpression: "rate(1 minute)" }),
          target,
        ]),
      );
    });

    it("flags a pattern rule on the default bus that targets it", () => {
      assertViolation(
        checkStack(drOrchestratorNoOpenTrigger, [
          orchestrator,
          rule({ eventPattern: pattern }),
          target,
        ]),
        [
          'lambda.Function "failover-orchestrator-fn" must not be triggered',
          'rule "requests" on the default bus',
        ],
      );
    });

    it("cannot vouch for a rule whose bus is unknown", () => {
      assertUnverifiable(
        checkStack(drOrchestratorNoOpenTrigger, [
          orchestrator,
          {
            ...rule({}),
            props: preview({ name: "requests-1", eventPattern: pattern, eventBusName: U }),
          },
          target,
        ]),
        'rule "requests" eventPattern or eventBusName',
      );
    });
  });
});
