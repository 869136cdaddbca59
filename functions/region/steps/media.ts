// EFS: make the local file system writable by stopping the replication into it. A track: the
// shop serves media read-only meanwhile. Called in the destination region (where the replica is).
//
// Done means writable, and only the file system's own protection state says so: "If the
// replication configuration is deleted, the file system's replication overwrite protection is
// re-enabled, the file system becomes writeable"; while it is REPLICATING or DISABLED it is
// read-only (EFS API Reference, FileSystemProtectionDescription, read with DescribeFileSystems).
// An accepted deletion is not done: it stays DELETING for "several minutes" (EFS User Guide,
// "Deleting replication configurations"), and with the source region down it may never finish.
//
// Deletion modes (EFS API Reference, DeleteReplicationConfiguration, DeletionMode): by default
// ALL_CONFIGURATIONS deletes both sides; "only use the LOCAL_CONFIGURATION_ONLY mode in the case
// that Amazon EFS is unable to delete the replication configuration in both the source and
// destination". Unplanned: both sides first, then the local side when that is refused or stays
// DELETING past half the step's deadline. Planned: both sides only (both regions are up). A
// deletion that never makes the file system writable fails the step: the run alarms and pages.
//
// Once writable, the file system is the shop's only copy of its media, so automatic backups are
// turned on (PutBackupPolicy ENABLED, EFS API Reference; idempotent). Whether a replica inherits
// a backup policy is not documented, so the step never assumes it; it asks only once the file
// system is writable (AWS is silent on a read-only one: the test simulator refuses it).
import {
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  PutBackupPolicyCommand,
  UpdateFileSystemProtectionCommand,
  type DeletionMode,
} from "@aws-sdk/client-efs";
import { backoffMs, sleep } from "../deadline";
import { errorName, isError } from "../errors";
import { callOptions, retryThrottled, type PromotionStep, type StepContext } from "./context";

export interface MediaState {
  /** The replication that writes into the local file system, if any. */
  sourceFileSystemId?: string;
  status?: string;
  /** FileSystemProtection.ReplicationOverwriteProtection: ENABLED means writable. */
  protection?: string;
}

export async function observeMedia(ctx: StepContext, fileSystemId: string): Promise<MediaState> {
  const [replication, fileSystems] = await Promise.all([
    ctx.clients.efs
      .send(
        new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
        callOptions(ctx),
      )
      .catch((error: unknown) => {
        if (isError(error, "ReplicationNotFound")) return { Replications: [] };
        throw error;
      }),
    ctx.clients.efs.send(
      new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }),
      callOptions(ctx),
    ),
  ]);
  const protection =
    fileSystems.FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection;
  for (const r of replication.Replications ?? []) {
    const destination = r.Destinations?.find((d) => d.FileSystemId === fileSystemId);
    if (destination) {
      return { sourceFileSystemId: r.SourceFileSystemId, status: destination.Status, protection };
    }
  }
  return { protection };
}

export const mediaWritable = (s: MediaState) => s.protection === "ENABLED";

/** Automatic daily backups on the now-writable file system; a failure fails the step (it pages). */
async function enableBackups(ctx: StepContext, fileSystemId: string): Promise<void> {
  try {
    await retryThrottled(ctx, () =>
      ctx.clients.efs.send(
        new PutBackupPolicyCommand({
          FileSystemId: fileSystemId,
          BackupPolicy: { Status: "ENABLED" },
        }),
        callOptions(ctx),
      ),
    );
  } catch (error) {
    throw new Error(
      `file system ${fileSystemId} is writable but automatic backups could not be turned on ` +
        `(${errorName(error)}): aws efs put-backup-policy --file-system-id ${fileSystemId} ` +
        `--backup-policy Status=ENABLED`,
    );
  }
  ctx.log.info("media-backups-enabled", { fileSystemId });
}

export const mediaStep: PromotionStep = {
  name: "media",
  deadlineMs: (s) => s.deadlines.mediaMs,
  async run(ctx) {
    const fileSystemId = ctx.settings.media?.fileSystemId;
    if (!fileSystemId) return { outcome: "already-done", detail: "no replicated file system" };
    const requested: string[] = [];
    const stuckAt = Date.now() + Math.floor(ctx.settings.deadlines.mediaMs / 2);
    const remove = async (source: string, mode: DeletionMode) => {
      requested.push(mode);
      try {
        await retryThrottled(ctx, () =>
          ctx.clients.efs.send(
            new DeleteReplicationConfigurationCommand({
              SourceFileSystemId: source,
              DeletionMode: mode,
            }),
            callOptions(ctx),
          ),
        );
        ctx.log.info("media-deletion-accepted", { mode });
        return true;
      } catch (error) {
        if (isError(error, "ReplicationNotFound")) return true;
        // A planned switchover has both regions up: a refusal there is real, not an outage.
        if (ctx.mode === "planned" || ctx.signal.aborted) throw error;
        ctx.log.warn("media-deletion-refused", { mode, error: errorName(error) });
        return false;
      }
    };
    for (let attempt = 0; ; attempt++) {
      const state = await retryThrottled(ctx, () => observeMedia(ctx, fileSystemId));
      if (mediaWritable(state)) {
        await enableBackups(ctx, fileSystemId);
        return requested.length === 0
          ? {
              outcome: "already-done",
              detail: "file system writable (overwrite protection ENABLED), backups on",
            }
          : {
              outcome: "done",
              detail: `file system writable after deleting the replication (${requested.join(", then ")}), backups on`,
            };
      }
      const source = state.sourceFileSystemId;
      if (!source && state.protection === "DISABLED") {
        // No replication left, yet still read-only: DISABLED keeps a file system ready to be a
        // destination. Turning the protection back on is what makes it writable (EFS API
        // Reference, UpdateFileSystemProtection).
        requested.push("protection ENABLED");
        await retryThrottled(ctx, () =>
          ctx.clients.efs.send(
            new UpdateFileSystemProtectionCommand({
              FileSystemId: fileSystemId,
              ReplicationOverwriteProtection: "ENABLED",
            }),
            callOptions(ctx),
          ),
        );
      } else if (source) {
        const local = requested.includes("LOCAL_CONFIGURATION_ONLY");
        if (state.status !== "DELETING" && requested.length === 0) {
          if (!(await remove(source, "ALL_CONFIGURATIONS")) && ctx.mode === "unplanned")
            await remove(source, "LOCAL_CONFIGURATION_ONLY");
        } else if (ctx.mode === "unplanned" && !local && Date.now() >= stuckAt) {
          // Both-sides deletion refused earlier, or accepted and stuck (its other side unreachable).
          ctx.log.warn("media-deletion-stuck", { status: state.status });
          await remove(source, "LOCAL_CONFIGURATION_ONLY");
        }
      }
      await sleep(
        backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
        ctx.signal,
      );
    }
  },
};
