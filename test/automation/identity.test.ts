// Who the operator is (automation/identity.ts): sts:GetCallerIdentity in the region asked for,
// its ARN as the lease holder's name, and a clear error when STS names nobody.
import assert from "node:assert/strict";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { stsIdentity } from "../../automation/identity";

const ARN = "arn:aws:sts::123456789012:assumed-role/dr-operator/alice";

describe("promote CLI: the operator's identity", () => {
  let sts: AwsClientStub<STSClient>;
  before(() => {
    sts = mockClient(STSClient);
  });
  after(() => sts.restore());
  beforeEach(() => sts.reset());

  it("is the ARN STS signs the requests as, asked in the given region", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ARN, Account: "123456789012" });
    assert.equal(await stsIdentity("eu-west-1")(), ARN);
    const calls = sts.commandCalls(GetCallerIdentityCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].args[0].input, {});
    const client = calls[0].thisValue as STSClient;
    assert.equal(await client.config.region(), "eu-west-1");
    assert.equal(await client.config.maxAttempts(), 3);
  });

  it("an answer without an ARN is an error, not an anonymous operator", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    await assert.rejects(stsIdentity("us-east-1")(), /sts:GetCallerIdentity returned no ARN/);
  });

  it("an STS failure reaches the caller", async () => {
    sts.on(GetCallerIdentityCommand).rejects(new Error("ExpiredToken: the session expired"));
    await assert.rejects(stsIdentity("us-east-1")(), /ExpiredToken/);
  });
});
