// The CLI's AWS clients as the real run builds them (automation/cli.ts): bound to the region
// asked for, the authority client in the authority table's region (us-west-2 in the plan, neither
// production region), the settings' SDK bounds applied, and one client set per region reused for
// the whole run.
import assert from "node:assert/strict";
import type { RegionFailoverSettings } from "../../functions/region/settings";
import { sdkAwsFactory } from "../../automation/aws";

const settings = {
  authority: { region: "us-west-2", tableName: "magento-dr-authority" },
  sdk: { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 3 },
} as RegionFailoverSettings;

describe("promote CLI: the AWS clients", () => {
  it("binds each region's clients to it, reused per region, with the settings' attempts", async () => {
    const aws = sdkAwsFactory();
    const euw1 = aws.regional("eu-west-1", settings);
    const use1 = aws.regional("us-east-1", settings);
    assert.equal(aws.regional("eu-west-1", settings), euw1);
    assert.notEqual(use1, euw1);
    assert.equal(euw1.region, "eu-west-1");
    assert.equal(await euw1.rds.config.region(), "eu-west-1");
    assert.equal(await euw1.cloudWatch.config.region(), "eu-west-1");
    assert.equal(await use1.elastiCache.config.region(), "us-east-1");
    assert.equal(await use1.lambda.config.maxAttempts(), 3);
  });

  it("makes one authority client, in the authority region whatever region is promoted", async () => {
    const aws = sdkAwsFactory();
    const authority = aws.authority(settings);
    aws.regional("eu-west-1", settings);
    assert.equal(aws.authority({ ...settings, localRegion: "eu-west-1" }), authority);
    assert.equal(await authority.config.region(), "us-west-2");
    assert.equal(await authority.config.maxAttempts(), 3);
  });
});
