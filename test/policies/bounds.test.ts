// Both sides of the bounds the policies enforce, as literal values: the last value a rule accepts
// and the first it flags, on each side. A rule that checks only one side (a threshold of 0, a
// negative concurrency, NotResource read as a named resource) fails here.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
  isMutatingAction,
  isWildcardAction,
  isWildcardResource,
  parseDocument,
} from "../../policies/lib/iam";
import { UNKNOWN } from "../../policies/lib/values";
import { route53HealthCheckComposition } from "../../policies/rules/dnsFailover";
import {
  iamNoWildcardActions,
  iamNoBroadManagedPolicies,
  iamNoWildcardResourceForMutations,
  iamTrustPolicyNoWildcardPrincipal,
  launchTemplateImdsV2,
  opensearchAccessPolicyNoPublicPrincipal,
} from "../../policies/rules/leastPrivilege";
import {
  drOrchestratorDeadline,
  drOrchestratorSingleInstance,
  drRecoveryBudget,
} from "../../policies/rules/orchestrator";
import { drStatefulResourcesProtected } from "../../policies/rules/failoverSafety";
import {
  document,
  launchTemplate,
  mutate,
  orchestratorFunction,
  searchDomain,
  standbyStack,
} from "./fixtures";
import { assertNoViolations, assertViolation, check, checkStack, Declared } from "./util";

function withOrchestrator(change: Record<string, unknown>): Declared[] {
  return mutate(standbyStack(), "standby-orchestrator", (r) => ({
    ...r,
    props: { ...orchestratorFunction, ...change },
  }));
}

