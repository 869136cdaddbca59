// Who writes an Application Load Balancer's access logs into its S3 bucket, per region.
//
// "Step 2: Attach a policy to your S3 bucket" (Elastic Load Balancing, User Guide for Application
// Load Balancers, enable-access-logging.html): in Regions available before August 2022 the bucket
// policy grants the Region's Elastic Load Balancing account (the table there; the provider's
// aws.elb.getServiceAccount returns it, and fails for any other Region); in Regions available in
// August 2022 or later it grants the log delivery service principal
// logdelivery.elasticloadbalancing.amazonaws.com instead, as no such account exists there.

/** Regions of config.KNOWN_REGIONS that have a legacy Elastic Load Balancing account. */
export const LEGACY_ELB_ACCOUNT_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "eu-south-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "sa-east-1",
]);

export const LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

export type LogWriter = { kind: "elb-account" } | { kind: "service"; service: string };

/** How the bucket policy names the writer of `region`'s access logs. */
export function albLogWriter(region: string): LogWriter {
  return LEGACY_ELB_ACCOUNT_REGIONS.has(region)
    ? { kind: "elb-account" }
    : { kind: "service", service: LOG_DELIVERY_PRINCIPAL };
}
