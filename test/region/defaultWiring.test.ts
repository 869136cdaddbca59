// The Lambdas' default wiring, as deployed: no client injected. Every other test hands the code
// its clients, so a client built for the wrong region (the fence reading the authority in its own
// region would never see a failover, and never fence the old primary) or the wrong table passed
// unnoticed. Expected regions and names are literals, not read back from the settings.
import * as assert from "assert";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EFSClient } from "@aws-sdk/client-efs";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DEFAULT_SDK_TIMEOUTS } from "../../functions/region/clients";
import { createDetectorHandler, defaultDetectorDeps } from "../../functions/region/detector";
import { createFenceHandler } from "../../functions/region/fence";
import type { Logger } from "../../functions/region/log";
import { defaultOrchestratorDeps } from "../../functions/region/orchestrator";
import { createWitnessHandler } from "../../functions/region/witness";
import { testSettings } from "./helpers/fixtures";
import { recordSdkCalls, SdkRecorder } from "./helpers/sdkCalls";

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => SILENT };

/** An authority item naming `active` the active region (the table's item shape). */
const authorityItem = (active: string) => ({
  Item: { pk: { S: "authority" }, epoch: { N: "3" }, activeRegion: { S: active } },
});

/** The fence of prod-use1 or prod-euw1 as regionStack.ts configures it. */
const fenceSettings = (localRegion: string) => {
  const stack = localRegion === "us-east-1" ? "prod-use1" : "prod-euw1";
  return {
    localRegion,
    initialActiveRegion: "us-east-1",
    authority: { tableName: "magento-dr-authority", region: "eu-west-1" },
    autoScalingGroupName: `magento-dr-${stack}-asg`,
    standbyCapacity: { min: 0, desired: 0 },
    maintenanceParameter: `/magento-dr/${stack}/maintenance`,
    deadlineMs: 5_000,
    sdk: DEFAULT_SDK_TIMEOUTS,
  };
};

