// DR, traffic: Route 53 moves users to the standby on its own, in its data plane, within a bounded
// time. Detection takes requestInterval × failureThreshold; resolvers then hold the old answer for
// up to the record's TTL.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { integer, settings, stringList } from "../lib/config";
import { Subject } from "../lib/subject";
import { known, knownList, UNKNOWN } from "../lib/values";

/** The record's failover role, PRIMARY or SECONDARY; undefined for a record of another policy. */
function failoverRole(record: { failoverRoutingPolicies?: { type: string }[] }) {
  const policies = knownList(() => record.failoverRoutingPolicies);
  if (policies === UNKNOWN) return UNKNOWN;
  const first = policies?.[0];
  return first === undefined || first === UNKNOWN ? first : known(() => first.type);
}

export const route53FailoverPrimaryHealthCheck: ResourceValidationPolicy = {
  name: "route53-failover-primary-health-check",
  description:
    "A PRIMARY failover record is tied to a health check, or Route 53 never fails it over.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.route53.Record, (record, args, report) => {
    const subject = new Subject(args, report);
    const role = failoverRole(record);
    const must = "must have a health check as a PRIMARY failover record";
    if (role === UNKNOWN) return subject.cannotVerify(must, "failoverRoutingPolicies");
    if (role !== "PRIMARY") return;
    subject.expectSet(
      "healthCheckId",
      () => record.healthCheckId,
      must,
      "Set healthCheckId to the region's calculated check (ALB health AND the region gate).",
    );
  }),
};

const ttlSchema = {
  properties: { maxTtlSeconds: integer("Longest TTL of a failover record, seconds.", 60, 0) },
};

export const route53FailoverRecordTtl: ResourceValidationPolicy = {
  name: "route53-failover-record-ttl",
  description:
    "Non-alias failover records have a TTL of at most 60 seconds so resolvers follow a failover quickly.",
  enforcementLevel: "advisory",
  configSchema: ttlSchema,
  validateResource: validateResourceOfType(aws.route53.Record, (record, args, report) => {
    const { maxTtlSeconds } = settings<{ maxTtlSeconds: number }>(args, ttlSchema);
    const subject = new Subject(args, report);
    const must = `must have a TTL of at most ${maxTtlSeconds} s`;
    const role = failoverRole(record);
    if (role === UNKNOWN) return subject.cannotVerify(must, "failoverRoutingPolicies");
    if (role === undefined) return;
    const aliases = knownList(() => record.aliases);
    if (aliases === UNKNOWN) return subject.cannotVerify(must, "aliases");
    // An alias answers with the target's own TTL (60 s for an ALB); it has no TTL of its own.
    if ((aliases ?? []).length > 0) return;
    subject.expect({
      property: "ttl",
      read: () => record.ttl,
      ok: (v) => v !== undefined && v <= maxTtlSeconds,
      must,
      fix: `Set ttl: ${maxTtlSeconds} or less, or make the record an alias of the load balancer.`,
    });
  }),
};

export const route53HealthCheckEnabled: ResourceValidationPolicy = {
  name: "route53-health-check-enabled",
  description: "Route 53 health checks are not disabled (a disabled check always reports healthy).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.route53.HealthCheck, (check, args, report) => {
    new Subject(args, report).expect({
      property: "disabled",
      read: () => check.disabled,
      ok: (v) => v !== true,
      must: "must be enabled",
      fix: "Remove disabled: true; Route 53 treats a disabled check as healthy and never fails over.",
    });
  }),
};

/** Types whose status Route 53 derives from other checks or an alarm: they have no interval. */
const DERIVED_TYPES = ["CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"];

const cadenceSchema = {
  properties: {
    requestIntervalSeconds: integer(
      "Longest request interval, seconds (Route 53 offers 10 or 30).",
      10,
      10,
    ),
    maxFailureThreshold: integer("Most consecutive failures before unhealthy.", 3, 1),
  },
};

export const route53HealthCheckCadence: ResourceValidationPolicy = {
  name: "route53-health-check-cadence",
  description: "Endpoint health checks probe every 10 seconds and fail after at most 3 failures.",
  enforcementLevel: "advisory",
  configSchema: cadenceSchema,
  validateResource: validateResourceOfType(aws.route53.HealthCheck, (check, args, report) => {
    const { requestIntervalSeconds, maxFailureThreshold } = settings<{
      requestIntervalSeconds: number;
      maxFailureThreshold: number;
    }>(args, cadenceSchema);
    const subject = new Subject(args, report);
    const type = known(() => check.type);
    if (type === UNKNOWN) return subject.cannotVerify("must detect a failure quickly", "type");
    if (DERIVED_TYPES.includes(type)) return;
    subject.expect({
      property: "requestInterval",
      // Route 53's default is the standard 30 s interval.
      read: () => check.requestInterval ?? 30,
      ok: (v) => v <= requestIntervalSeconds,
      must: `must probe every ${requestIntervalSeconds} s`,
      fix: `Set requestInterval: ${requestIntervalSeconds} (fast checks).`,
    });
    subject.expect({
      property: "failureThreshold",
      read: () => check.failureThreshold ?? 3,
      ok: (v) => v <= maxFailureThreshold,
      must: `must turn unhealthy after at most ${maxFailureThreshold} failures`,
      fix: `Set failureThreshold: ${maxFailureThreshold} or less.`,
    });
  }),
};

