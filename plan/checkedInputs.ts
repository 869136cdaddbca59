// What the engine (and so a policy pack) sees of a resource's inputs: the provider's Check result,
// not what the program passed. The policy server analyzes the checked inputs (pulumi/pulumi
// pkg/resource/deploy/step_generator.go: `inputs = resp.Properties` before the analyzers run).
// pulumi-aws declares its policy-document properties with `tfbridge.TransformJSONDocument`, which
// turns an object document into its JSON string in Check and, when any part of the object is
// unknown, into one unknown string ("We can't marshal properties that contain unknowns. Turn these
// into an unknown value instead.", pulumi-terraform-bridge pkg/tfbridge/transforms.go). So at a
// first preview a document is verifiable only if every value in it is known: an object whose
// ARNs are outputs of resources not yet created is, to the engine, one unknown string.
import * as pulumi from "@pulumi/pulumi";

/** Properties pulumi-aws maps with TransformJSONDocument, per resource type, that this program sets. */
export const JSON_DOCUMENT_PROPERTIES: Record<string, string[]> = {
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
};

function containsUnknown(value: unknown): boolean {
  if (pulumi.isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

/** The inputs as Check returns them: a document object becomes JSON, or unknown if any part is. */
export function checkedInputs(type: string, inputs: Record<string, any>): Record<string, any> {
  const fields = JSON_DOCUMENT_PROPERTIES[type];
  if (!fields) return inputs;
  const checked = { ...inputs };
  for (const field of fields) {
    const value = checked[field];
    if (value === undefined || value === null || typeof value === "string") continue;
    checked[field] = containsUnknown(value) ? pulumi.unknown : JSON.stringify(value);
  }
  return checked;
}
