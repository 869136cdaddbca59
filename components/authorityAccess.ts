import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AUTHORITY_ITEM_PREFIXES, AUTHORITY_ITEMS } from "../functions/contractAuthority";
import type { PolicyStatement } from "./failoverFunction";

// Who may touch which item of the failover authority table. The table's partition key `pk` holds:
//   "authority"           the epoch, active region and lease (functions/region/authority.ts)
//   "incident#<id>"       the audit of one promotion (functions/region/audit.ts)
//   "signals#<region>"    a detector's counts and decision (functions/region/detection.ts)
//   "witness#<region>"    a witness canary's verdicts (functions/region/detection.ts)
//   "hold"                an operator's hold of the automatic path (functions/region/hold.ts)
// Each writer gets only its own items through `dynamodb:LeadingKeys` ("Using IAM policy
// conditions for fine-grained access control", DynamoDB Developer Guide: with
// ForAllValues:StringLike the request's partition key values must all match), so a witness or
// fence that is compromised cannot rewrite the authority item and fence the live region.

// The keys are functions/contractAuthority.ts's, as the functions write them.
export const AUTHORITY_ITEM = AUTHORITY_ITEMS.authority;
export const HOLD_ITEM = AUTHORITY_ITEMS.hold;
export const INCIDENT_ITEMS = `${AUTHORITY_ITEM_PREFIXES.incident}*`;
export const ALL_SIGNALS_ITEMS = `${AUTHORITY_ITEM_PREFIXES.signals}*`;
export const ALL_WITNESS_ITEMS = `${AUTHORITY_ITEM_PREFIXES.witness}*`;
export const signalsItem = (region: pulumi.Input<string>) =>
  pulumi.interpolate`${AUTHORITY_ITEM_PREFIXES.signals}${region}`;
export const witnessItem = (region: pulumi.Input<string>) =>
  pulumi.interpolate`${AUTHORITY_ITEM_PREFIXES.witness}${region}`;

/** Every item write the table knows (resource policy: denied to all but the named roles). */
export const ITEM_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
];

/** An allow statement limited to items whose partition key matches one of `keys`. */
export function onItems(
  sid: string,
  actions: string[],
  tableArn: pulumi.Input<string>,
  keys: pulumi.Input<string>[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: [tableArn],
    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": keys } },
  };
}

/**
 * The table's resource policy: item writes by any principal but the failover functions' roles
 * and the operators' roles are denied. An explicit Deny in a resource-based policy applies to
 * principals of the same account too, whatever their identity policies allow ("Using
 * resource-based policies for DynamoDB", DynamoDB Developer Guide; "Policy evaluation logic",
 * IAM User Guide). `aws:PrincipalArn` is the role's ARN for an assumed-role session.
 */
export function authorityTablePolicy(
  name: string,
  args: {
    tableArn: pulumi.Input<string>;
    /** The table's region (the policy is a resource of that region). */
    region: string;
    writerRoleArns: pulumi.Input<string>[];
    operatorRoleArns: string[];
    /**
     * Roles of other stacks that write the authority item (each region's fence renews its
     * serving lease), as ARN patterns: the standby stack cannot know their generated names.
     */
    writerRolePatterns: pulumi.Input<string>[];
  },
  opts: pulumi.CustomResourceOptions,
): aws.dynamodb.ResourcePolicy {
  return new aws.dynamodb.ResourcePolicy(
    name,
    {
      region: args.region,
      resourceArn: args.tableArn,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "OnlyFailoverRolesWriteItems",
            Effect: "Deny",
            Principal: "*",
            Action: ITEM_WRITE_ACTIONS,
            Resource: args.tableArn,
            // ArnNotLike: a principal matching any listed ARN or pattern is exempt.
            Condition: {
              ArnNotLike: {
                "aws:PrincipalArn": [
                  ...args.writerRoleArns,
                  ...args.writerRolePatterns,
                  ...args.operatorRoleArns,
                ],
              },
            },
          },
        ],
      }),
    },
    opts,
  );
}
