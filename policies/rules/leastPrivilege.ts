// LP: every principal gets the actions it needs on the resources it names, and nothing outside the
// account can reach in.
import * as aws from "@pulumi/aws";
import {
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { integer, settings, stringList } from "../lib/config";
import {
  describeStatement,
  isMutatingAction,
  isWildcardAction,
  isWildcardResource,
  parseDocument,
  Statement,
} from "../lib/iam";
import { DomainAccessInputs, openDomainProblems, openStatementProblems } from "../lib/searchAccess";
import { Subject } from "../lib/subject";
import { knownList, UNKNOWN } from "../lib/values";
import { isGlobalDatastoreMember } from "./multiAz";

type DocumentCheck = (
  subject: Subject,
  where: string,
  statements: Statement[],
  args: ResourceValidationArgs,
) => void;

/**
 * Runs `check` on every permission document of an identity policy: aws.iam.Policy,
 * aws.iam.RolePolicy and the inline policies of aws.iam.Role. A document unknown during preview is
 * reported as unverifiable; pass it as an object rather than a JSON string so that only the
 * resource ARNs are unknown.
 */
export function identityDocuments(must: string, check: DocumentCheck): ResourceValidation[] {
  const inspect = (
    args: ResourceValidationArgs,
    subject: Subject,
    where: string,
    read: () => unknown,
  ) => {
    const parsed = parseDocument(read);
    if (parsed.kind === "unknown") subject.cannotVerify(must, where);
    else if (parsed.kind === "invalid") {
      subject.fail(must, `${where} is unreadable: ${parsed.reason}`, "Fix the document.");
    } else check(subject, where, parsed.statements, args);
  };
  return [
    validateResourceOfType(aws.iam.Policy, (p, args, report) =>
      inspect(args, new Subject(args, report), "policy", () => p.policy),
    ),
    validateResourceOfType(aws.iam.RolePolicy, (p, args, report) =>
      inspect(args, new Subject(args, report), "policy", () => p.policy),
    ),
    validateResourceOfType(aws.iam.Role, (role, args, report) => {
      const subject = new Subject(args, report);
      const inline = knownList(() => role.inlinePolicies);
      if (inline === UNKNOWN) return subject.cannotVerify(must, "inlinePolicies");
      (inline ?? []).forEach((entry, i) =>
        inspect(args, subject, `inlinePolicies[${i}].policy`, () =>
          entry === UNKNOWN ? entry : entry.policy,
        ),
      );
    }),
  ];
}

const NAMED_ACTIONS = "must allow only named actions";

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description:
    "IAM policies allow named actions, never `*`, a whole service (`s3:*`) or NotAction.",
  enforcementLevel: "advisory",
  validateResource: identityDocuments(NAMED_ACTIONS, (subject, where, statements) => {
    for (const s of statements.filter((st) => st.allow)) {
      const statement = `${where} ${describeStatement(s)}`;
      if (s.actions.includes(UNKNOWN)) subject.cannotVerify(NAMED_ACTIONS, `${statement} Action`);
      const broad = s.notAction
        ? ["NotAction"]
        : s.actions.filter((a) => a !== UNKNOWN && isWildcardAction(a));
      if (broad.length === 0) continue;
      subject.fail(
        NAMED_ACTIONS,
        `${statement} allows ${broad.join(", ")}`,
        "List the actions the principal calls (e.g. rds:PromoteReadReplica), not a wildcard.",
      );
    }
  }),
};

/** Actions without resource-level permissions: AWS only accepts `*` as their Resource. */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = [
  "cloudwatch:PutMetricData",
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
];

const wildcardResourceSchema = {
  properties: {
    allowedActions: stringList(
      "Mutating actions allowed on `*` because AWS offers no resource-level permission for them.",
      ACTIONS_WITHOUT_RESOURCE_LEVEL,
    ),
  },
};

/** Mutating actions a statement allows on every resource, less the ones AWS only grants on `*`. */
export function mutationsOnAnyResource(s: Statement, allowed: readonly string[]): string[] {
  if (!s.allow) return [];
  // An unknown entry is another resource's output (an ARN); the literal `*` is always known.
  const anyResource =
    s.notResource || s.resources.some((r) => r !== UNKNOWN && isWildcardResource(r));
  if (!anyResource) return [];
  const lower = allowed.map((a) => a.toLowerCase());
  if (s.notAction) return ["NotAction"];
  return s.actions.filter(
    (a): a is string => a !== UNKNOWN && isMutatingAction(a) && !lower.includes(a.toLowerCase()),
  );
}