const invertSchema = {
  properties: {
    justificationTag: {
      type: "string" as const,
      default: "invert-reason",
      description: "Tag whose value explains why a check is inverted on purpose.",
    },
  },
};

export const route53HealthCheckNotInverted: ResourceValidationPolicy = {
  name: "route53-health-check-not-inverted",
  description: "Route 53 health checks are not inverted unless a tag says why.",
  enforcementLevel: "advisory",
  configSchema: invertSchema,
  validateResource: validateResourceOfType(aws.route53.HealthCheck, (check, args, report) => {
    const { justificationTag } = settings<{ justificationTag: string }>(args, invertSchema);
    const subject = new Subject(args, report);
    const inverted = known(() => check.invertHealthcheck);
    const must = "must not be inverted by accident";
    if (inverted === UNKNOWN) return subject.cannotVerify(must, "invertHealthcheck");
    if (inverted !== true) return;
    const reason = known(() => check.tags?.[justificationTag]);
    if (reason === UNKNOWN) return subject.cannotVerify(must, `tags.${justificationTag}`);
    if (typeof reason === "string" && reason.trim() !== "") return;
    subject.fail(
      must,
      `invertHealthcheck is true and no "${justificationTag}" tag explains it`,
      `Remove invertHealthcheck, or tag the check with ${justificationTag}: "<why it is inverted>".`,
    );
  }),
};

const compositionSchema = {
  properties: {
    allowedInsufficientDataStatus: stringList(
      "States a CloudWatch-metric check may take when its alarm has no data.",
      ["Healthy", "LastKnownStatus"],
    ),
  },
};

export const route53HealthCheckComposition: ResourceValidationPolicy = {
  name: "route53-health-check-composition",
  description:
    "Calculated checks have children and a reachable threshold; CloudWatch-metric (region gate) checks name an alarm and stay healthy without data.",
  enforcementLevel: "advisory",
  configSchema: compositionSchema,
  validateResource: validateResourceOfType(aws.route53.HealthCheck, (check, args, report) => {
    const { allowedInsufficientDataStatus } = settings<{ allowedInsufficientDataStatus: string[] }>(
      args,
      compositionSchema,
    );
    const subject = new Subject(args, report);
    const type = known(() => check.type);
    if (type === UNKNOWN)
      return subject.cannotVerify("must be a well-formed composite check", "type");
    if (type === "CALCULATED") {
      const children = knownList(() => check.childHealthchecks);
      if (children === UNKNOWN)
        return subject.cannotVerify("must have child checks", "childHealthchecks");
      const count = (children ?? []).length;
      subject.expect({
        property: "childHealthThreshold",
        read: () => check.childHealthThreshold,
        // Without children no threshold passes (1 <= v <= 0 is empty).
        ok: (v) => v !== undefined && v >= 1 && v <= count,
        must: `must require between 1 and its ${count} child checks to be healthy`,
        fix: "List childHealthchecks and set childHealthThreshold (all of them for an AND of ALB health and the region gate).",
      });
    } else if (type === "CLOUDWATCH_METRIC") {
      subject.expectSet(
        "cloudwatchAlarmName",
        () => check.cloudwatchAlarmName,
        "must follow a CloudWatch alarm",
        "Set cloudwatchAlarmName and cloudwatchAlarmRegion.",
      );
      subject.expectSet(
        "cloudwatchAlarmRegion",
        () => check.cloudwatchAlarmRegion,
        "must name its alarm's region",
        "Set cloudwatchAlarmRegion (the region gate's alarm lives in the standby region).",
      );
      subject.expect({
        property: "insufficientDataHealthStatus",
        read: () => check.insufficientDataHealthStatus,
        ok: (v) => v !== undefined && allowedInsufficientDataStatus.includes(v),
        must: "must not fail over when its alarm has no data",
        fix: `Set insufficientDataHealthStatus to ${allowedInsufficientDataStatus.join(" or ")}: an unreachable standby region must not take the primary down with it.`,
      });
    }
  }),
};

export const dnsFailoverPolicies = [
  route53FailoverPrimaryHealthCheck,
  route53FailoverRecordTtl,
  route53HealthCheckEnabled,
  route53HealthCheckCadence,
  route53HealthCheckNotInverted,
  route53HealthCheckComposition,
];
