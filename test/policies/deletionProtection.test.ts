import * as aws from "@pulumi/aws";
import {
  dynamodbTableDeletionProtection,
  loadBalancerDeletionProtection,
  rdsInstanceDeletionProtection,
} from "../../policies/rules/deletionProtection";
import { database, loadBalancer, replicaDatabase, sessionsTable } from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

describe("policies: deletion protection", () => {
  describe("rds-instance-deletion-protection", () => {
    it("passes a protected primary and replica", () => {
      assertNoViolations(check(rdsInstanceDeletionProtection, aws.rds.Instance, database));
      assertNoViolations(check(rdsInstanceDeletionProtection, aws.rds.Instance, replicaDatabase));
    });

    it("flags an unprotected replica", () => {
      assertViolation(
        check(rdsInstanceDeletionProtection, aws.rds.Instance, {
          ...replicaDatabase,
          deletionProtection: false,
        }),
        ["must have deletion protection", "deletionProtection is false", "only copy"],
      );
    });

    it("reports deletionProtection unknown during preview", () => {
      assertUnverifiable(
        check(
          rdsInstanceDeletionProtection,
          aws.rds.Instance,
          preview({ ...database, deletionProtection: U }),
        ),
        "deletionProtection",
      );
    });
  });

  describe("dynamodb-table-deletion-protection", () => {
    it("passes a protected table and replica", () => {
      assertNoViolations(check(dynamodbTableDeletionProtection, aws.dynamodb.Table, sessionsTable));
    });

    it("flags an unprotected table", () => {
      assertViolation(
        check(dynamodbTableDeletionProtection, aws.dynamodb.Table, {
          ...sessionsTable,
          deletionProtectionEnabled: undefined,
        }),
        ["must have deletion protection", "deletionProtectionEnabled is not set"],
      );
    });

    it("flags an unprotected replica", () => {
      assertViolation(
        check(dynamodbTableDeletionProtection, aws.dynamodb.Table, {
          ...sessionsTable,
          replicas: [{ regionName: "eu-west-1", pointInTimeRecovery: true }],
        }),
        [
          "must have deletion protection on every replica",
          "replicas[0] (eu-west-1).deletionProtectionEnabled is not set",
        ],
      );
    });
  });

  describe("lb-deletion-protection", () => {
    it("passes a protected load balancer", () => {
      assertNoViolations(check(loadBalancerDeletionProtection, aws.lb.LoadBalancer, loadBalancer));
    });

    it("flags an unprotected one", () => {
      assertViolation(
        check(loadBalancerDeletionProtection, aws.lb.LoadBalancer, {
          ...loadBalancer,
          enableDeletionProtection: false,
        }),
        ["must have deletion protection", "breaks the failover record"],
      );
    });
  });
});
