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
import {
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
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
        return requested.length === 0
          ? {
              outcome: "already-done",
              detail: "file system writable (overwrite protection ENABLED)",
            }
          : {
              outcome: "done",
              detail: `file system writable after deleting the replication (${requested.join(", then ")})`,
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
