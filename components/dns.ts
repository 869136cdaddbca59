import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FailoverRole } from "../config";
import { regionalHostName, regionGateAlarmName, regionGateMetric } from "./regionGate";
import { SERVING_HEALTH_PATH } from "./healthPaths";

/** Route 53's fastest standard cadence; with 3 failures a dead region is seen in about 30 s. */
export const HEALTH_CHECK_INTERVAL_SECONDS = 10;
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;

export interface GlobalDnsArgs {
  hostedZoneId: pulumi.Input<string>;
  /** The shop's public name. */
  domainName: pulumi.Input<string>;
  /** PRIMARY for the home region, SECONDARY for the next region by priority; none for others. */
  role?: FailoverRole;
  /** Identifies this region's record in the failover pair. */
  region: string;
  albDnsName: pulumi.Input<string>;
  albZoneId: pulumi.Input<string>;
  /**
   * The region gate: on the PRIMARY record, the health check becomes ALB check AND a check that
   * follows the gate alarm, created here in the standby region (resource-level `region`).
   */
  gate?: { project: string; homeRegion: string; alarmRegion: string };
}

/**
 * This region's half of the public failover pair. Each stack owns only its own record, and the
 * records never change on failover: traffic moves because health checks change, which Route 53
 * evaluates in its data plane, not because anyone calls its control plane during an outage.
 */
export class GlobalDns extends pulumi.ComponentResource {
  public readonly albHealthCheckId: pulumi.Output<string>;
  /** The check deciding whether this region's failover record answers (gated on PRIMARY). */
  public readonly recordHealthCheckId?: pulumi.Output<string>;

  constructor(name: string, args: GlobalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:dns:GlobalDns", name, {}, opts);

    // The serving path (healthPaths.ts): nginx without PHP, 503 while Magento is in maintenance.
    // So a region in maintenance (a warm standby before its promotion, a fenced old primary) is
    // unhealthy here and its failover record never answers with a maintenance page; and a
    // database failover in the active region (health_check.php failing) does not fail it. While
    // the standby's record is unhealthy Route 53 answers with the primary's "regardless of the
    // health of the primary" (Route 53 API Reference, ResourceRecordSet, Failover): a blip of the
    // primary keeps shoppers there instead of sending them to a standby's maintenance page.
    const albCheck = new aws.route53.HealthCheck(
      `${name}-alb`,
      {
        type: "HTTPS",
        fqdn: args.albDnsName,
        port: 443,
        resourcePath: SERVING_HEALTH_PATH,
        enableSni: true,
        requestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
        failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
        measureLatency: true,
        invertHealthcheck: false,
        disabled: false,
        tags: { Name: `${name}-alb`, region: args.region },
      },
      { parent: this },
    );
    // The name the canaries probe: this region's ALB, by a name its certificate covers.
    new aws.route53.Record(
      `${name}-regional`,
      {
        zoneId: args.hostedZoneId,
        name: regionalHostName(args.region, String(args.domainName)),
        type: "A",
        aliases: [{ name: args.albDnsName, zoneId: args.albZoneId, evaluateTargetHealth: true }],
      },
      { parent: this },
    );

    let recordCheckId: pulumi.Output<string> | undefined;
    if (args.role) {
      recordCheckId = albCheck.id;
      if (args.gate) {
        if (args.role !== "PRIMARY") {
          throw new Error(`GlobalDns ${name}: only the PRIMARY record is gated, not ${args.role}`);
        }
        recordCheckId = this.gatedCheck(name, args.gate, albCheck.id);
      }
      new aws.route53.Record(
        `${name}-${args.role.toLowerCase()}`,
        {
          zoneId: args.hostedZoneId,
          name: args.domainName,
          type: "A",
          setIdentifier: `${args.region}-${args.role.toLowerCase()}`,
          failoverRoutingPolicies: [{ type: args.role }],
          aliases: [{ name: args.albDnsName, zoneId: args.albZoneId, evaluateTargetHealth: true }],
          healthCheckId: recordCheckId,
        },
        { parent: this },
      );
    }
    this.albHealthCheckId = albCheck.id;
    this.recordHealthCheckId = recordCheckId;
    this.registerOutputs({ albHealthCheckId: this.albHealthCheckId });
  }

  /**
   * ALB healthy AND gate open. The gate alarm lives in the standby region: promotion trips it
   * there, with no call to this region or to Route 53's control plane. While that region is
   * unreachable the check keeps its last known status (open, unless a promotion closed it).
   */
  private gatedCheck(
    name: string,
    gate: NonNullable<GlobalDnsArgs["gate"]>,
    albCheckId: pulumi.Output<string>,
  ): pulumi.Output<string> {
    const metric = regionGateMetric(gate.project);
    const alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-gate`,
      {
        region: gate.alarmRegion,
        name: regionGateAlarmName(gate.project, gate.homeRegion),
        alarmDescription: `Region gate of ${gate.homeRegion}: ALARM sends shoppers to the standby`,
        namespace: metric.namespace,
        metricName: metric.metricName,
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // The promoted region keeps publishing while it is active; silence keeps the last state.
        treatMissingData: "ignore",
      },
      { parent: this },
    );
    const gateCheck = new aws.route53.HealthCheck(
      `${name}-gate`,
      {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: alarm.name,
        cloudwatchAlarmRegion: gate.alarmRegion,
        // Route 53 follows the alarm's data stream, not its state: a missed datapoint must keep the
        // gate where it was. A check with no known status yet counts as healthy, so a standby
        // region that was never reachable cannot take the primary down.
        insufficientDataHealthStatus: "LastKnownStatus",
        invertHealthcheck: false,
        disabled: false,
        tags: { Name: `${name}-gate` },
      },
      { parent: this },
    );
    const combined = new aws.route53.HealthCheck(
      `${name}-gated`,
      {
        type: "CALCULATED",
        childHealthchecks: [albCheckId, gateCheck.id],
        childHealthThreshold: 2,
        invertHealthcheck: false,
        disabled: false,
        tags: { Name: `${name}-gated` },
      },
      { parent: this },
    );
    return combined.id;
  }
}
