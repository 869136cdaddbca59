import * as aws from "@pulumi/aws";
import {
  route53FailoverPrimaryHealthCheck,
  route53FailoverRecordTtl,
  route53HealthCheckCadence,
  route53HealthCheckComposition,
  route53HealthCheckEnabled,
  route53HealthCheckNotInverted,
} from "../../policies/rules/dnsFailover";
import { cnameRecord, healthCheck, primaryRecord } from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

const calculated = {
  type: "CALCULATED",
  childHealthchecks: ["hc-alb", "hc-gate"],
  childHealthThreshold: 2,
};
const regionGate = {
  type: "CLOUDWATCH_METRIC",
  cloudwatchAlarmName: "magento-dr-region-gate",
  cloudwatchAlarmRegion: "eu-west-1",
  insufficientDataHealthStatus: "LastKnownStatus",
};

describe("policies: DNS failover", () => {
  describe("route53-failover-primary-health-check", () => {
    it("passes a PRIMARY with a health check, known or not, and ignores a SECONDARY without one", () => {
      assertNoViolations(
        check(route53FailoverPrimaryHealthCheck, aws.route53.Record, primaryRecord),
      );
      assertNoViolations(
        check(
          route53FailoverPrimaryHealthCheck,
          aws.route53.Record,
          preview({ ...primaryRecord, healthCheckId: U }),
        ),
      );
      assertNoViolations(check(route53FailoverPrimaryHealthCheck, aws.route53.Record, cnameRecord));
    });

    it("flags a PRIMARY without a health check", () => {
      assertViolation(
        check(route53FailoverPrimaryHealthCheck, aws.route53.Record, {
          ...primaryRecord,
          healthCheckId: undefined,
        }),
        [
          'route53.Record "test" must have a health check as a PRIMARY failover record',
          "healthCheckId is not set",
        ],
      );
    });

    it("reports a routing policy unknown during preview", () => {
      assertUnverifiable(
        check(
          route53FailoverPrimaryHealthCheck,
          aws.route53.Record,
          preview({ ...primaryRecord, failoverRoutingPolicies: U }),
        ),
        "failoverRoutingPolicies",
      );
    });
  });

  describe("route53-failover-record-ttl", () => {
    it("passes a 60 s CNAME and an alias, which has no TTL", () => {
      assertNoViolations(check(route53FailoverRecordTtl, aws.route53.Record, cnameRecord));
      assertNoViolations(check(route53FailoverRecordTtl, aws.route53.Record, primaryRecord));
    });

    it("flags a 300 s failover record", () => {
      assertViolation(
        check(route53FailoverRecordTtl, aws.route53.Record, { ...cnameRecord, ttl: 300 }),
        ["must have a TTL of at most 60 s", "ttl is 300"],
      );
    });

    it("ignores records without failover routing", () => {
      assertNoViolations(
        check(route53FailoverRecordTtl, aws.route53.Record, {
          ...cnameRecord,
          failoverRoutingPolicies: undefined,
          ttl: 3600,
        }),
      );
    });

    it("reports a TTL unknown during preview", () => {
      assertUnverifiable(
        check(route53FailoverRecordTtl, aws.route53.Record, preview({ ...cnameRecord, ttl: U })),
        "ttl",
      );
    });
  });

  describe("route53-health-check-enabled", () => {
    it("passes an enabled check", () => {
      assertNoViolations(check(route53HealthCheckEnabled, aws.route53.HealthCheck, healthCheck));
    });

    it("flags a disabled check", () => {
      assertViolation(
        check(route53HealthCheckEnabled, aws.route53.HealthCheck, {
          ...healthCheck,
          disabled: true,
        }),
        ["must be enabled", "treats a disabled check as healthy"],
      );
    });

    it("reports disabled unknown during preview", () => {
      assertUnverifiable(
        check(
          route53HealthCheckEnabled,
          aws.route53.HealthCheck,
          preview({ ...healthCheck, disabled: U }),
        ),
        "disabled",
      );
    });
  });

  describe("route53-health-check-cadence", () => {
    it("passes a fast check, and does not judge calculated or metric checks by interval", () => {
      assertNoViolations(check(route53HealthCheckCadence, aws.route53.HealthCheck, healthCheck));
      assertNoViolations(check(route53HealthCheckCadence, aws.route53.HealthCheck, calculated));
      assertNoViolations(check(route53HealthCheckCadence, aws.route53.HealthCheck, regionGate));
    });

    it("flags the standard 30 s interval", () => {
      assertViolation(
        check(route53HealthCheckCadence, aws.route53.HealthCheck, {
          ...healthCheck,
          requestInterval: undefined,
        }),
        ["must probe every 10 s", "requestInterval is 30"],
      );
    });

    it("flags a failure threshold of 5", () => {
      assertViolation(
        check(route53HealthCheckCadence, aws.route53.HealthCheck, {
          ...healthCheck,
          failureThreshold: 5,
        }),
        ["must turn unhealthy after at most 3 failures", "failureThreshold is 5"],
      );
    });

    it("reports an interval unknown during preview", () => {
      assertUnverifiable(
        check(
          route53HealthCheckCadence,
          aws.route53.HealthCheck,
          preview({ ...healthCheck, requestInterval: U }),
        ),
        "requestInterval",
      );
    });
  });

  describe("route53-health-check-not-inverted", () => {
    it("passes a plain check and an inverted one that says why", () => {
      assertNoViolations(
        check(route53HealthCheckNotInverted, aws.route53.HealthCheck, healthCheck),
      );
      assertNoViolations(
        check(route53HealthCheckNotInverted, aws.route53.HealthCheck, {
          ...regionGate,
          invertHealthcheck: true,
          tags: { "invert-reason": "the gate alarm fires when the standby is promoted" },
        }),
      );
    });

    it("flags an inverted check without a reason", () => {
      assertViolation(
        check(route53HealthCheckNotInverted, aws.route53.HealthCheck, {
          ...healthCheck,
          invertHealthcheck: true,
        }),
        ["must not be inverted by accident", 'no "invert-reason" tag explains it'],
      );
    });

    it("reports invertHealthcheck unknown during preview", () => {
      assertUnverifiable(
        check(
          route53HealthCheckNotInverted,
          aws.route53.HealthCheck,
          preview({ ...healthCheck, invertHealthcheck: U }),
        ),
        "invertHealthcheck",
      );
    });
  });

  describe("route53-health-check-composition", () => {
    it("passes an AND of two children and a region gate that stays healthy without data", () => {
      assertNoViolations(check(route53HealthCheckComposition, aws.route53.HealthCheck, calculated));
      assertNoViolations(check(route53HealthCheckComposition, aws.route53.HealthCheck, regionGate));
      assertNoViolations(
        check(route53HealthCheckComposition, aws.route53.HealthCheck, healthCheck),
      );
    });

    it("flags a threshold the children can never reach", () => {
      assertViolation(
        check(route53HealthCheckComposition, aws.route53.HealthCheck, {
          ...calculated,
          childHealthThreshold: 3,
        }),
        [
          "must require between 1 and its 2 child checks to be healthy",
          "childHealthThreshold is 3",
        ],
      );
    });

    it("flags a region gate that fails over when its alarm has no data", () => {
      assertViolation(
        check(route53HealthCheckComposition, aws.route53.HealthCheck, {
          ...regionGate,
          insufficientDataHealthStatus: "Unhealthy",
        }),
        [
          "must not fail over when its alarm has no data",
          'insufficientDataHealthStatus is "Unhealthy"',
        ],
      );
    });

    it("flags a metric check without an alarm", () => {
      assertViolation(
        check(route53HealthCheckComposition, aws.route53.HealthCheck, {
          ...regionGate,
          cloudwatchAlarmName: undefined,
        }),
        ["must follow a CloudWatch alarm"],
      );
    });

    it("reports children unknown during preview", () => {
      assertUnverifiable(
        check(
          route53HealthCheckComposition,
          aws.route53.HealthCheck,
          preview({ ...calculated, childHealthchecks: U }),
        ),
        "childHealthchecks",
      );
    });
  });
});
