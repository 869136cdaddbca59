// Who the operator is, as AWS establishes it: the principal the CLI's requests are signed as.
// sts:GetCallerIdentity needs no permission ("GetCallerIdentity", AWS STS API Reference: "No
// permissions are required to perform this operation"), so every operator can be named, and the
// name cannot be typed in: the lease holder and the audit record this ARN, which is also what
// CloudTrail shows for each of the run's calls.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export type IdentityReader = () => Promise<string>;

/** The caller's ARN; for an assumed role `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
export function stsIdentity(region: string, timeoutMs = 10_000): IdentityReader {
  return async () => {
    const sts = new STSClient({
      region,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
      }),
    });
    try {
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
      if (!Arn) throw new Error("sts:GetCallerIdentity returned no ARN");
      return Arn;
    } finally {
      sts.destroy();
    }
  };
}
