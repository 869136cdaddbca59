// BAK: a failover protects against losing a region, backups against losing the data itself
// (a bad migration or a deletion replicates to the standby within seconds).
import * as aws from "@pulumi/aws";
import {
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { integer, settings } from "../lib/config";
import { ofType, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known, knownList, UNKNOWN } from "../lib/values";

const rdsBackupSchema = {
  properties: { minimumDays: integer("Fewest days of automated backups.", 7, 1) },
};

export const rdsInstanceBackupRetention: ResourceValidationPolicy = {
  name: "rds-instance-backup-retention",
  description:
    "RDS instances keep automated backups for the configured days within a set backup window.",
  enforcementLevel: "advisory",
  configSchema: rdsBackupSchema,
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    const { minimumDays } = settings<{ minimumDays: number }>(args, rdsBackupSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "backupRetentionPeriod",
      read: () => db.backupRetentionPeriod,
      ok: (v) => v !== undefined && v >= minimumDays,
      must: `must keep automated backups for at least ${minimumDays} days`,
      fix: `Set backupRetentionPeriod: ${minimumDays} or more (a replica needs it too, to have backups once promoted).`,
    });
    subject.expectSet(
      "backupWindow",
      () => db.backupWindow,
      "must back up in a chosen window",
      'Set backupWindow (e.g. "03:00-04:00") outside peak hours and the maintenance window.',
    );
  }),
};

const snapshotSchema = {
  properties: { minimumSnapshots: integer("Fewest daily snapshots kept.", 7, 1) },
};

export const elasticacheSnapshotRetention: ResourceValidationPolicy = {
  name: "elasticache-snapshot-retention",
  description: "ElastiCache replication groups keep daily snapshots for the configured days.",
  enforcementLevel: "advisory",
  configSchema: snapshotSchema,
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      const { minimumSnapshots } = settings<{ minimumSnapshots: number }>(args, snapshotSchema);
      new Subject(args, report).expect({
        property: "snapshotRetentionLimit",
        read: () => group.snapshotRetentionLimit,
        ok: (v) => v !== undefined && v >= minimumSnapshots,
        must: `must keep at least ${minimumSnapshots} daily snapshots`,
        fix: `Set snapshotRetentionLimit: ${minimumSnapshots} or more (0, the default, disables snapshots).`,
      });
    },
  ),
};

/**
 * Each replica of a global table is a table of its own in its region: PITR and deletion protection
 * are not inherited from the table that declares it, so each entry of `replicas` must set them.
 */
export function expectOnEveryReplica(
  subject: Subject,
  table: Unwrap<aws.dynamodb.TableArgs>,
  flag: "pointInTimeRecovery" | "deletionProtectionEnabled",
  must: string,
): void {
  const replicas = knownList(() => table.replicas);
  if (replicas === UNKNOWN) return subject.cannotVerify(must, "replicas");
  (replicas ?? []).forEach((replica, i) => {
    const region = replica === UNKNOWN ? UNKNOWN : known(() => replica.regionName);
    const where = typeof region === "string" ? `replicas[${i}] (${region})` : `replicas[${i}]`;
    subject.expect({
      property: `${where}.${flag}`,
      read: () => (replica === UNKNOWN ? replica : replica[flag]),
      ok: (v) => v === true,
      must,
      fix: `Set ${flag}: true on ${where}.`,
    });
  });
}

export const dynamodbTablePointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-table-point-in-time-recovery",
  description: "DynamoDB tables have point-in-time recovery on the table and on every replica.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "pointInTimeRecovery.enabled",
      read: () => table.pointInTimeRecovery?.enabled,
      ok: (v) => v === true,
      must: "must have point-in-time recovery",
      fix: "Set pointInTimeRecovery: { enabled: true }.",
    });
    expectOnEveryReplica(
      subject,
      table,
      "pointInTimeRecovery",
      "must have point-in-time recovery on every replica",
    );
  }),
};

/**
 * EFS has no backup switch on the file system: it is an aws.efs.BackupPolicy next to it, or an AWS
 * Backup selection naming it. Hence a stack rule.
 */
export const efsFileSystemBackup: StackValidationPolicy = {
  name: "efs-file-system-backup",
  description:
    "EFS file systems have an ENABLED backup policy or are selected by an AWS Backup plan.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const fileSystems = ofType(args.resources, aws.efs.FileSystem);
    const all = fileSystems.map((f) => f.resource);
    const policies = ofType(args.resources, aws.efs.BackupPolicy);
    const selections = ofType(args.resources, aws.backup.Selection);
    for (const fs of fileSystems) {
      const subject = new Subject(fs.resource, report);
      const selected = selections.some((s) => {
        const resources = knownList(() => s.props.resources);
        return (
          Array.isArray(resources) &&
          resources.some((r) => refersTo(r, s.resource, fs.resource, all))
        );
      });
      if (selected) continue;
      const policy = policies.find((p) =>
        refersTo(
          known(() => p.props.fileSystemId),
          p.resource,
          fs.resource,
          all,
        ),
      );
      if (!policy) {
        subject.fail(
          "must be backed up",
          "no aws.efs.BackupPolicy or aws.backup.Selection names it",
          'Add an aws.efs.BackupPolicy with fileSystemId: fs.id and backupPolicy: { status: "ENABLED" }.',
        );
        continue;
      }
      subject.expect({
        property: `backupPolicy.status of ${policy.resource.name}`,
        read: () => policy.props.backupPolicy.status,
        ok: (v) => v === "ENABLED",
        must: "must be backed up",
        fix: `Set backupPolicy: { status: "ENABLED" } on ${policy.resource.name}.`,
      });
    }
  },
};

export const backupPolicies = [
  rdsInstanceBackupRetention,
  elasticacheSnapshotRetention,
  dynamodbTablePointInTimeRecovery,
  efsFileSystemBackup,
];
