// The guard between a promotion and `pulumi up`: a preview that would replace or delete a
// stateful resource means the program would undo the failover or destroy data (RELIABILITY.md:
// "IaC can undo a failover"), so the CLI stops before `up` and says which resource and why.
import type { PreviewChange } from "./stackOps";

/** Resource types whose replacement or deletion loses data or keys. */
export const STATEFUL_TYPES = new Set([
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  "aws:dynamodb/table:Table",
  "aws:efs/fileSystem:FileSystem",
  "aws:opensearch/domain:Domain",
  "aws:kms/key:Key",
]);

const DESTRUCTIVE_OPS = new Set(["delete", "replace", "create-replacement", "delete-replaced"]);

/**
 * Not stateful by type, but worth a line: recreating the EFS replication (deleted by a
 * promotion) makes a NEW replica file system, and the standby's mounts follow it on its next up.
 */
const NOTEWORTHY_CREATES = new Set(["aws:efs/replicationConfiguration:ReplicationConfiguration"]);

export interface PreviewVerdict {
  /** Stateful replaces and deletes: `up` must not run. */
  blocking: PreviewChange[];
  /** Other replaces and deletes, and noteworthy creates: printed, not blocking. */
  notices: PreviewChange[];
}

export function judgePreview(changes: PreviewChange[]): PreviewVerdict {
  const blocking: PreviewChange[] = [];
  const notices: PreviewChange[] = [];
  for (const change of changes) {
    if (DESTRUCTIVE_OPS.has(change.op)) {
      (STATEFUL_TYPES.has(change.type) ? blocking : notices).push(change);
    } else if (change.op === "create" && NOTEWORTHY_CREATES.has(change.type)) {
      notices.push(change);
    }
  }
  return { blocking, notices };
}

/** "replace aws:rds/instance:Instance ...::prod-euw1-db-replica" */
export function describeChange(change: PreviewChange): string {
  return `${change.op} ${change.type} ${change.urn}`;
}