describe("policies: both sides of each bound", () => {
  describe("route53-health-check-composition: 1 <= childHealthThreshold <= children", () => {
    const calculated = (childHealthThreshold: unknown, childHealthchecks = ["hc-alb", "hc-gate"]) =>
      check(route53HealthCheckComposition, aws.route53.HealthCheck, {
        type: "CALCULATED",
        childHealthchecks,
        childHealthThreshold,
      });

    it("accepts 1 and 2 of two children", () => {
      assertNoViolations(calculated(1));
      assertNoViolations(calculated(2));
    });

    it("flags 0 (always healthy: the primary never fails over), -1 and 3 of two children", () => {
      for (const threshold of [0, -1, 3]) {
        assertViolation(calculated(threshold), [
          "must require between 1 and its 2 child checks to be healthy",
          `childHealthThreshold is ${threshold}`,
        ]);
      }
    });

    it("flags an unset threshold, and any threshold without children", () => {
      assertViolation(calculated(undefined), ["childHealthThreshold is not set"]);
      assertViolation(calculated(0, []), ["between 1 and its 0 child checks"]);
      assertViolation(calculated(1, []), ["between 1 and its 0 child checks"]);
    });
  });

  describe("dr-orchestrator-single-instance: reserved concurrency exactly 1", () => {
    it("accepts 1", () => {
      assertNoViolations(
        checkStack(
          drOrchestratorSingleInstance,
          withOrchestrator({ reservedConcurrentExecutions: 1 }),
        ),
      );
    });

    it("flags 0 (the function never runs), -1 (unreserved), 2 (two promotions race)", () => {
      for (const value of [0, -1, 2]) {
        assertViolation(
          checkStack(
            drOrchestratorSingleInstance,
            withOrchestrator({ reservedConcurrentExecutions: value }),
          ),
          [
            'lambda.Function "standby-orchestrator" must run at most one instance at a time',
            `reservedConcurrentExecutions is ${value}`,
          ],
        );
      }
    });
  });

  describe("dr-orchestrator-deadline: 0 < DEADLINE_MS < timeout", () => {
    const withDeadline = (deadline: string) =>
      checkStack(
        drOrchestratorDeadline,
        withOrchestrator({
          timeout: 120,
          environment: { variables: { DEADLINE_MS: deadline, RTO_BUDGET_SECONDS: "240" } },
        }),
      );

    it("accepts 1 ms and 119999 ms under a 120 s timeout", () => {
      assertNoViolations(withDeadline("1"));
      assertNoViolations(withDeadline("119999"));
    });

    it("flags 0, -1, 120000 (the timeout itself), and a value that is not a number", () => {
      for (const deadline of ["0", "-1", "120000", "soon"]) {
        assertViolation(withDeadline(deadline), [
          "must stop at a DEADLINE_MS deadline below its timeout",
          `environment.variables.DEADLINE_MS is "${deadline}" with a timeout of 120 s`,
          "Set DEADLINE_MS to milliseconds below 120000",
        ]);
      }
    });
  });

  describe("launch-template-imdsv2: hop limit at most 1", () => {
    const withHops = (httpPutResponseHopLimit: number | undefined) =>
      check(launchTemplateImdsV2, aws.ec2.LaunchTemplate, {
        ...launchTemplate,
        metadataOptions: { ...launchTemplate.metadataOptions, httpPutResponseHopLimit },
      });

    it("accepts 1, flags 2 and an unset limit", () => {
      assertNoViolations(withHops(1));
      assertViolation(withHops(2), ["httpPutResponseHopLimit is 2"]);
      assertViolation(withHops(undefined), ["httpPutResponseHopLimit is not set"]);
    });
  });

  describe("IAM: NotResource and NotAction grant everything they do not name", () => {
    const policy = (...statements: object[]) => ({ policy: document(...statements) });

    it("flags a mutating action allowed on NotResource", () => {
      assertViolation(
        check(
          iamNoWildcardResourceForMutations,
          aws.iam.Policy,
          policy({
            Effect: "Allow",
            Action: "ssm:PutParameter",
            NotResource: "arn:aws:ssm:eu-west-1:123456789012:parameter/magento-dr/secret",
          }),
        ),
        ["allows ssm:PutParameter on every resource"],
      );
    });

    it("accepts a read on NotResource, and a Deny with NotResource", () => {
      assertNoViolations(
        check(
          iamNoWildcardResourceForMutations,
          aws.iam.Policy,
          policy(
            {
              Effect: "Allow",
              Action: "ssm:GetParameter",
              NotResource: "arn:aws:ssm:eu-west-1:123456789012:parameter/other",
            },
            {
              Effect: "Deny",
              Action: "ssm:PutParameter",
              NotResource: "arn:aws:ssm:eu-west-1:123456789012:parameter/mine",
            },
          ),
        ),
      );
    });

    it("flags NotAction on every resource, once, in both rules", () => {
      const broad = policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
      assertViolation(check(iamNoWildcardResourceForMutations, aws.iam.Policy, broad), [
        "allows NotAction on every resource",
      ]);
      assertViolation(check(iamNoWildcardActions, aws.iam.Policy, broad), ["allows NotAction"]);
    });
  });

  describe("resource and trust policies: Allow with NotPrincipal lets everyone else in", () => {
    const ROLE = "arn:aws:iam::123456789012:role/magento-app";
    it("flags Allow + NotPrincipal in an OpenSearch access policy and a trust policy", () => {
      const accessPolicies = document({
        Effect: "Allow",
        NotPrincipal: { AWS: ROLE },
        Action: "es:ESHttp*",
        Resource: "*",
      });
      assertViolation(
        check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, {
          ...searchDomain,
          accessPolicies,
        }),
        ["must grant access only to named principals", "statement 0 allows NotPrincipal"],
      );
      const assumeRolePolicy = document({
        Effect: "Allow",
        NotPrincipal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      });
      assertViolation(
        check(iamTrustPolicyNoWildcardPrincipal, aws.iam.Role, { assumeRolePolicy }),
        ["must be assumable only by named principals", "allows NotPrincipal"],
      );
    });

    it("accepts Deny + NotPrincipal (everyone but the named role is refused)", () => {
      const accessPolicies = document(
        { Effect: "Allow", Principal: { AWS: ROLE }, Action: "es:ESHttp*", Resource: "*" },
        { Effect: "Deny", NotPrincipal: { AWS: ROLE }, Action: "es:ESHttp*", Resource: "*" },
      );
      assertNoViolations(
        check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, {
          ...searchDomain,
          accessPolicies,
        }),
      );
    });
  });

  describe("dr-recovery-budget: 0 < RTO_BUDGET_SECONDS <= rtoTargetSeconds", () => {
    const withBudget = (budget: string | undefined) =>
      checkStack(
        drRecoveryBudget,
        withOrchestrator({
          environment: {
            variables: {
              DEADLINE_MS: "100000",
              ...(budget === undefined ? {} : { RTO_BUDGET_SECONDS: budget }),
            },
          },
        }),
      );

    it("accepts 1 s and exactly the 900 s target", () => {
      assertNoViolations(withBudget("1"));
      assertNoViolations(withBudget("900"));
    });

    it("flags 901 s, and a budget that is 0, negative, not a number or missing", () => {
      assertViolation(withBudget("901"), [
        "must recover within the 900 s RTO target",
        "environment.variables.RTO_BUDGET_SECONDS is 901 s",
        "Change the architecture",
      ]);
      for (const budget of ["0", "-5", "soon"]) {
        assertViolation(withBudget(budget), [
          `environment.variables.RTO_BUDGET_SECONDS is "${budget}"`,
          "Set RTO_BUDGET_SECONDS to the worst path (rtoWorstSeconds) of the recovery timeline",
        ]);
      }
      assertViolation(withBudget(undefined), [
        "environment.variables.RTO_BUDGET_SECONDS is not set",
      ]);
    });
  });
});