describe("default wiring: each Lambda's clients, regions and table as deployed", () => {
  let sdk: SdkRecorder;
  beforeEach(() => {
    sdk = recordSdkCalls([
      DynamoDBClient,
      AutoScalingClient,
      SSMClient,
      RDSClient,
      ElastiCacheClient,
      CloudWatchClient,
      SNSClient,
      EFSClient,
      Route53Client,
    ]);
  });
  afterEach(() => sdk.restore());

  it("the fence in the old primary reads the authority in the authority region, then fences locally", async () => {
    sdk.stubs.get("DynamoDBClient")!.on(GetItemCommand).resolves(authorityItem("eu-west-1"));
    const fence = createFenceHandler(fenceSettings("us-east-1"), { log: SILENT });
    const report = await fence();
    assert.strictEqual(report.fenced, true, report.reason);
    const calls = await sdk.calls();
    assert.deepStrictEqual(
      calls.map((c) => [c.region, c.command]),
      [
        ["eu-west-1", "GetItemCommand"],
        ["us-east-1", "DescribeAutoScalingGroupsCommand"],
        ["us-east-1", "GetParameterCommand"],
        ["us-east-1", "PutParameterCommand"],
      ],
    );
    assert.deepStrictEqual(calls[0].input, {
      TableName: "magento-dr-authority",
      Key: { pk: { S: "authority" } },
      ConsistentRead: true,
    });
    assert.deepStrictEqual(calls[1].input, {
      AutoScalingGroupNames: ["magento-dr-prod-use1-asg"],
    });
    assert.deepStrictEqual(calls[3].input, {
      Name: "/magento-dr/prod-use1/maintenance",
      Value: "on",
      Type: "String",
      Overwrite: true,
    });
  });

  it("the fence in the active region renews its serving lease in the authority region, and changes nothing local", async () => {
    sdk.stubs.get("DynamoDBClient")!.on(GetItemCommand).resolves(authorityItem("eu-west-1"));
    sdk.stubs
      .get("DynamoDBClient")!
      .on(UpdateItemCommand)
      .resolves({
        Attributes: {
          ...authorityItem("eu-west-1").Item,
          servingRegion: { S: "eu-west-1" },
          servingExpiresAt: { N: "1900000100000" },
        },
      });
    const fence = createFenceHandler(
      { ...fenceSettings("eu-west-1"), servingRenewals: { count: 1, intervalMs: 0 } },
      { log: SILENT },
    );
    const report = await fence();
    assert.deepStrictEqual(
      [report.fenced, report.activeRegion, report.reason, report.servingExpiresAt],
      [false, "eu-west-1", "this region is active", 1900000100000],
    );
    const calls = await sdk.calls();
    assert.deepStrictEqual(
      calls.map((c) => c.command),
      ["GetItemCommand", "UpdateItemCommand"],
    );
    assert.deepStrictEqual(
      calls.map((c) => c.region),
      ["eu-west-1", "eu-west-1"],
      "the authority table's region, as deployed",
    );
  });

  // A standby whose authority table lives elsewhere than the region it runs in, so a swapped
  // region cannot pass by coincidence (as deployed, both are the standby region).
  const settings = () =>
    testSettings({
      localRegion: "eu-west-1",
      authority: { tableName: "magento-dr-authority", region: "us-west-2" },
    });

  it("the orchestrator builds its step clients in the local region, the authority client in the authority region", async () => {
    const deps = defaultOrchestratorDeps(settings(), { log: SILENT });
    assert.strictEqual(await deps.authorityClient.config.region(), "us-west-2");
    const { region, ...clients } = deps.clients;
    assert.strictEqual(region, "eu-west-1");
    assert.deepStrictEqual(Object.keys(clients).sort(), [
      "autoScaling",
      "cloudWatch",
      "efs",
      "elastiCache",
      "lambda",
      "rds",
      "sns",
      "ssm",
    ]);
    for (const [name, client] of Object.entries(clients)) {
      assert.strictEqual(await client.config.region(), "eu-west-1", name);
      // The settings' SDK attempts (testSettings: 1), not the SDK's default of 3.
      assert.strictEqual(await client.config.maxAttempts(), 1, name);
    }
    assert.strictEqual(deps.lagReaders.length, 1);
  });

  it("the detector reads and writes the authority table in the authority region, probes locally", async () => {
    const deps = defaultDetectorDeps(settings(), { log: SILENT });
    assert.strictEqual(await deps.authorityClient.config.region(), "us-west-2");
    assert.strictEqual(await deps.clients.rds.config.region(), "eu-west-1");
    // Route 53's API is global; the client is the local one (functions/region/clients.ts).
    assert.strictEqual(await deps.route53.config.region(), "eu-west-1");

    sdk.stubs.get("DynamoDBClient")!.on(GetItemCommand).resolves({});
    const report = await createDetectorHandler(settings(), { log: SILENT })();
    assert.notStrictEqual(report.action, "error", report.reason);
    const calls = await sdk.calls();
    const dynamo = calls.filter((c) => c.client === "DynamoDBClient");
    assert.ok(dynamo.length > 0);
    for (const c of dynamo) {
      assert.deepStrictEqual([c.region, c.input.TableName], ["us-west-2", "magento-dr-authority"]);
    }
    for (const c of calls.filter((x) => x.client !== "DynamoDBClient")) {
      assert.strictEqual(c.region, "eu-west-1", `${c.client} ${c.command}`);
    }
  });

  it("the witness writes its verdicts to the authority table in the authority region", async () => {
    sdk.stubs.get("DynamoDBClient")!.on(GetItemCommand).resolves({});
    const s = settings();
    const witness = createWitnessHandler(
      { witnessRegion: "ap-southeast-2", settings: s },
      { log: SILENT },
    );
    const state = await witness();
    assert.ok(state, "the witness run failed");
    assert.strictEqual(state.target, "us-east-1");
    const calls = await sdk.calls();
    assert.ok(calls.some((c) => c.command === "PutItemCommand"));
    for (const c of calls) {
      assert.deepStrictEqual(
        [c.client, c.region, c.input.TableName],
        ["DynamoDBClient", "us-west-2", "magento-dr-authority"],
      );
    }
  });
});