export const iamNoWildcardResourceForMutations: ResourceValidationPolicy = {
  name: "iam-no-wildcard-resource-for-mutations",
  description: "IAM policies name the resources of every mutating action instead of `*`.",
  enforcementLevel: "advisory",
  configSchema: wildcardResourceSchema,
  validateResource: identityDocuments(
    "must name the resources it may change",
    (subject, where, statements, args) => {
      const { allowedActions } = settings<{ allowedActions: string[] }>(
        args,
        wildcardResourceSchema,
      );
      for (const s of statements) {
        const actions = mutationsOnAnyResource(s, allowedActions);
        if (actions.length === 0) continue;
        subject.fail(
          "must name the resources it may change",
          `${where} ${describeStatement(s)} allows ${actions.join(", ")} on every resource`,
          "Set Resource to the ARNs of the resources this principal changes.",
        );
      }
    },
  ),
};

/**
 * Statements that let anyone in: Principal `"*"` or `{ "AWS": "*" }`, or Allow with NotPrincipal,
 * which grants every principal except the listed ones, anonymous users included ("AWS JSON policy
 * elements: NotPrincipal", IAM User Guide: "must be used with Deny"; with Allow it "allows all
 * principals except the one named", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
 */
function publicPrincipal(s: Statement): boolean {
  return s.allow && (s.notPrincipal || s.principals.some((p) => p === "*"));
}

export const iamTrustPolicyNoWildcardPrincipal: ResourceValidationPolicy = {
  name: "iam-trust-policy-no-wildcard-principal",
  description:
    "IAM role trust policies name the services or accounts that may assume the role, never `*`.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.iam.Role, (role, args, report) => {
    const subject = new Subject(args, report);
    const must = "must be assumable only by named principals";
    const parsed = parseDocument(() => role.assumeRolePolicy);
    if (parsed.kind === "unknown") return subject.cannotVerify(must, "assumeRolePolicy");
    if (parsed.kind === "invalid") {
      return subject.fail(
        must,
        `assumeRolePolicy is unreadable: ${parsed.reason}`,
        "Fix the document.",
      );
    }
    for (const s of parsed.statements.filter(publicPrincipal)) {
      subject.fail(
        must,
        `assumeRolePolicy ${describeStatement(s)} allows ${s.notPrincipal ? "NotPrincipal" : 'Principal "*"'}`,
        'Name the principal, e.g. { Service: "lambda.amazonaws.com" }.',
      );
    }
  }),
};

// AWS-managed policies that grant a whole service or the whole account.
const BROAD_MANAGED_POLICY =
  /^arn:aws[\w-]*:iam::aws:policy\/(?:[\w-]+\/)*(AdministratorAccess|PowerUserAccess|[\w-]*FullAccess[\w-]*)$/;

export const iamNoBroadManagedPolicies: ResourceValidationPolicy = {
  name: "iam-no-broad-managed-policies",
  description:
    "Roles get no AWS-managed AdministratorAccess, PowerUserAccess or *FullAccess policy (a CallbackFunction's default role has several).",
  enforcementLevel: "advisory",
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, args, report) => {
      new Subject(args, report).expect({
        property: "policyArn",
        read: () => attachment.policyArn,
        ok: (arn) => !BROAD_MANAGED_POLICY.test(arn),
        must: "must not attach a broad AWS-managed policy",
        fix: "Give the role a scoped inline policy; for a CallbackFunction pass `role` so it does not create its default one.",
      });
    }),
    validateResourceOfType(aws.iam.Role, (role, args, report) => {
      const subject = new Subject(args, report);
      const must = "must not attach a broad AWS-managed policy";
      const arns = knownList(() => role.managedPolicyArns);
      // AWS-managed ARNs are literals; an unknown entry is the ARN of a policy of this program.
      if (arns === UNKNOWN) return subject.cannotVerify(must, "managedPolicyArns");
      const broad = (arns ?? []).filter(
        (a): a is string => typeof a === "string" && BROAD_MANAGED_POLICY.test(a),
      );
      if (broad.length > 0) {
        subject.fail(
          must,
          `managedPolicyArns includes ${broad.join(", ")}`,
          "Replace it with a scoped inline policy.",
        );
      }
    }),
  ],
};

export const lambdaPermissionScoped: ResourceValidationPolicy = {
  name: "lambda-permission-scoped",
  description:
    "Lambda permissions name their principal and the source ARN that may invoke the function.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lambda.Permission, (permission, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "principal",
      read: () => permission.principal,
      ok: (p) => p !== "*",
      must: "must name who may invoke the function",
      fix: 'Set principal to the invoking service (e.g. "events.amazonaws.com") or account.',
    });
    subject.expectSet(
      "sourceArn",
      () => permission.sourceArn,
      "must be limited to one source",
      "Set sourceArn to the rule, topic or alarm that invokes it, so no other resource of that service can.",
    );
  }),
};

const imdsSchema = {
  properties: { maxHopLimit: integer("Highest metadata response hop limit.", 1, 1) },
};

