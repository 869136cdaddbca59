import * as aws from "@pulumi/aws";
import * as assert from "assert";
import {
  dynamodbTablePointInTimeRecovery,
  efsFileSystemBackup,
  elasticacheSnapshotRetention,
  rdsInstanceBackupRetention,
} from "../../policies/rules/backups";
import {
  cacheGroup,
  database,
  homeStack,
  mutate,
  withProps,
  replicaDatabase,
  sessionsTable,
  without,
} from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  check,
  checkStack,
  preview,
  U,
  urnOf,
} from "./util";

describe("policies: backups", () => {
  describe("rds-instance-backup-retention", () => {
    it("passes seven days in a set window, on a primary and a replica", () => {
      assertNoViolations(check(rdsInstanceBackupRetention, aws.rds.Instance, database));
      assertNoViolations(check(rdsInstanceBackupRetention, aws.rds.Instance, replicaDatabase));
    });

    it("flags a retention below the configured minimum", () => {
      assertViolation(
        check(rdsInstanceBackupRetention, aws.rds.Instance, database, { minimumDays: 14 }),
        ["must keep automated backups for at least 14 days", "backupRetentionPeriod is 7"],
      );
    });

    it("flags a missing backup window", () => {
      assertViolation(
        check(rdsInstanceBackupRetention, aws.rds.Instance, {
          ...database,
          backupWindow: undefined,
        }),
        ["must back up in a chosen window", "backupWindow is not set"],
      );
    });

    it("reports a retention unknown during preview", () => {
      assertUnverifiable(
        check(
          rdsInstanceBackupRetention,
          aws.rds.Instance,
          preview({ ...database, backupRetentionPeriod: U }),
        ),
        "backupRetentionPeriod",
      );
    });
  });

  describe("elasticache-snapshot-retention", () => {
    it("passes seven snapshots", () => {
      assertNoViolations(
        check(elasticacheSnapshotRetention, aws.elasticache.ReplicationGroup, cacheGroup),
      );
    });

    it("flags the default of no snapshots", () => {
      assertViolation(
        check(elasticacheSnapshotRetention, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          snapshotRetentionLimit: undefined,
        }),
        ["must keep at least 7 daily snapshots", "snapshotRetentionLimit is not set"],
      );
    });
  });

  describe("dynamodb-table-point-in-time-recovery", () => {
    it("passes PITR on the table and its replica", () => {
      assertNoViolations(
        check(dynamodbTablePointInTimeRecovery, aws.dynamodb.Table, sessionsTable),
      );
    });

    it("flags a table without PITR", () => {
      assertViolation(
        check(dynamodbTablePointInTimeRecovery, aws.dynamodb.Table, {
          ...sessionsTable,
          pointInTimeRecovery: { enabled: false },
        }),
        ["must have point-in-time recovery", "pointInTimeRecovery.enabled is false"],
      );
    });

    it("flags a replica without PITR, naming its region", () => {
      assertViolation(
        check(dynamodbTablePointInTimeRecovery, aws.dynamodb.Table, {
          ...sessionsTable,
          replicas: [{ regionName: "eu-west-1" }],
        }),
        [
          "must have point-in-time recovery on every replica",
          "replicas[0] (eu-west-1).pointInTimeRecovery is not set",
          "Set pointInTimeRecovery: true on replicas[0] (eu-west-1)",
        ],
      );
    });

    it("reports a replica list unknown during preview", () => {
      assertUnverifiable(
        check(
          dynamodbTablePointInTimeRecovery,
          aws.dynamodb.Table,
          preview({ ...sessionsTable, replicas: U }),
        ),
        "replicas",
      );
    });
  });

  describe("efs-file-system-backup", () => {
    it("passes a file system with an ENABLED backup policy declared next to it", () => {
      assertNoViolations(checkStack(efsFileSystemBackup, homeStack()));
    });

    it("flags a file system without a backup policy", () => {
      const violations = checkStack(efsFileSystemBackup, without(homeStack(), "home-media-backup"));
      assertViolation(
        violations,
        ['efs.FileSystem "home-media-fs" must be backed up', "no aws.efs.BackupPolicy"],
        urnOf("aws:efs/fileSystem:FileSystem", "home-media-fs"),
      );
    });

    it("flags a DISABLED backup policy", () => {
      const stack = withProps(homeStack(), "home-media-backup", {
        backupPolicy: { status: "DISABLED" },
      });
      assertViolation(checkStack(efsFileSystemBackup, stack), [
        'backupPolicy.status of home-media-backup is "DISABLED"',
      ]);
    });

    it("matches the policy by id when the engine passes the file system's id", () => {
      const stack = mutate(homeStack(), "home-media-fs", (r) => ({
        ...r,
        parent: undefined,
        props: { ...r.props, id: "fs-0123456789abcdef0" },
      }));
      assertNoViolations(checkStack(efsFileSystemBackup, stack));
    });

    it("accepts an AWS Backup selection naming the file system's ARN", () => {
      const arn =
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0";
      const stack = [
        ...withProps(without(homeStack(), "home-media-backup"), "home-media-fs", { arn }),
        {
          cls: aws.backup.Selection,
          name: "home-backup-selection",
          props: {
            iamRoleArn: "arn:aws:iam::123456789012:role/backup",
            planId: "plan",
            resources: [arn],
          },
        },
      ];
      assertNoViolations(checkStack(efsFileSystemBackup, stack));
    });

    it("reports a backup status unknown during preview", () => {
      const stack = mutate(homeStack(), "home-media-backup", (r) => ({
        ...r,
        props: preview({ ...r.props, backupPolicy: { status: U } }),
      }));
      const violations = checkStack(efsFileSystemBackup, stack);
      assert.strictEqual(violations.length, 1);
      assert.match(
        violations[0].message,
        /backupPolicy.status of home-media-backup is unknown during preview/,
      );
    });
  });
});
