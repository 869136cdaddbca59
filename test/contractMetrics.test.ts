// The metric namespaces and names are one contract (functions/contractMetrics.ts): the Lambdas, the
// instances and the operator CLI publish or read them, the components alarm on them, filter logs
// into them and scope PutMetricData to them. Expectations are literals; both sides are read from
// the offline plan (alarms, filters, dashboards, IAM conditions, the settings the Lambdas get) and
// from the instance script, so a metric published under one name and alarmed under another fails
// here instead of leaving an alarm that can never fire.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  AWS_METRICS,
  FAILOVER_REQUEST_METRICS,
  INSTANCE_METRICS,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACES,
  REGION_GATE_METRICS,
  regionGateNamespace,
  REPLICATION_METRICS,
  SEARCH_METRICS,
} from "../functions/contractMetrics";
import { resolveSearchHealthSettings } from "../functions/searchHealth";
import { rdsReplicaLagMetric } from "../functions/region/lag";
import { cacheLagMetric } from "../automation/lag";
import { PROJECT_DIR } from "../plan/stackConfig";
import { StackPlan } from "../plan/plan";
import { one, ofType, planOf } from "./helpers/plan";

/** "namespace metric" of every alarm, metric filter and dashboard widget metric of a plan. */
function metricsUsed(plan: StackPlan): string[] {
  const used = new Set<string>();
  for (const alarm of ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")) {
    if (alarm.inputs.namespace) used.add(`${alarm.inputs.namespace} ${alarm.inputs.metricName}`);
  }
  for (const filter of ofType(plan, "aws:cloudwatch/logMetricFilter:LogMetricFilter")) {
    const t = filter.inputs.metricTransformation;
    used.add(`${t.namespace} ${t.name}`);
  }
  for (const dashboard of ofType(plan, "aws:cloudwatch/dashboard:Dashboard")) {
    for (const widget of JSON.parse(dashboard.inputs.dashboardBody).widgets) {
      for (const metric of widget.properties?.metrics ?? []) used.add(`${metric[0]} ${metric[1]}`);
    }
  }
  return [...used].filter((m) => !m.startsWith("AWS/")).sort();
}

/** The namespaces the plan's IAM documents let PutMetricData write to. */
function putMetricNamespaces(plan: StackPlan): string[] {
  const namespaces = new Set<string>();
  for (const policy of ofType(plan, "aws:iam/rolePolicy:RolePolicy")) {
    const document =
      typeof policy.inputs.policy === "string"
        ? JSON.parse(policy.inputs.policy)
        : policy.inputs.policy;
    for (const statement of document.Statement) {
      const namespace = statement.Condition?.StringEquals?.["cloudwatch:namespace"];
      if (namespace) namespaces.add(`${policy.name}: ${namespace}`);
    }
  }
  return [...namespaces].sort();
}

