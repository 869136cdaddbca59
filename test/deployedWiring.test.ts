// The packaged Lambdas as the program deploys them, run with their deployed environment and no
// injected client: each AWS call must reach the region and the table or group the deployment
// names (literals below). Other tests inject clients, so this is where a client built for the
// wrong region fails.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { SSMClient } from "@aws-sdk/client-ssm";
import { PROJECT_DIR } from "../plan/stackConfig";
import { one, planOf } from "./helpers/plan";
import { recordSdkCalls, SdkRecorder } from "./region/helpers/sdkCalls";

const FUNCTION = "aws:lambda/function:Function";

/** Loads the package the program built for the function named *suffix, as Lambda would. */
async function packaged(stack: string, suffix: string) {
  const plan = await planOf(stack);
  const fn = one(plan, FUNCTION, suffix);
  // One file per package: require() caches by path.
  const file = path.join(PROJECT_DIR, `.lambda-wiring-${stack}${suffix}-${process.pid}.js`);
  fs.writeFileSync(file, plan.run.packages.get(fn.urn)!.indexJs!);
  try {
    return {
      fn,
      handler: require(file).handler as (event: unknown, context?: unknown) => Promise<any>,
    };
  } finally {
    fs.rmSync(file);
  }
}

describe("deployed wiring: the packaged Lambdas call the right region", () => {
  let sdk: SdkRecorder;
  beforeEach(() => {
    sdk = recordSdkCalls([DynamoDBClient, AutoScalingClient, SSMClient, ElastiCacheClient]);
  });
  afterEach(() => sdk.restore());

  it("prod-use1's fence reads magento-dr-authority in the witness region (us-west-2) and fences us-east-1 after a failover", async () => {
    sdk.stubs
      .get("DynamoDBClient")!
      .on(GetItemCommand)
      .resolves({ Item: { pk: { S: "authority" }, activeRegion: { S: "eu-west-1" } } });
    const { handler } = await packaged("prod-use1", "-fence-fn");
    const report = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });
    assert.strictEqual(report.fenced, true, report.reason);
    const calls = await sdk.calls();
    assert.deepStrictEqual(
      calls.map((c) => [c.region, c.command]),
      [
        ["us-west-2", "GetItemCommand"],
        ["us-east-1", "DescribeAutoScalingGroupsCommand"],
        ["us-east-1", "GetParameterCommand"],
        ["us-east-1", "PutParameterCommand"],
      ],
    );
    assert.strictEqual(calls[0].input.TableName, "magento-dr-authority");
    assert.match(String(calls[3].input.Name), /^\/magento-dr\/prod-use1\/.*maintenance/);
  });

  it("prod-euw1's fence reads the same table in us-west-2 and stays out of the way while us-east-1 is active", async () => {
    const { handler } = await packaged("prod-euw1", "-fence-fn");
    const report = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });
    assert.strictEqual(report.fenced, true, report.reason);
    const calls = await sdk.calls();
    assert.deepStrictEqual(calls[0], {
      client: "DynamoDBClient",
      command: "GetItemCommand",
      region: "us-west-2",
      input: {
        TableName: "magento-dr-authority",
        Key: { pk: { S: "authority" } },
        ConsistentRead: true,
      },
    });
    for (const c of calls.slice(1)) assert.strictEqual(c.region, "eu-west-1", c.command);
  });
});
