// EFS replication towards the failback target: the API calls the program cannot make. The program
// only ever replicates home -> standby into a NEW file system; failing back needs the active
// region's file system replicated INTO the target's existing one (EFS "failback" replication),
// which overwrites the target's stale copy with the current media. Each call observes first, so
// a rerun after a partial run does only what is missing.
import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
  UpdateFileSystemProtectionCommand,
  type ReplicationConfigurationDescription,
} from "@aws-sdk/client-efs";
import type { RegionalClients } from "../functions/region/clients";
import { isError } from "../functions/region/errors";

export interface MediaEnds {
  /** The active region's file system: the source from now on. */
  source: { region: string; fileSystemId: string; clients: RegionalClients };
  /** The failback target's file system: overwritten, then read-only until the switch. */
  target: { region: string; fileSystemId: string; clients: RegionalClients };
}

export type MediaConvergence =
  | { state: "replicating"; detail: string }
  /** The replication a promotion deleted is still being deleted: EFS takes several minutes. */
  | { state: "deleting"; detail: string }
  | { state: "missing"; leftover?: string; detail: string };

async function replicationsOf(clients: RegionalClients, fileSystemId: string) {
  try {
    const out = await clients.efs.send(
      new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
    );
    return out.Replications ?? [];
  } catch (error) {
    if (isError(error, "ReplicationNotFound")) return [] as ReplicationConfigurationDescription[];
    throw error;
  }
}

/** Does the source already replicate into the target? Anything else in the way? */
export async function observeMediaTowards(ends: MediaEnds): Promise<MediaConvergence> {
  const replications = await replicationsOf(ends.target.clients, ends.target.fileSystemId);
  const inbound = replications.find((r) =>
    r.Destinations?.some((d) => d.FileSystemId === ends.target.fileSystemId),
  );
  if (inbound?.SourceFileSystemId === ends.source.fileSystemId) {
    const status = inbound.Destinations?.[0]?.Status ?? "unknown";
    return {
      state: "replicating",
      detail: `${ends.source.fileSystemId} (${ends.source.region}) -> ${ends.target.fileSystemId} ${status}`,
    };
  }
  // The target may still be the source of the replication a failover cut on the other side only
  // (unplanned: LOCAL_CONFIGURATION_ONLY); a file system cannot be source and destination.
  const outbound = replications.find((r) => r.SourceFileSystemId === ends.target.fileSystemId);
  const deleting = [inbound, outbound].find((r) => r?.Destinations?.[0]?.Status === "DELETING");
  if (deleting) {
    return {
      state: "deleting",
      detail: `the replication ${deleting.SourceFileSystemId} -> ${deleting.Destinations?.[0]?.FileSystemId} is still being deleted`,
    };
  }
  return {
    state: "missing",
    leftover: outbound ? ends.target.fileSystemId : undefined,
    detail: outbound
      ? `${ends.target.fileSystemId} still has its old outbound replication; nothing replicates into it`
      : `nothing replicates ${ends.source.fileSystemId} into ${ends.target.fileSystemId}`,
  };
}

/** Starts source -> target replication; returns what it changed, in order. */
export async function startMediaTowards(
  ends: MediaEnds,
  convergence: Extract<MediaConvergence, { state: "missing" }>,
): Promise<string[]> {
  const changed: string[] = [];
  const { source, target } = ends;
  if (convergence.leftover) {
    await target.clients.efs.send(
      new DeleteReplicationConfigurationCommand({ SourceFileSystemId: convergence.leftover }),
    );
    changed.push(
      `deleted the old outbound replication of ${convergence.leftover} (${target.region})`,
    );
  }
  await target.clients.efs.send(
    new UpdateFileSystemProtectionCommand({
      FileSystemId: target.fileSystemId,
      ReplicationOverwriteProtection: "DISABLED",
    }),
  );
  changed.push(
    `disabled replication overwrite protection of ${target.fileSystemId} (${target.region})`,
  );
  await source.clients.efs.send(
    new CreateReplicationConfigurationCommand({
      SourceFileSystemId: source.fileSystemId,
      Destinations: [{ Region: target.region, FileSystemId: target.fileSystemId }],
    }),
  );
  changed.push(
    `started replication ${source.fileSystemId} (${source.region}) -> ${target.fileSystemId} (${target.region})`,
  );
  return changed;
}