describe("policies: IAM documents as AWS reads them", () => {
  const statements = (doc: unknown) => {
    const parsed = parseDocument(() => doc);
    assert.strictEqual(parsed.kind, "statements", JSON.stringify(parsed));
    return (parsed as Extract<typeof parsed, { kind: "statements" }>).statements;
  };

  it("reads single values and lists alike; no Resource or Principal is an empty list", () => {
    const [one, none] = statements({
      Statement: [
        {
          Sid: "One",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Principal: "*",
        },
        {
          Effect: "Deny",
          Action: ["s3:PutObject"],
          Principal: { AWS: "arn:aws:iam::1:root", Service: ["a", "b"] },
        },
      ],
    });
    assert.deepStrictEqual(
      [
        one.sid,
        one.allow,
        one.actions,
        one.resources,
        one.principals,
        one.notResource,
        one.notPrincipal,
      ],
      ["One", true, ["s3:GetObject"], ["arn:aws:s3:::b/*"], ["*"], false, false],
    );
    assert.deepStrictEqual(
      [none.sid, none.allow, none.resources, none.principals],
      [undefined, false, [], ["arn:aws:iam::1:root", "a", "b"]],
    );
    const [numeric] = statements({
      Statement: { Effect: "Allow", Action: "x:Y", Principal: 7, Sid: 3 },
    });
    assert.deepStrictEqual([numeric.principals, numeric.sid], [["7"], undefined]);
  });

  it("NotResource and NotPrincipal are kept, and marked", () => {
    const [s] = statements(
      JSON.stringify({
        Statement: [
          {
            Effect: "Allow",
            Action: "x:Y",
            NotResource: ["arn:a"],
            NotPrincipal: { AWS: "arn:p" },
          },
        ],
      }),
    );
    assert.deepStrictEqual(
      [s.resources, s.notResource, s.principals, s.notPrincipal],
      [["arn:a"], true, ["arn:p"], true],
    );
  });

  it("an empty document has no statements; an unknown statement makes the document unknown", () => {
    for (const doc of [undefined, null, "null", '""', {}])
      assert.deepStrictEqual(statements(doc), []);
    assert.deepStrictEqual(
      parseDocument(() => ({ Statement: UNKNOWN })),
      { kind: "unknown" },
    );
    assert.deepStrictEqual(
      parseDocument(() => ({ Statement: [{ Effect: "Allow" }, UNKNOWN] })),
      {
        kind: "unknown",
      },
    );
    assert.deepStrictEqual(
      parseDocument(() => 42),
      { kind: "invalid", reason: "it is not an object" },
    );
    const [withUnknown] = statements({
      Statement: [{ Effect: "Allow", Action: "x:Y", Resource: [UNKNOWN, "arn:b"] }],
    });
    assert.deepStrictEqual(withUnknown.resources, [UNKNOWN, "arn:b"]);
  });

  it("wildcards: whole services and * only, anchored", () => {
    for (const a of ["*", "s3:*", "elastic-cache:*"])
      assert.strictEqual(isWildcardAction(a), true, a);
    for (const a of ["s3:Get*", "xs3:*x", "s3:*Object", "prefix s3:*"])
      assert.strictEqual(isWildcardAction(a), false, a);
    for (const r of ["*", "arn:aws:rds:eu-west-1:123456789012:*", "arn:aws:s3:::*"])
      assert.strictEqual(isWildcardResource(r), true, r);
    for (const r of [
      "arn:aws:rds:eu-west-1:123456789012:db:x",
      "arn:aws:rds:eu-west-1:123456789012:*/x",
      "xarn:aws:rds:eu-west-1:123456789012:*",
    ])
      assert.strictEqual(isWildcardResource(r), false, r);
    assert.strictEqual(isMutatingAction("*"), true);
    assert.strictEqual(isMutatingAction("s3:GetObject"), false);
    assert.strictEqual(isMutatingAction("s3:PutObject"), true);
    assert.strictEqual(isMutatingAction("nocolon"), true);
  });
});