describe("the fence's decisions, each call and each reason as literals", () => {
  let sdk: SdkRecorder;
  beforeEach(() => {
    sdk = recordSdkCalls([DynamoDBClient, AutoScalingClient, SSMClient]);
  });
  afterEach(() => sdk.restore());

  const authority = (...actives: string[]) => {
    const stub = sdk.stubs.get("DynamoDBClient")!.on(GetItemCommand);
    for (const a of actives) stub.resolvesOnce(authorityItem(a));
  };
  const group = (MinSize: number, DesiredCapacity: number) =>
    sdk.stubs
      .get("AutoScalingClient")!
      .on(DescribeAutoScalingGroupsCommand)
      .resolves({ AutoScalingGroups: [{ MinSize, DesiredCapacity } as any] });
  const run = () => createFenceHandler(fenceSettings("us-east-1"), { log: SILENT })();
  const commands = async () => (await sdk.calls()).map((c) => c.command);

  it("shrinks a group above the standby size (desired or minimum alone), after reading the authority again", async () => {
    for (const [min, desired] of [
      [2, 3],
      [1, 0],
      [0, 1],
    ]) {
      sdk.restore();
      sdk = recordSdkCalls([DynamoDBClient, AutoScalingClient, SSMClient]);
      authority("eu-west-1", "eu-west-1");
      group(min, desired);
      sdk.stubs
        .get("SSMClient")!
        .on(GetParameterCommand)
        .resolves({ Parameter: { Value: "on" } });
      const report = await run();
      assert.deepStrictEqual(report, {
        fenced: true,
        activeRegion: "eu-west-1",
        changes: [`asg ${desired} -> 0`],
        reason: "eu-west-1 is active",
      });
      const calls = await sdk.calls();
      assert.deepStrictEqual(
        calls.map((c) => c.command),
        [
          "GetItemCommand",
          "DescribeAutoScalingGroupsCommand",
          "GetItemCommand",
          "UpdateAutoScalingGroupCommand",
          "GetParameterCommand",
        ],
      );
      assert.deepStrictEqual(calls[3].input, {
        AutoScalingGroupName: "magento-dr-prod-use1-asg",
        MinSize: 0,
        DesiredCapacity: 0,
      });
    }
  });

  it("leaves a group at standby size and maintenance already on alone", async () => {
    authority("eu-west-1");
    group(0, 0);
    sdk.stubs
      .get("SSMClient")!
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: "on" } });
    assert.deepStrictEqual((await run()).changes, []);
    assert.deepStrictEqual(await commands(), [
      "GetItemCommand",
      "DescribeAutoScalingGroupsCommand",
      "GetParameterCommand",
    ]);
  });

  it("stops when the second read finds this region promoted in between", async () => {
    authority("eu-west-1", "us-east-1");
    group(2, 3);
    assert.deepStrictEqual(await run(), {
      fenced: false,
      activeRegion: "us-east-1",
      changes: [],
      reason: "this region became active",
    });
    assert.ok(!(await commands()).includes("UpdateAutoScalingGroupCommand"));
  });

  it("turns maintenance on when the parameter does not exist yet", async () => {
    authority("eu-west-1");
    group(0, 0);
    sdk.stubs
      .get("SSMClient")!
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error("not found"), { name: "ParameterNotFound" }));
    assert.deepStrictEqual((await run()).changes, ["maintenance on"]);
    assert.deepStrictEqual((await commands()).at(-1), "PutParameterCommand");
  });

  it("changes nothing when a local API fails (and says so), or when the group's ASG call fails", async () => {
    authority("eu-west-1");
    group(0, 0);
    sdk.stubs
      .get("SSMClient")!
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    assert.deepStrictEqual(await run(), {
      fenced: false,
      changes: [],
      reason: "authority or local API unreadable: nothing changed (denied)",
    });
    assert.ok(!(await commands()).includes("PutParameterCommand"));
  });
});
