import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AlarmThresholds } from "../config";
import { cacheAlarmPrefix } from "./tierAutomation";
import { LOG_FIELDS } from "../functions/contractLog";
import {
  AWS_METRICS,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACES,
  REPLICATION_METRICS,
  SEARCH_METRICS,
} from "../functions/contractMetrics";

const GIB = 1024 ** 3;

export interface MonitoringArgs {
  region: string;
  accountId: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  thresholds: AlarmThresholds;
  /** Whether this region holds replicas (replication-lag alarms exist only there). */
  replicaRegion: boolean;
  activeRegion: string;
  /** Prefix of alarm and dashboard names that are not about one data store. */
  namePrefix: string;
  replicationGroupId: string;
  cacheNodes: number;
  databaseIdentifier: string;
  searchDomainName: string;
  albArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  /** Route 53 health check of this region's record (its metrics live in us-east-1). */
  healthCheckId?: pulumi.Input<string>;
  /** Log groups of the failover functions, for the dashboard's recent-events widget. */
  functionLogGroups: pulumi.Input<string>[];
}

interface AlarmSpec {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  comparisonOperator:
    "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  threshold: number;
  /** Consecutive one-minute periods before the alarm fires. */
  periods: number;
  /** @default "notBreaching" */
  treatMissingData?: "breaching" | "notBreaching" | "missing";
  /**
   * Only meaningful while this region is a standby: its actions are on only then (a promotion
   * turns them off at once, steps/database.ts; the next `up` with the new activeRegion agrees).
   */
  standbyOnly?: boolean;
}

/** The database's cross-region replica lag alarm: only a standby's database has one. */
export const replicaLagAlarmName = (databaseIdentifier: string) =>
  `${databaseIdentifier}-db-replica-lag`;

