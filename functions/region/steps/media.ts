// EFS: stop replication into the local file system so it becomes writable. Called in the
// destination region (where the replica lives). EFS deletes both sides by default; when the
// source region cannot be reached (unplanned), only the local side is deleted
// (DeletionMode LOCAL_CONFIGURATION_ONLY, which AWS reserves for exactly that case).
// Deletion takes several minutes to finish (EFS User Guide, "Deleting replication
// configurations"); the step is done once the configuration is deleting or gone, because
// nothing else needs to be done and the shop serves media read-only meanwhile.
import {
  DeleteReplicationConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
} from "@aws-sdk/client-efs";
import { isError } from "../errors";
import { callOptions, retryThrottled, type PromotionStep, type StepContext } from "./context";

export interface MediaState {
  /** The replication that writes into the local file system, if any. */
  sourceFileSystemId?: string;
  status?: string;
}

export async function observeMedia(ctx: StepContext, fileSystemId: string): Promise<MediaState> {
  try {
    const out = await ctx.clients.efs.send(
      new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
      callOptions(ctx),
    );
    for (const replication of out.Replications ?? []) {
      const destination = replication.Destinations?.find((d) => d.FileSystemId === fileSystemId);
      if (destination) {
        return { sourceFileSystemId: replication.SourceFileSystemId, status: destination.Status };
      }
    }
    return {};
  } catch (error) {
    if (isError(error, "ReplicationNotFound")) return {};
    throw error;
  }
}

export const mediaStep: PromotionStep = {
  name: "media",
  deadlineMs: (s) => s.deadlines.mediaMs,
  async run(ctx) {
    const fileSystemId = ctx.settings.media?.fileSystemId;
    if (!fileSystemId) return { outcome: "already-done", detail: "no replicated file system" };
    const state = await retryThrottled(ctx, () => observeMedia(ctx, fileSystemId));
    if (!state.sourceFileSystemId) return { outcome: "already-done", detail: "not a replica" };
    if (state.status === "DELETING")
      return { outcome: "already-done", detail: "replication deleting" };
    const remove = (mode: "ALL_CONFIGURATIONS" | "LOCAL_CONFIGURATION_ONLY") =>
      retryThrottled(ctx, () =>
        ctx.clients.efs.send(
          new DeleteReplicationConfigurationCommand({
            SourceFileSystemId: state.sourceFileSystemId,
            DeletionMode: mode,
          }),
          callOptions(ctx),
        ),
      );
    try {
      await remove("ALL_CONFIGURATIONS");
      return { outcome: "done", detail: `replication from ${state.sourceFileSystemId} deleted` };
    } catch (error) {
      if (isError(error, "ReplicationNotFound")) {
        return { outcome: "already-done", detail: "replication already gone" };
      }
      // A planned switchover has both regions up: a failure here is real, not an outage.
      if (ctx.mode === "planned") throw error;
      ctx.log.warn("media-delete-both-sides-failed", { error: (error as Error).name });
      await remove("LOCAL_CONFIGURATION_ONLY");
      return {
        outcome: "done",
        detail: "local side of the replication deleted (source unreachable)",
      };
    }
  },
};