export const launchTemplateImdsV2: ResourceValidationPolicy = {
  name: "launch-template-imdsv2",
  description: "Launch templates require IMDSv2 tokens with a hop limit of 1.",
  enforcementLevel: "advisory",
  configSchema: imdsSchema,
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, report) => {
    const { maxHopLimit } = settings<{ maxHopLimit: number }>(args, imdsSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "metadataOptions.httpTokens",
      read: () => template.metadataOptions?.httpTokens,
      ok: (v) => v === "required",
      must: "must require IMDSv2 session tokens",
      fix: 'Set metadataOptions: { httpTokens: "required", ... } so SSRF in Magento cannot read the role credentials.',
    });
    subject.expect({
      property: "metadataOptions.httpPutResponseHopLimit",
      read: () => template.metadataOptions?.httpPutResponseHopLimit,
      ok: (v) => v !== undefined && v <= maxHopLimit,
      must: `must keep the metadata hop limit at ${maxHopLimit}`,
      fix: `Set metadataOptions.httpPutResponseHopLimit: ${maxHopLimit} so containers on the host cannot reach the metadata service.`,
    });
  }),
};

export const elasticacheAuth: ResourceValidationPolicy = {
  name: "elasticache-auth",
  description:
    "ElastiCache replication groups require AUTH (a token or RBAC user groups); Global Datastore members inherit it.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      if (isGlobalDatastoreMember(group)) return;
      new Subject(args, report).expectSet(
        "authToken",
        () => group.authToken ?? group.authTokenWo ?? group.userGroupIds,
        "must require AUTH",
        "Set authToken from a secret (requireSecret or a random.RandomPassword), or userGroupIds for RBAC.",
      );
    },
  ),
};

export const opensearchFineGrainedAccess: ResourceValidationPolicy = {
  name: "opensearch-fine-grained-access",
  description: "OpenSearch domains enable fine-grained access control without anonymous access.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "advancedSecurityOptions.enabled",
      read: () => domain.advancedSecurityOptions?.enabled,
      ok: (v) => v === true,
      must: "must enable fine-grained access control",
      fix: "Set advancedSecurityOptions: { enabled: true, masterUserOptions: { masterUserArn } }.",
    });
    subject.expect({
      property: "advancedSecurityOptions.anonymousAuthEnabled",
      read: () => domain.advancedSecurityOptions?.anonymousAuthEnabled,
      ok: (v) => v !== true,
      must: "must not allow anonymous requests",
      fix: "Remove anonymousAuthEnabled: true.",
    });
  }),
};

export const opensearchAccessPolicyNoPublicPrincipal: ResourceValidationPolicy = {
  name: "opensearch-access-policy-no-public-principal",
  description:
    "OpenSearch domain access policies name their principals, or open only es:ESHttp* (and es:ESCrossClusterGet) on the domain to fine-grained access control with the internal user database, inside a VPC.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const subject = new Subject(args, report);
    const must =
      "must grant access only to named principals, or open the domain only to fine-grained access control inside its VPC";
    const parsed = parseDocument(() => domain.accessPolicies);
    if (parsed.kind === "unknown") return subject.cannotVerify(must, "accessPolicies");
    if (parsed.kind === "invalid") {
      return subject.fail(
        must,
        `accessPolicies is unreadable: ${parsed.reason}`,
        "Fix the document.",
      );
    }
    // Principal "*" is AWS's recommended policy with FGAC and basic authentication
    // (../lib/searchAccess.ts); anywhere else it lets anyone who reaches the endpoint in.
    const open = parsed.statements.filter(publicPrincipal);
    if (open.length === 0) return;
    const fix =
      "Either name the roles that call the domain in Principal.AWS (signed requests), or keep " +
      'Principal "*" only for es:ESHttp* on "<domain ARN>/*" and es:ESCrossClusterGet on the ' +
      "domain ARN, with vpcOptions, advancedSecurityOptions.enabled and internalUserDatabaseEnabled true.";
    const inputs = domain as DomainAccessInputs;
    const where = (s: Statement) =>
      `accessPolicies ${describeStatement(s)} allows ${s.notPrincipal ? "NotPrincipal" : 'Principal "*"'}`;
    const findings = [
      openDomainProblems(inputs),
      ...open.map((s) => openStatementProblems(inputs, s)),
    ];
    const unknown = findings.find((f) => f.kind === "unknown");
    if (unknown?.kind === "unknown") return subject.cannotVerify(must, unknown.property);
    const reasons = findings.flatMap((f) => (f.kind === "found" ? f.reasons : []));
    if (reasons.length > 0) {
      subject.fail(must, `${open.map(where).join("; ")}, and ${reasons.join(", ")}`, fix);
    }
  }),
};

export const leastPrivilegePolicies = [
  iamNoWildcardActions,
  iamNoWildcardResourceForMutations,
  iamTrustPolicyNoWildcardPrincipal,
  iamNoBroadManagedPolicies,
  lambdaPermissionScoped,
  launchTemplateImdsV2,
  elasticacheAuth,
  opensearchFineGrainedAccess,
  opensearchAccessPolicyNoPublicPrincipal,
];
