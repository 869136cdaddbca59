import * as pulumi from "@pulumi/pulumi";
import { keyUse, type KeyRef } from "./arns";
import { PolicyStatement } from "./failoverFunction";

import { METRIC_NAMESPACES } from "../functions/contractMetrics";

/**
 * What a function that signs in to a search domain needs: the domain users' secrets, the key they are
 * encrypted with (only through Secrets Manager), and its own metrics namespace. The secret and the
 * key are named so the document is known at the first preview (the secret's name pattern, the
 * key's alias: components/arns.ts).
 */
export function searchFunctionStatements(
  region: string,
  secretPolicyArns: pulumi.Input<string>[],
  secretKey: KeyRef,
  metricsSid: string,
): PolicyStatement[] {
  return [
    {
      Sid: "SearchCredentials",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: secretPolicyArns,
    },
    keyUse("SearchCredentialsKey", ["kms:Decrypt"], secretKey, {
      StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
    }),
    {
      Sid: metricsSid,
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      // PutMetricData has no resource ARNs; the namespace condition is how it is scoped.
      Resource: ["*"],
      Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACES.search } },
    },
  ];
}