describe("contract: metric namespaces and names", function () {
  this.timeout(300_000);

  it("is exactly these names", () => {
    assert.deepStrictEqual(METRIC_NAMESPACES, {
      search: "MagentoDR/Search",
      instances: "MagentoDR/Instances",
      failoverRequests: "MagentoDR/FailoverRequests",
    });
    assert.strictEqual(regionGateNamespace("magento-dr"), "magento-dr/RegionGate");
    assert.deepStrictEqual(REGION_GATE_METRICS, {
      failoverActive: "FailoverActive",
      capacityNotReached: "PromotionCapacityNotReached",
      trackFailed: "PromotionTrackFailed",
    });
    assert.deepStrictEqual(SEARCH_METRICS, {
      endpointHealth: "EndpointHealth",
      tierHealth: "TierHealth",
    });
    assert.deepStrictEqual(REPLICATION_METRICS, {
      healthy: "ReplicationHealthy",
      lag: "ReplicationLagOperations",
      followingIndices: "FollowingIndices",
    });
    assert.deepStrictEqual(INSTANCE_METRICS, { endpointRejected: "EndpointRejected" });
    assert.deepStrictEqual(FAILOVER_REQUEST_METRICS, {
      rejected: "RejectedFailoverRequests",
      detectorErrors: "DetectorErrors",
    });
    assert.deepStrictEqual(METRIC_DIMENSIONS, {
      autoScalingGroup: "AutoScalingGroupName",
      track: "Track",
      stack: "Stack",
      endpoint: "Endpoint",
      domainName: "DomainName",
    });
    assert.deepStrictEqual(AWS_METRICS, {
      rdsReplicaLag: { namespace: "AWS/RDS", metricName: "ReplicaLag" },
      globalDatastoreLag: {
        namespace: "AWS/ElastiCache",
        metricName: "GlobalDatastoreReplicationLag",
      },
    });
  });

  it("the stacks alarm on, filter into and draw exactly these of our metrics", async () => {
    const common = [
      "MagentoDR/Instances EndpointRejected",
      "MagentoDR/Search ReplicationHealthy",
      "MagentoDR/Search ReplicationLagOperations",
      "MagentoDR/Search TierHealth",
      // The home stack creates the gate alarm in the standby region (components/dns.ts).
      "magento-dr/RegionGate FailoverActive",
    ];
    assert.deepStrictEqual(metricsUsed(await planOf("prod-use1")), common);
    assert.deepStrictEqual(
      metricsUsed(await planOf("prod-euw1")),
      [
        ...common,
        "MagentoDR/FailoverRequests DetectorErrors",
        "MagentoDR/FailoverRequests RejectedFailoverRequests",
        "magento-dr/RegionGate PromotionCapacityNotReached",
        "magento-dr/RegionGate PromotionTrackFailed",
      ].sort(),
    );
  });

  it("the alarms on our metrics select these dimensions, which the instances send", async () => {
    const selected = new Set<string>();
    for (const stack of ["prod-use1", "prod-euw1"]) {
      for (const alarm of ofType(await planOf(stack), "aws:cloudwatch/metricAlarm:MetricAlarm")) {
        if (!alarm.inputs.namespace || alarm.inputs.namespace.startsWith("AWS/")) continue;
        const keys = Object.keys(alarm.inputs.dimensions ?? {});
        selected.add(`${alarm.inputs.metricName}: ${keys.join(",")}`);
      }
    }
    assert.deepStrictEqual([...selected].sort(), [
      "DetectorErrors: ",
      "EndpointRejected: Stack",
      "FailoverActive: ",
      "PromotionCapacityNotReached: AutoScalingGroupName",
      "PromotionTrackFailed: ",
      "RejectedFailoverRequests: ",
      "ReplicationHealthy: DomainName",
      "ReplicationLagOperations: DomainName",
      "TierHealth: ",
    ]);
    const script = fs.readFileSync(
      path.join(PROJECT_DIR, "components", "bootstrap", "magento-dr.sh"),
      "utf8",
    );
    assert.match(script, /--dimensions "Stack=\$STACK"/);
  });

  it("each publisher may write only to its namespace of the contract", async () => {
    assert.deepStrictEqual(putMetricNamespaces(await planOf("prod-use1")), [
      "prod-use1-app-instance: MagentoDR/Instances",
      "prod-use1-search-replication-fn-policy: MagentoDR/Search",
      "prod-use1-tiers-search-health-policy: MagentoDR/Search",
    ]);
    assert.deepStrictEqual(putMetricNamespaces(await planOf("prod-euw1")), [
      "prod-euw1-app-instance: MagentoDR/Instances",
      "prod-euw1-failover-detector-policy: magento-dr/RegionGate",
      "prod-euw1-failover-orchestrator-policy: magento-dr/RegionGate",
      "prod-euw1-search-replication-fn-policy: MagentoDR/Search",
      "prod-euw1-tiers-search-health-policy: MagentoDR/Search",
    ]);
  });

  it("the failover Lambdas are deployed publishing the gate, capacity and track metrics under these names", async () => {
    const plan = await planOf("prod-euw1");
    for (const suffix of ["-failover-orchestrator-fn", "-failover-detector-fn"]) {
      const fn = one(plan, "aws:lambda/function:Function", suffix);
      const settings = JSON.parse(fn.inputs.environment.variables.FAILOVER_SETTINGS);
      assert.deepStrictEqual(
        {
          gate: { namespace: settings.gate.namespace, metricName: settings.gate.metricName },
          capacity: settings.capacityAlarmMetricName,
          track: settings.trackAlarmMetricName,
        },
        {
          gate: { namespace: "magento-dr/RegionGate", metricName: "FailoverActive" },
          capacity: "PromotionCapacityNotReached",
          track: "PromotionTrackFailed",
        },
        suffix,
      );
    }
  });

  it("the other publishers and readers default to these names", () => {
    const search = resolveSearchHealthSettings({
      region: "eu-west-1",
      endpoints: ["https://search.example"],
      endpointParameterName: "/p/s/search/endpoint",
      stateParameterName: "/p/s/automation/search-health-state",
      epochParameterName: "/p/s/epoch",
    });
    assert.strictEqual(search.metricNamespace, "MagentoDR/Search");
    const rds = rdsReplicaLagMetric("db-1");
    assert.deepStrictEqual([rds.namespace, rds.metricName], ["AWS/RDS", "ReplicaLag"]);
    const cache = cacheLagMetric("cache-1");
    assert.deepStrictEqual(
      [cache.namespace, cache.metricName],
      ["AWS/ElastiCache", "GlobalDatastoreReplicationLag"],
    );
    // The instances publish with `count_metric <name>` (magento-dr.sh), under METRIC_NAMESPACE.
    const script = fs.readFileSync(
      path.join(PROJECT_DIR, "components", "bootstrap", "magento-dr.sh"),
      "utf8",
    );
    const published = [...script.matchAll(/^\s*count_metric (\w+)/gm)].map((m) => m[1]);
    assert.deepStrictEqual([...new Set(published)], ["EndpointRejected"]);
  });
});
