// When an OpenSearch domain's access policy may name Principal "*": AWS's recommended set-up for
// fine-grained access control (FGAC) with the internal user database. Amazon OpenSearch Service
// Developer Guide, "Fine-grained access control in Amazon OpenSearch Service": "If a resource-based
// access policy contains IAM users or roles, clients must send signed requests using AWS Signature
// Version 4 ... You can't sign a request with a user name and password and IAM credentials. In
// general, if you enable fine-grained access control, we recommend using a domain access policy
// that doesn't require signed requests"; its "Recommended configurations" table gives, for a
// "User name and password" master user, `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":
// "es:ESHttp*","Resource":"domain-arn/*"}`. "Cross-cluster replication for Amazon OpenSearch
// Service", Permissions requirements, adds `es:ESCrossClusterGet` on `domain-arn` (not `/*`) with
// the same principal. Such a policy lets every request through to FGAC, which then authenticates
// it: safe only when the network layer (VPC access) and FGAC's user database both hold.
import { Statement } from "./iam";
import { known, isSet, Maybe, UNKNOWN } from "./values";

/** The actions an open statement may grant: HTTP calls (FGAC decides) and replication's pull. */
export const OPEN_ACCESS_ACTIONS: readonly string[] = ["es:ESHttp*", "es:ESCrossClusterGet"];

/** What the rule reads of an aws.opensearch.Domain (its inputs). */
export interface DomainAccessInputs {
  domainName?: string;
  advancedSecurityOptions?: {
    enabled?: boolean;
    internalUserDatabaseEnabled?: boolean;
    anonymousAuthEnabled?: boolean;
  };
  vpcOptions?: { subnetIds?: string[] };
}

export type Findings = { kind: "unknown"; property: string } | { kind: "found"; reasons: string[] };

/** The domain's own ARN (`.../domain/<name>`) or its subresources (`.../domain/<name>/*`). */
function ownDomainResource(resource: string, domainName: string): boolean {
  const escaped = domainName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^arn:aws[a-z-]*:es:[a-z0-9-]+:\\d{12}:domain/${escaped}(/\\*)?$`).test(
    resource,
  );
}

/**
 * Why the domain cannot carry an open access policy: FGAC must be on with the internal user
 * database, anonymous access off, and the domain VPC-only. Unknown inputs are reported, never
 * assumed.
 */
export function openDomainProblems(domain: DomainAccessInputs): Findings {
  const unknownProperty = (property: string): Findings => ({ kind: "unknown", property });
  const reasons: string[] = [];
  const security = known(() => domain.advancedSecurityOptions);
  if (security === UNKNOWN) return unknownProperty("advancedSecurityOptions");
  const enabled = known(() => security?.enabled);
  const internalUsers = known(() => security?.internalUserDatabaseEnabled);
  const anonymous = known(() => security?.anonymousAuthEnabled);
  if (enabled === UNKNOWN) return unknownProperty("advancedSecurityOptions.enabled");
  if (internalUsers === UNKNOWN) {
    return unknownProperty("advancedSecurityOptions.internalUserDatabaseEnabled");
  }
  if (anonymous === UNKNOWN) return unknownProperty("advancedSecurityOptions.anonymousAuthEnabled");
  if (enabled !== true) reasons.push("fine-grained access control is off");
  if (internalUsers !== true) reasons.push("the internal user database is off");
  if (anonymous === true) reasons.push("anonymous access is on");
  const vpc = known(() => domain.vpcOptions);
  if (vpc === UNKNOWN) return unknownProperty("vpcOptions");
  // Subnet ids are outputs of the network during preview: wired in, they resolve to subnets.
  if (!isSet(known(() => vpc?.subnetIds))) reasons.push("the domain is not VPC-only");
  return { kind: "found", reasons };
}

/** Why an open statement is wider than the recommended one: other actions, or another domain. */
export function openStatementProblems(domain: DomainAccessInputs, statement: Statement): Findings {
  const unknownProperty = (property: string): Findings => ({ kind: "unknown", property });
  const reasons: string[] = [];
  if (statement.notPrincipal) reasons.push("it uses NotPrincipal");
  if (statement.notAction) reasons.push("it uses NotAction");
  for (const action of statement.actions as Maybe<string>[]) {
    if (action === UNKNOWN) {
      return unknownProperty(`accessPolicies statement ${statement.index} Action`);
    }
    if (!OPEN_ACCESS_ACTIONS.includes(action)) {
      reasons.push(`it allows ${action} (only ${OPEN_ACCESS_ACTIONS.join(" and ")} may be open)`);
    }
  }
  const name = known(() => domain.domainName);
  if (name === UNKNOWN) return unknownProperty("domainName");
  if (statement.notResource) reasons.push("it uses NotResource");
  for (const resource of statement.resources as Maybe<string>[]) {
    if (resource === UNKNOWN) {
      return unknownProperty(`accessPolicies statement ${statement.index} Resource`);
    }
    if (typeof name !== "string" || !ownDomainResource(resource, name)) {
      reasons.push(`its Resource ${resource} is not this domain (${String(name)})`);
    }
  }
  return { kind: "found", reasons };
}
