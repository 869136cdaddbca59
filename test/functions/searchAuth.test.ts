import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { basicAuthFromSecret } from "../../functions/searchAuth";

describe("search probe credentials", () => {
  it("reads the secret once per five minutes and builds a Basic header", async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      secrets
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ username: "magento", password: "p:ss" }) });
      let clock = 0;
      const headers = basicAuthFromSecret("eu-west-1", "arn:search", { now: () => clock });
      const expected = { Authorization: `Basic ${Buffer.from("magento:p:ss").toString("base64")}` };
      assert.deepStrictEqual(await headers(), expected);
      clock = 60_000;
      assert.deepStrictEqual(await headers(), expected);
      assert.strictEqual(secrets.commandCalls(GetSecretValueCommand).length, 1);
      clock = 6 * 60_000;
      await headers();
      assert.strictEqual(secrets.commandCalls(GetSecretValueCommand).length, 2);
      assert.strictEqual(
        secrets.commandCalls(GetSecretValueCommand)[0].args[0].input.SecretId,
        "arn:search",
      );
    } finally {
      secrets.restore();
    }
  });

  it("refuses a secret without username and password instead of probing anonymously", async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      secrets.on(GetSecretValueCommand).resolves({ SecretString: "not json" });
      await assert.rejects(
        basicAuthFromSecret("eu-west-1", "arn:search")(),
        /must hold \{"username", "password"\}/,
      );
    } finally {
      secrets.restore();
    }
  });
});
