// The log line schema is one contract (functions/contractLog.ts): the Lambdas write JSON lines, a
// metric filter pages on one of their events and the dashboard queries their fields. Expectations
// are literals; the writers are run (the orchestrator's package as the plan would deploy it) and
// the readers are read from the offline plan, so a renamed field or event fails here instead of
// leaving a filter that never matches.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import {
  LOG_COMPONENTS,
  LOG_EVENTS,
  LOG_FIELDS,
  LOG_TIER_FUNCTIONS,
} from "../functions/contractLog";
import { memoryLogger } from "../functions/region/log";
import { PROJECT_DIR } from "../plan/stackConfig";
import { withLambdaPackage } from "./helpers/lambdaPackage";
import { one, planOf } from "./helpers/plan";

describe("contract: the log line schema", function () {
  this.timeout(300_000);

  it("is exactly these names", () => {
    assert.deepStrictEqual(LOG_FIELDS, {
      level: "level",
      event: "event",
      time: "time",
      component: "component",
      region: "region",
      fn: "fn",
      outcome: "outcome",
      reason: "reason",
      message: "message",
    });
    assert.deepStrictEqual(LOG_COMPONENTS, {
      orchestrator: "region-orchestrator",
      detector: "region-detector",
      witness: "region-witness",
      fence: "region-fence",
      cli: "promote-cli",
      cliObserve: "promote-cli-observe",
    });
    assert.deepStrictEqual(LOG_TIER_FUNCTIONS, {
      cacheEndpointSync: "cacheEndpointSync",
      searchHealth: "searchHealth",
      searchReplication: "searchReplication",
    });
    assert.deepStrictEqual(LOG_EVENTS, {
      rejected: "event-rejected",
      detectorError: "detector-error",
    });
  });

  it("a region function's line carries level, event, time and its context", () => {
    const { logger, lines } = memoryLogger();
    logger.child({ component: "region-detector", region: "eu-west-1" }).warn("operator-hold");
    assert.deepStrictEqual(Object.keys(lines[0]), [
      "level",
      "event",
      "time",
      "component",
      "region",
    ]);
    assert.strictEqual(lines[0].event, "operator-hold");
    assert.ok(!Number.isNaN(Date.parse(String(lines[0].time))));
  });

  it("the orchestrator's package writes the line its log group's metric filter pages on", async () => {
    const plan = await planOf("prod-euw1");
    const fn = one(plan, "aws:lambda/function:Function", "-failover-orchestrator-fn");
    const filter = one(
      plan,
      "aws:cloudwatch/logMetricFilter:LogMetricFilter",
      "-rejected-requests",
    );
    assert.strictEqual(filter.inputs.pattern, '"event-rejected"');
    assert.strictEqual(filter.inputs.logGroupName, fn.inputs.loggingConfig.logGroup);

    const clients = [DynamoDBClient, ElastiCacheClient, RDSClient, SSMClient].map((c) =>
      mockClient(c as any),
    );
    const saved = { settings: process.env.FAILOVER_SETTINGS, log: console.log };
    const written: string[] = [];
    process.env.FAILOVER_SETTINGS = fn.inputs.environment.variables.FAILOVER_SETTINGS;
    console.log = (line: string) => written.push(line);
    try {
      await withLambdaPackage(plan, fn, (load) =>
        load().handler({ source: "somewhere.else" }, { awsRequestId: "r1" }),
      );
    } finally {
      console.log = saved.log;
      process.env.FAILOVER_SETTINGS = saved.settings;
      clients.forEach((c) => c.restore());
    }
    const rejected = written.map((l) => JSON.parse(l)).filter((l) => l.level === "warn");
    assert.deepStrictEqual(
      rejected.map((l) => [l.event, l.component, l.region]),
      [["event-rejected", "region-orchestrator", "eu-west-1"]],
    );
    // A quoted term matches the term anywhere in the line ("Filter pattern syntax for metric
    // filters", CloudWatch Logs): the JSON line holds it as a value.
    assert.ok(written.some((l) => l.includes('"event-rejected"')));
  });

  it("the dashboard queries the fields the tier functions write, and they write them", async () => {
    const dashboard = one(await planOf("prod-euw1"), "aws:cloudwatch/dashboard:Dashboard");
    const log = JSON.parse(dashboard.inputs.dashboardBody).widgets.find(
      (w: { type: string }) => w.type === "log",
    );
    assert.match(
      log.properties.query,
      /\| fields @timestamp, fn, outcome, reason \| filter ispresent\(outcome\) \|/,
    );
    // Each tier function names itself in `fn` through the contract, never with a literal.
    const functions = path.join(PROJECT_DIR, "functions");
    const sources = ["cacheEndpointSync.ts", "searchHealth.ts", "searchReplication/handler.ts"];
    for (const source of sources) {
      const text = fs.readFileSync(path.join(functions, source), "utf8");
      assert.match(text, /\bfn: LOG_TIER_FUNCTIONS\.\w+/, source);
      assert.doesNotMatch(text, /\bfn: "/, source);
    }
  });
});
