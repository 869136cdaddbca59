import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FailoverRole } from "../config";

/** Route 53's fastest standard cadence; with 3 failures a dead region is seen in about 30 s. */
export const HEALTH_CHECK_INTERVAL_SECONDS = 10;
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;

export interface GlobalDnsArgs {
  hostedZoneId: pulumi.Input<string>;
  /** The shop's public name. */
  domainName: pulumi.Input<string>;
  /** PRIMARY for the home region, SECONDARY for the next region by priority. */
  role: FailoverRole;
  /** Identifies this region's record in the failover pair. */
  region: string;
  albDnsName: pulumi.Input<string>;
  albZoneId: pulumi.Input<string>;
  healthCheckPath: pulumi.Input<string>;
  /**
   * The health check that decides whether this record answers. Defaults to the check on this
   * region's ALB; the region-failover gate passes a calculated check instead.
   * @default the ALB health check created here
   */
  recordHealthCheckId?: pulumi.Input<string>;
}

/**
 * This region's half of the public failover pair. Each stack owns only its own record, and the
 * records never change on failover: traffic moves because health checks change, which Route 53
 * evaluates in its data plane, not because anyone calls its control plane during an outage.
 */
export class GlobalDns extends pulumi.ComponentResource {
  public readonly albHealthCheckId: pulumi.Output<string>;
  public readonly recordFqdn: pulumi.Output<string>;

  constructor(name: string, args: GlobalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:dns:GlobalDns", name, {}, opts);

    const albCheck = new aws.route53.HealthCheck(
      `${name}-alb`,
      {
        type: "HTTPS",
        fqdn: args.albDnsName,
        port: 443,
        resourcePath: args.healthCheckPath,
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
    const record = new aws.route53.Record(
      `${name}-${args.role.toLowerCase()}`,
      {
        zoneId: args.hostedZoneId,
        name: args.domainName,
        type: "A",
        setIdentifier: `${args.region}-${args.role.toLowerCase()}`,
        failoverRoutingPolicies: [{ type: args.role }],
        aliases: [{ name: args.albDnsName, zoneId: args.albZoneId, evaluateTargetHealth: true }],
        healthCheckId: args.recordHealthCheckId ?? albCheck.id,
      },
      { parent: this },
    );
    this.albHealthCheckId = albCheck.id;
    this.recordFqdn = record.fqdn;
    this.registerOutputs({ albHealthCheckId: this.albHealthCheckId, recordFqdn: this.recordFqdn });
  }
}