describe("policies: the lists a rule applies to, as literals", () => {
  it("dr-stateful-resources-protected: exactly these types must be protected, OpenSearch included", () => {
    const stateful = [
      "aws:rds/instance:Instance",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
      "aws:dynamodb/table:Table",
      "aws:efs/fileSystem:FileSystem",
      "aws:opensearch/domain:Domain",
      "aws:kms/key:Key",
    ];
    const unprotected = [
      ...stateful,
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:ssm/parameter:Parameter",
    ].map((cls, i) => ({ cls, name: `r${i}`, props: {} }));
    const flagged = checkStack(drStatefulResourcesProtected, unprotected).map((v) => v.urn);
    assert.deepStrictEqual(
      flagged,
      stateful.map((type, i) => `urn:pulumi:test::magento-dr::${type}::r${i}`),
    );
    assertNoViolations(
      checkStack(
        drStatefulResourcesProtected,
        unprotected.map((r) => ({ ...r, protect: true })),
      ),
    );
    assertNoViolations(
      checkStack(drStatefulResourcesProtected, unprotected, { requireProtect: false }),
    );
  });
});

describe("policies: a list is judged by any entry, not all", () => {
  it("a mutating action on one named ARN and * is on every resource", () => {
    const policy = document({
      Effect: "Allow",
      Action: ["ssm:PutParameter"],
      Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/x", "*"],
    });
    assertViolation(check(iamNoWildcardResourceForMutations, aws.iam.Policy, { policy }), [
      "policy statement 0 allows ssm:PutParameter on every resource",
    ]);
  });

  it('one "*" among named principals opens an access policy', () => {
    const accessPolicies = document({
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::123456789012:role/app", "*"] },
      Action: "es:ESHttpGet",
      Resource: "*",
    });
    assertViolation(
      check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, {
        ...searchDomain,
        accessPolicies,
      }),
      ['accessPolicies statement 0 allows Principal "*"'],
    );
  });

  it("names only the broad managed policies among the attached ones", () => {
    assertViolation(
      check(iamNoBroadManagedPolicies, aws.iam.Role, {
        assumeRolePolicy: document({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        managedPolicyArns: [
          "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
          "arn:aws:iam::aws:policy/AdministratorAccess",
          "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        ],
      }),
      [
        "must not attach a broad AWS-managed policy",
        "managedPolicyArns includes arn:aws:iam::aws:policy/AdministratorAccess, arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "Replace it with a scoped inline policy.",
      ],
    );
  });

  it("an unreadable trust or access policy is a violation that says so", () => {
    assertViolation(
      check(iamTrustPolicyNoWildcardPrincipal, aws.iam.Role, { assumeRolePolicy: "{not json" }),
      [
        "must be assumable only by named principals",
        "assumeRolePolicy is unreadable: it is not valid JSON",
        "Fix the document.",
      ],
    );
    assertViolation(
      check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, {
        ...searchDomain,
        accessPolicies: "{not json",
      }),
      [
        "must grant access only to named principals",
        "accessPolicies is unreadable: it is not valid JSON",
        "Fix the document.",
      ],
    );
  });

  it("a launch template without metadataOptions fails both IMDS checks", () => {
    const violations = check(launchTemplateImdsV2, aws.ec2.LaunchTemplate, {
      ...launchTemplate,
      metadataOptions: undefined,
    });
    assert.deepStrictEqual(
      violations.map((v) => /metadataOptions\.(\w+) is not set/.exec(v.message)?.[1]),
      ["httpTokens", "httpPutResponseHopLimit"],
    );
  });
});
