import * as aws from "@pulumi/aws";
import {
  elasticacheAuth,
  iamNoBroadManagedPolicies,
  iamNoWildcardActions,
  iamNoWildcardResourceForMutations,
  iamTrustPolicyNoWildcardPrincipal,
  lambdaPermissionScoped,
  launchTemplateImdsV2,
  opensearchAccessPolicyNoPublicPrincipal,
  opensearchFineGrainedAccess,
} from "../../policies/rules/leastPrivilege";
import {
  cacheGroup,
  document,
  lambdaTrustPolicy,
  launchTemplate,
  memberCacheGroup,
  openSearchDomain,
  scopedPolicyDocument,
  searchDomain,
} from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/lease";

describe("policies: least privilege", () => {
  describe("iam-no-wildcard-actions", () => {
    it("passes named actions and verb families", () => {
      assertNoViolations(
        check(iamNoWildcardActions, aws.iam.RolePolicy, {
          role: "r",
          policy: scopedPolicyDocument,
        }),
      );
    });

    it("flags a whole-service wildcard in an aws.iam.Policy", () => {
      const policy = document({ Sid: "All", Effect: "Allow", Action: ["s3:*"], Resource: "*" });
      assertViolation(check(iamNoWildcardActions, aws.iam.Policy, { policy }), [
        'iam.Policy "test" must allow only named actions',
        'policy statement 0 ("All") allows s3:*',
      ]);
    });

    it("flags NotAction in a role's inline policy", () => {
      const policy = document({ Effect: "Allow", NotAction: "iam:*", Resource: TABLE_ARN });
      assertViolation(
        check(iamNoWildcardActions, aws.iam.Role, {
          assumeRolePolicy: lambdaTrustPolicy,
          inlinePolicies: [{ name: "x", policy }],
        }),
        ["inlinePolicies[0].policy statement 0 allows NotAction"],
      );
    });

    it("ignores Deny statements", () => {
      const policy = document({ Effect: "Deny", Action: "*", Resource: "*" });
      assertNoViolations(check(iamNoWildcardActions, aws.iam.Policy, { policy }));
    });

    it("reports a document unknown during preview", () => {
      assertUnverifiable(
        check(iamNoWildcardActions, aws.iam.Policy, preview({ policy: U })),
        "policy",
      );
    });

    it("reads a document passed as an object whose ARNs are unknown", () => {
      const policy = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: U }],
      };
      assertViolation(check(iamNoWildcardActions, aws.iam.Policy, preview({ policy })), [
        "allows *",
      ]);
    });

    it("reports an unreadable document", () => {
      assertViolation(check(iamNoWildcardActions, aws.iam.Policy, { policy: "{not json" }), [
        "policy is unreadable: it is not valid JSON",
      ]);
    });
  });

  describe("iam-no-wildcard-resource-for-mutations", () => {
    it("passes reads and PutMetricData on *, mutations on named ARNs", () => {
      assertNoViolations(
        check(iamNoWildcardResourceForMutations, aws.iam.Policy, { policy: scopedPolicyDocument }),
      );
    });

    it("flags a mutating action on *", () => {
      const policy = document({
        Effect: "Allow",
        Action: ["dynamodb:PutItem", "dynamodb:GetItem"],
        Resource: "*",
      });
      assertViolation(check(iamNoWildcardResourceForMutations, aws.iam.Policy, { policy }), [
        "must name the resources it may change",
        "allows dynamodb:PutItem on every resource",
        "Set Resource to the ARNs",
      ]);
    });

    it("flags an ARN whose resource part is only *", () => {
      const policy = document({
        Effect: "Allow",
        Action: "rds:PromoteReadReplica",
        Resource: "arn:aws:rds:eu-west-1:123456789012:*",
      });
      assertViolation(check(iamNoWildcardResourceForMutations, aws.iam.Policy, { policy }), [
        "allows rds:PromoteReadReplica on every resource",
      ]);
    });

    it("takes an unknown Resource entry for another resource's ARN", () => {
      const policy = {
        Statement: [{ Effect: "Allow", Action: "dynamodb:PutItem", Resource: [U] }],
      };
      assertNoViolations(
        check(iamNoWildcardResourceForMutations, aws.iam.Policy, preview({ policy })),
      );
    });

    it("honours a configured allow-list", () => {
      const policy = document({ Effect: "Allow", Action: "ssm:PutParameter", Resource: "*" });
      assertNoViolations(
        check(
          iamNoWildcardResourceForMutations,
          aws.iam.Policy,
          { policy },
          { allowedActions: ["ssm:PutParameter"] },
        ),
      );
    });
  });

  describe("iam-trust-policy-no-wildcard-principal", () => {
    it("passes a service principal", () => {
      assertNoViolations(
        check(iamTrustPolicyNoWildcardPrincipal, aws.iam.Role, {
          assumeRolePolicy: lambdaTrustPolicy,
        }),
      );
    });

    it('flags Principal { AWS: "*" }', () => {
      const assumeRolePolicy = document({
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "sts:AssumeRole",
      });
      assertViolation(
        check(iamTrustPolicyNoWildcardPrincipal, aws.iam.Role, { assumeRolePolicy }),
        [
          "must be assumable only by named principals",
          'assumeRolePolicy statement 0 allows Principal "*"',
        ],
      );
    });

    it("reports a trust policy unknown during preview", () => {
      assertUnverifiable(
        check(iamTrustPolicyNoWildcardPrincipal, aws.iam.Role, preview({ assumeRolePolicy: U })),
        "assumeRolePolicy",
      );
    });
  });

  describe("iam-no-broad-managed-policies", () => {
    it("passes the basic execution role", () => {
      assertNoViolations(
        check(iamNoBroadManagedPolicies, aws.iam.RolePolicyAttachment, {
          role: "r",
          policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        }),
      );
    });

    it("flags a CallbackFunction's default AWSLambda_FullAccess", () => {
      assertViolation(
        check(iamNoBroadManagedPolicies, aws.iam.RolePolicyAttachment, {
          role: "r",
          policyArn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
        }),
        ["must not attach a broad AWS-managed policy", "AWSLambda_FullAccess", "pass `role`"],
      );
    });

    it("flags AdministratorAccess in a role's managedPolicyArns", () => {
      assertViolation(
        check(iamNoBroadManagedPolicies, aws.iam.Role, {
          assumeRolePolicy: lambdaTrustPolicy,
          managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        }),
        ["managedPolicyArns includes arn:aws:iam::aws:policy/AdministratorAccess"],
      );
    });

    it("reports a policy ARN unknown during preview", () => {
      assertUnverifiable(
        check(
          iamNoBroadManagedPolicies,
          aws.iam.RolePolicyAttachment,
          preview({ role: "r", policyArn: U }),
        ),
        "policyArn",
      );
    });
  });

  describe("lambda-permission-scoped", () => {
    const permission = {
      action: "lambda:InvokeFunction",
      function: "fn",
      principal: "events.amazonaws.com",
      sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/failover",
    };

    it("passes a service principal with a source ARN", () => {
      assertNoViolations(check(lambdaPermissionScoped, aws.lambda.Permission, permission));
    });

    it("takes a source ARN unknown during preview as set", () => {
      assertNoViolations(
        check(
          lambdaPermissionScoped,
          aws.lambda.Permission,
          preview({ ...permission, sourceArn: U }),
        ),
      );
    });

    it("flags a missing source ARN", () => {
      assertViolation(
        check(lambdaPermissionScoped, aws.lambda.Permission, {
          ...permission,
          sourceArn: undefined,
        }),
        ["must be limited to one source", "sourceArn is not set"],
      );
    });

    it("flags principal *", () => {
      assertViolation(
        check(lambdaPermissionScoped, aws.lambda.Permission, { ...permission, principal: "*" }),
        ["must name who may invoke the function"],
      );
    });
  });

  describe("launch-template-imdsv2", () => {
    it("passes required tokens and a hop limit of 1", () => {
      assertNoViolations(check(launchTemplateImdsV2, aws.ec2.LaunchTemplate, launchTemplate));
    });

    it("flags optional tokens", () => {
      assertViolation(
        check(launchTemplateImdsV2, aws.ec2.LaunchTemplate, {
          ...launchTemplate,
          metadataOptions: { ...launchTemplate.metadataOptions, httpTokens: "optional" },
        }),
        ["must require IMDSv2 session tokens", 'metadataOptions.httpTokens is "optional"'],
      );
    });

    it("flags a hop limit of 2", () => {
      assertViolation(
        check(launchTemplateImdsV2, aws.ec2.LaunchTemplate, {
          ...launchTemplate,
          metadataOptions: { ...launchTemplate.metadataOptions, httpPutResponseHopLimit: 2 },
        }),
        ["must keep the metadata hop limit at 1", "httpPutResponseHopLimit is 2"],
      );
    });
  });

  describe("elasticache-auth", () => {
    it("passes an AUTH token, an unknown one (a secret output) and a member", () => {
      assertNoViolations(check(elasticacheAuth, aws.elasticache.ReplicationGroup, cacheGroup));
      assertNoViolations(
        check(
          elasticacheAuth,
          aws.elasticache.ReplicationGroup,
          preview({ ...cacheGroup, authToken: U }),
        ),
      );
      assertNoViolations(
        check(elasticacheAuth, aws.elasticache.ReplicationGroup, memberCacheGroup),
      );
    });

    it("accepts RBAC user groups", () => {
      assertNoViolations(
        check(elasticacheAuth, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          authToken: undefined,
          userGroupIds: ["magento-users"],
        }),
      );
    });

    it("flags a primary without AUTH", () => {
      assertViolation(
        check(elasticacheAuth, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          authToken: undefined,
        }),
        ['elasticache.ReplicationGroup "test" must require AUTH', "authToken is not set"],
      );
    });
  });

  describe("opensearch-fine-grained-access", () => {
    it("passes fine-grained access control", () => {
      assertNoViolations(check(opensearchFineGrainedAccess, aws.opensearch.Domain, searchDomain));
    });

    it("flags a domain without it", () => {
      assertViolation(
        check(opensearchFineGrainedAccess, aws.opensearch.Domain, {
          ...searchDomain,
          advancedSecurityOptions: undefined,
        }),
        ["must enable fine-grained access control", "advancedSecurityOptions.enabled is not set"],
      );
    });

    it("flags anonymous access", () => {
      assertViolation(
        check(opensearchFineGrainedAccess, aws.opensearch.Domain, {
          ...searchDomain,
          advancedSecurityOptions: { enabled: true, anonymousAuthEnabled: true },
        }),
        ["must not allow anonymous requests"],
      );
    });
  });

  describe("opensearch-access-policy-no-public-principal", () => {
    it("passes a named role", () => {
      assertNoViolations(
        check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, searchDomain),
      );
    });

    it('flags Principal "*"', () => {
      const accessPolicies = document({
        Effect: "Allow",
        Principal: "*",
        Action: "es:*",
        Resource: "*",
      });
      assertViolation(
        check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, {
          ...searchDomain,
          accessPolicies,
        }),
        [
          "must grant access only to named principals",
          'accessPolicies statement 0 allows Principal "*"',
        ],
      );
    });

    it("reports an access policy unknown during preview", () => {
      assertUnverifiable(
        check(
          opensearchAccessPolicyNoPublicPrincipal,
          aws.opensearch.Domain,
          preview({ ...searchDomain, accessPolicies: U }),
        ),
        "accessPolicies",
      );
    });

    describe('Principal "*" behind fine-grained access control (AWS\'s recommended policy)', () => {
      const run = (props: object) =>
        check(opensearchAccessPolicyNoPublicPrincipal, aws.opensearch.Domain, props);

      it("passes FGAC with the internal user database on a VPC-only domain", () => {
        assertNoViolations(run(openSearchDomain));
      });

      it("flags it without fine-grained access control", () => {
        assertViolation(
          run({
            ...openSearchDomain,
            advancedSecurityOptions: { enabled: false, internalUserDatabaseEnabled: true },
          }),
          [
            'accessPolicies statement 0 ("FineGrainedAccessControlDecides") allows Principal "*"',
            "fine-grained access control is off",
          ],
        );
      });

      it("flags it with an IAM master user (no internal user database)", () => {
        assertViolation(
          run({
            ...openSearchDomain,
            advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: false },
          }),
          ["the internal user database is off"],
        );
      });

      it("flags it on a public domain", () => {
        assertViolation(run({ ...openSearchDomain, vpcOptions: undefined }), [
          "the domain is not VPC-only",
        ]);
      });

      it("flags it with anonymous access", () => {
        assertViolation(
          run({
            ...openSearchDomain,
            advancedSecurityOptions: {
              enabled: true,
              internalUserDatabaseEnabled: true,
              anonymousAuthEnabled: true,
            },
          }),
          ["anonymous access is on"],
        );
      });

      it("flags an open statement wider than es:ESHttp* on this domain", () => {
        const accessPolicies = document({
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "es:*",
          Resource: "arn:aws:es:us-east-1:123456789012:domain/other/*",
        });
        assertViolation(run({ ...openSearchDomain, accessPolicies }), [
          "it allows es:* (only es:ESHttp* and es:ESCrossClusterGet may be open)",
          "its Resource arn:aws:es:us-east-1:123456789012:domain/other/* is not this domain (magento)",
        ]);
      });

      it("reports a domain whose user database setting is unknown during preview", () => {
        assertUnverifiable(
          run(
            preview({
              ...openSearchDomain,
              advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: U },
            }),
          ),
          "advancedSecurityOptions.internalUserDatabaseEnabled",
        );
      });

      it("accepts subnet ids that are outputs during preview (the domain is still in the VPC)", () => {
        assertNoViolations(
          run(preview({ ...openSearchDomain, vpcOptions: { subnetIds: U, securityGroupIds: U } })),
        );
      });
    });
  });
});
