// RDS: promote the local cross-region read replica to a standalone, writable instance.
// PromoteReadReplica reboots the replica and can take minutes; it is refused
// (InvalidDBInstanceState) while the replica is not "available", e.g. during a backup. The step
// therefore loops: observe; if still a replica and available, ask for promotion; wait; until the
// instance has no source and is available again, or the deadline ends it. The same API serves a
// planned switchover: what makes it planned is that the orchestrator waited for zero lag first.
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from "@aws-sdk/client-rds";
import { backoffMs, sleep } from "../deadline";
import { isError, isThrottling } from "../errors";
import { callOptions, retryThrottled, type PromotionStep, type StepContext } from "./context";
import { quietStandbyAlarms } from "./standbyAlarms";

export interface DatabaseState {
  /** The source instance (an ARN for a cross-region replica); absent once promoted. */
  source?: string;
  status: string;
  endpoint?: string;
}

export async function observeDatabase(ctx: StepContext): Promise<DatabaseState> {
  const out = await ctx.clients.rds.send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: ctx.settings.database.instanceId }),
    callOptions(ctx),
  );
  const db = out.DBInstances?.[0];
  if (!db) throw new Error(`DB instance ${ctx.settings.database.instanceId} not found`);
  return {
    source: db.ReadReplicaSourceDBInstanceIdentifier || undefined,
    status: db.DBInstanceStatus ?? "unknown",
    endpoint: db.Endpoint?.Address,
  };
}

const INVALID_STATE = ["InvalidDBInstanceStateFault", "InvalidDBInstanceState"];

export const databaseStep: PromotionStep = {
  name: "database",
  deadlineMs: (s) => s.deadlines.databaseMs,
  async run(ctx) {
    let requested = false;
    for (let attempt = 0; ; attempt++) {
      const state = await retryThrottled(ctx, () => observeDatabase(ctx));
      if (!state.source && state.status === "available") {
        const alarms = await quietStandbyAlarms(ctx);
        return requested
          ? { outcome: "done", detail: `replica promoted${alarms}` }
          : {
              outcome: attempt === 0 ? "already-done" : "done",
              detail: `instance is standalone${alarms}`,
            };
      }
      if (state.source && state.status === "available") {
        try {
          await ctx.clients.rds.send(
            new PromoteReadReplicaCommand({
              DBInstanceIdentifier: ctx.settings.database.instanceId,
              // Explicit: omitted, the promoted instance keeps backups for AWS's default of 1 day
              // (RDS API Reference, PromoteReadReplica, BackupRetentionPeriod "Default: 1").
              BackupRetentionPeriod: ctx.settings.database.backupRetentionDays ?? 14,
            }),
            callOptions(ctx),
          );
          requested = true;
          ctx.log.info("database-promotion-requested", {
            instance: ctx.settings.database.instanceId,
          });
        } catch (error) {
          // Refused while a backup (or a previous promotion) runs: observe again after a pause.
          if (!isError(error, ...INVALID_STATE) && !isThrottling(error)) throw error;
          ctx.log.warn("database-promotion-refused", {
            status: state.status,
            error: (error as Error).name,
          });
        }
      }
      await sleep(
        backoffMs(attempt, ctx.settings.retry.baseDelayMs, ctx.settings.retry.maxDelayMs),
        ctx.signal,
      );
    }
  },
};
