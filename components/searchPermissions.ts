import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "./failoverFunction";

import { SEARCH_METRIC_NAMESPACE } from "./tierAutomation";

export { SEARCH_METRIC_NAMESPACE };

/**
 * What a function that signs in to a search domain needs: the domain user's secret, the key it is
 * encrypted with (only through Secrets Manager), and its own metrics namespace.
 */
export function searchFunctionStatements(
  region: string,
  secretArn: pulumi.Input<string>,
  secretKeyArn: pulumi.Input<string>,
  metricsSid: string,
): PolicyStatement[] {
  return [
    {
      Sid: "SearchCredentials",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [secretArn],
    },
    {
      Sid: "SearchCredentialsKey",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [secretKeyArn],
      Condition: {
        StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
      },
    },
    {
      Sid: metricsSid,
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      // PutMetricData has no resource ARNs; the namespace condition is how it is scoped.
      Resource: ["*"],
      Condition: { StringEquals: { "cloudwatch:namespace": SEARCH_METRIC_NAMESPACE } },
    },
  ];
}