/**
 * What an operator watches in a region: alarms with thresholds from config on the cache, the
 * database, search, the load balancer and the search checker's tier health, all publishing to the
 * operator topic; RDS failover events forwarded to it; and a dashboard with the DR picture.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly alarmNames: string[] = [];
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:Monitoring", name, {}, opts);
    const t = args.thresholds;
    const alarm = (spec: AlarmSpec) => {
      this.alarmNames.push(spec.name);
      new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.name}`,
        {
          name: spec.name,
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: spec.dimensions,
          statistic: spec.statistic,
          period: 60,
          evaluationPeriods: spec.periods,
          datapointsToAlarm: spec.periods,
          comparisonOperator: spec.comparisonOperator,
          threshold: spec.threshold,
          treatMissingData: spec.treatMissingData ?? "notBreaching",
          alarmActions: [args.topicArn],
          okActions: [args.topicArn],
          ...(spec.standbyOnly ? { actionsEnabled: args.region !== args.activeRegion } : {}),
        },
        { parent: this },
      );
    };

    const cache = cacheAlarmPrefix(args.replicationGroupId);
    for (let i = 1; i <= args.cacheNodes; i++) {
      const node = `${args.replicationGroupId}-${String(i).padStart(3, "0")}`;
      const dimensions = { CacheClusterId: node };
      const cacheAlarm = (
        what: string,
        spec: Omit<AlarmSpec, "name" | "namespace" | "dimensions">,
      ) =>
        alarm({
          ...spec,
          name: `${cache}${what}-${node.slice(-3)}`,
          namespace: "AWS/ElastiCache",
          dimensions,
        });
      cacheAlarm("cpu", {
        description: `Redis engine CPU on ${node} above ${t.cacheEngineCpuPercent}%: Magento slows down`,
        metricName: "EngineCPUUtilization",
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.cacheEngineCpuPercent,
        periods: 5,
      });
      cacheAlarm("memory", {
        description: `Redis memory on ${node} above ${t.cacheMemoryPercent}%: evictions and lost sessions follow`,
        metricName: "DatabaseMemoryUsagePercentage",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.cacheMemoryPercent,
        periods: 5,
      });
      cacheAlarm("evictions", {
        description: `More than ${t.cacheEvictionsPerMinute} keys evicted per minute on ${node}`,
        metricName: "Evictions",
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.cacheEvictionsPerMinute,
        periods: 3,
      });
      cacheAlarm("connections", {
        description: `More than ${t.cacheConnections} connections on ${node}: a connection leak or a storm`,
        metricName: "CurrConnections",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.cacheConnections,
        periods: 3,
      });
      if (args.replicaRegion) {
        cacheAlarm("replication-lag", {
          description: `Global Datastore lag on ${node} above ${t.cacheReplicationLagSeconds} s: a failover would lose that much cache and sessions`,
          metricName: AWS_METRICS.globalDatastoreLag.metricName,
          statistic: "Maximum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.cacheReplicationLagSeconds,
          periods: 3,
        });
      }
    }

    const db = { DBInstanceIdentifier: args.databaseIdentifier };
    alarm({
      name: `${args.databaseIdentifier}-db-cpu`,
      description: `Database CPU above ${t.dbCpuPercent}%`,
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: db,
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.dbCpuPercent,
      periods: 5,
    });
    alarm({
      name: `${args.databaseIdentifier}-db-free-storage`,
      description: `Database free storage below ${t.dbFreeStorageGiB} GiB`,
      namespace: "AWS/RDS",
      metricName: "FreeStorageSpace",
      dimensions: db,
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: t.dbFreeStorageGiB * GIB,
      periods: 5,
    });
    if (args.replicaRegion) {
      alarm({
        name: replicaLagAlarmName(args.databaseIdentifier),
        description: `Cross-region replica lag above ${t.dbReplicaLagSeconds} s: the RPO of a failover now`,
        ...AWS_METRICS.rdsReplicaLag,
        dimensions: db,
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.dbReplicaLagSeconds,
        periods: 3,
        // No datapoints from a replica means replication is broken, not fine. A promoted
        // database publishes none either (ReplicaLag is "for read replica configurations", RDS
        // User Guide, "Amazon CloudWatch metrics for Amazon RDS"): hence standbyOnly, or the
        // alarm would sit in ALARM, hiding the next real page, for as long as the region serves.
        treatMissingData: "breaching",
        standbyOnly: true,
      });
    }

    const es = { DomainName: args.searchDomainName, ClientId: args.accountId };
    const searchAlarm = (spec: Omit<AlarmSpec, "namespace" | "dimensions">) =>
      alarm({ ...spec, namespace: "AWS/ES", dimensions: es });
    searchAlarm({
      name: `${args.searchDomainName}-search-red`,
      description: "OpenSearch cluster red: a primary shard is unassigned, catalog search fails",
      metricName: "ClusterStatus.red",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      periods: 1,
    });
    searchAlarm({
      name: `${args.searchDomainName}-search-yellow`,
      description:
        "OpenSearch cluster yellow for 5 minutes: replicas unassigned, one more node loss is an outage",
      metricName: "ClusterStatus.yellow",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      periods: 5,
    });
    searchAlarm({
      name: `${args.searchDomainName}-search-free-storage`,
      description: `OpenSearch free storage below ${t.searchFreeStorageGiB} GiB on a node`,
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      // AWS/ES reports FreeStorageSpace in megabytes.
      threshold: t.searchFreeStorageGiB * 1024,
      periods: 5,
    });
    searchAlarm({
      name: `${args.searchDomainName}-search-jvm-pressure`,
      description: `OpenSearch JVM memory pressure above ${t.searchJvmPressurePercent}%`,
      metricName: "JVMMemoryPressure",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.searchJvmPressurePercent,
      periods: 5,
    });
    alarm({
      name: `${args.searchDomainName}-search-tier-unhealthy`,
      description:
        "The endpoint Magento uses for search failed the health checker for 3 minutes (or the checker stopped reporting)",
      namespace: METRIC_NAMESPACES.search,
      metricName: SEARCH_METRICS.tierHealth,
      dimensions: {},
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      periods: 3,
      treatMissingData: "breaching",
    });

    // Cross-cluster replication, from the search replication function's metrics (docs/search.md).
    const replication = { [METRIC_DIMENSIONS.domainName]: args.searchDomainName };
    alarm({
      name: `${args.searchDomainName}-search-replication-stopped`,
      description:
        "The region's search domain does not follow the active region (rule missing, an index paused or failed, nothing following), or the replication function stopped reporting, for 5 minutes",
      namespace: METRIC_NAMESPACES.search,
      metricName: REPLICATION_METRICS.healthy,
      dimensions: replication,
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      periods: 5,
      treatMissingData: "breaching",
    });
    alarm({
      name: `${args.searchDomainName}-search-replication-behind`,
      description: `Follower indices trail their leaders by more than ${t.searchReplicationLagOperations} operations for 10 minutes`,
      namespace: METRIC_NAMESPACES.search,
      metricName: REPLICATION_METRICS.lag,
      dimensions: replication,
      statistic: "Minimum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.searchReplicationLagOperations,
      periods: 10,
    });

    const lb = { LoadBalancer: args.albArnSuffix };
    alarm({
      name: `${args.namePrefix}-alb-5xx`,
      description: `More than ${t.alb5xxPerMinute} load-balancer 5xx responses per minute`,
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: lb,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.alb5xxPerMinute,
      periods: 3,
    });
    alarm({
      name: `${args.namePrefix}-alb-unhealthy-hosts`,
      description: "A Magento instance fails the load balancer's health check",
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions: { ...lb, TargetGroup: args.targetGroupArnSuffix },
      statistic: "Maximum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      periods: 3,
    });

    const rdsEvents = new aws.cloudwatch.EventRule(
      `${name}-rds-failover`,
      {
        description: `RDS failover and recovery events of ${args.databaseIdentifier}`,
        eventPattern: JSON.stringify({
          source: ["aws.rds"],
          "detail-type": ["RDS DB Instance Event"],
          detail: {
            SourceIdentifier: [args.databaseIdentifier],
            EventCategories: ["failover", "recovery", "failure"],
          },
        }),
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-rds-failover`,
      { rule: rdsEvents.name, arn: args.topicArn },
      { parent: this },
    );

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dr`,
      {
        dashboardName: `${args.namePrefix}-dr`,
        dashboardBody: dashboardBody(args),
      },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}

function dashboardBody(args: MonitoringArgs): pulumi.Output<string> {
  const metricWidget = (
    title: string,
    metrics: unknown[][],
    x: number,
    y: number,
    region = args.region,
  ) => ({
    type: "metric",
    x,
    y,
    width: 8,
    height: 6,
    properties: { title, region, metrics, period: 60, stat: "Maximum", view: "timeSeries" },
  });
  const widgets: unknown[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown:
          `## ${args.region}: ${args.region === args.activeRegion ? "ACTIVE" : `standby (active: ${args.activeRegion})`}\n` +
          "Role as deployed; after an automatic failover the authority table and the `active-region` parameter are the truth.",
      },
    },
    metricWidget(
      "Replication lag per tier (s)",
      [
        [
          AWS_METRICS.rdsReplicaLag.namespace,
          AWS_METRICS.rdsReplicaLag.metricName,
          "DBInstanceIdentifier",
          args.databaseIdentifier,
        ],
        [
          AWS_METRICS.globalDatastoreLag.namespace,
          AWS_METRICS.globalDatastoreLag.metricName,
          "CacheClusterId",
          `${args.replicationGroupId}-001`,
        ],
      ],
      0,
      2,
    ),
    metricWidget(
      "Search tier health (1 = healthy)",
      [[METRIC_NAMESPACES.search, SEARCH_METRICS.tierHealth]],
      8,
      2,
    ),
  ];
  if (args.healthCheckId) {
    // Route 53 publishes health-check metrics only in us-east-1.
    widgets.push(
      metricWidget(
        "Route 53 health check (1 = healthy)",
        [["AWS/Route53", "HealthCheckStatus", "HealthCheckId", args.healthCheckId]],
        16,
        2,
        "us-east-1",
      ),
    );
  }
  widgets.push({
    type: "log",
    x: 0,
    y: 8,
    width: 24,
    height: 6,
    properties: {
      title: "Last failover events",
      region: args.region,
      query: pulumi
        .all(args.functionLogGroups)
        .apply(
          (groups) =>
            `SOURCE ${groups.map((g) => `'${g}'`).join(" | SOURCE ")} | fields @timestamp, ${LOG_FIELDS.fn}, ${LOG_FIELDS.outcome}, ${LOG_FIELDS.reason} | filter ispresent(${LOG_FIELDS.outcome}) | sort @timestamp desc | limit 20`,
        ),
      view: "table",
    },
  });
  return pulumi.jsonStringify({ widgets });
}
