// The fence: what keeps a region that is NOT the authority's active region from serving writes,
// in particular an old primary that comes back after a failover. Runs on a schedule in every
// region and uses only that region's clients plus the authority table:
//  - reads the authority record (consistent read in the authority region);
//  - if this region is not the active one: holds the Auto Scaling group at standby size and
//    keeps the maintenance parameter on (the instances' endpoint watcher reads it and turns
//    Magento's maintenance mode on);
//  - if this region IS the active one: renews its serving lease (authority.ts), the lease its
//    instances must confirm to take writes; a region cut off from the authority cannot renew it,
//    so its instances stop on their own (fail closed) before the standby may promote;
//  - if the authority cannot be read, changes nothing here (the instances' own serving-lease
//    check is what stops writes when the authority stays unreachable).
// One log line every run, whatever the outcome.
// It never touches the data tier and never moves traffic: failback is an operator's decision.
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { LOG_COMPONENTS } from "../contractLog";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { AuthorityStore, DEFAULT_SERVING_TTL_MS } from "./authority";
import {
  createAuthorityClient,
  createRegionalClients,
  type RegionalClients,
  type SdkTimeouts,
} from "./clients";
import { sleep, withDeadline } from "./deadline";
import { describeError, isError } from "./errors";
import { createLogger, type Logger } from "./log";

export interface FenceSettings {
  localRegion: string;
  initialActiveRegion: string;
  authority: { tableName: string; region: string };
  autoScalingGroupName: string;
  /** Size held while fenced: 0 for pilot light, the warm size for a warm standby. */
  standbyCapacity: { min: number; desired: number };
  /** SSM parameter the instances read: "on" puts Magento in maintenance. */
  maintenanceParameter: string;
  deadlineMs: number;
  sdk: SdkTimeouts;
  /** Serving lease lifetime; default DEFAULT_SERVING_TTL_MS. */
  servingTtlMs?: number;
  /** Renewals per run and the pause between them: the schedule is a minute, so two renewals 30 s
   * apart keep a 100 s lease alive through one entirely missed run. Default 2 × 30 s. */
  servingRenewals?: { count: number; intervalMs: number };
}

export interface FenceReport {
  fenced: boolean;
  activeRegion?: string;
  changes: string[];
  reason: string;
  /** Active region only: the serving lease as last renewed (epoch ms). */
  servingExpiresAt?: number;
}

export function createFenceHandler(
  settings: FenceSettings,
  deps: { clients?: RegionalClients; authorityClient?: DynamoDBClient; log?: Logger } = {},
) {
  const clients = deps.clients ?? createRegionalClients(settings.localRegion, settings.sdk);
  const authorityClient =
    deps.authorityClient ?? createAuthorityClient(settings.authority.region, settings.sdk);
  const log =
    deps.log ?? createLogger({ component: LOG_COMPONENTS.fence, region: settings.localRegion });
  const authority = new AuthorityStore({
    client: authorityClient,
    tableName: settings.authority.tableName,
    initialActiveRegion: settings.initialActiveRegion,
  });
  const renewals = settings.servingRenewals ?? { count: 2, intervalMs: 30_000 };
  const servingTtlMs = settings.servingTtlMs ?? DEFAULT_SERVING_TTL_MS;
  /** Renews this (active) region's serving lease `renewals.count` times; stops when it cannot. */
  const serveWhileActive = async (signal: AbortSignal): Promise<FenceReport> => {
    let expiresAt: number | undefined;
    let reason = "this region is active";
    for (let i = 0; i < renewals.count; i++) {
      if (i > 0) await sleep(renewals.intervalMs, signal);
      try {
        expiresAt = (await authority.renewServing(settings.localRegion, servingTtlMs, signal))
          .servingExpiresAt;
      } catch (error) {
        // Lost the authority (a promotion moved it) or DynamoDB kept failing: no renewal. The
        // instances stop at the lease's expiry; the next run fences if another region is active.
        reason = `serving lease not renewed: ${describeError(error).message}`;
        log.error("serving-lease-renew-failed", describeError(error));
        break;
      }
    }
    return {
      fenced: false,
      activeRegion: settings.localRegion,
      changes: expiresAt ? [`serving lease until ${new Date(expiresAt).toISOString()}`] : [],
      reason,
      servingExpiresAt: expiresAt,
    };
  };
  return async (): Promise<FenceReport> => {
    const report = await fenceOnce();
    // One line every run, active or fenced or skipped: a silent fence is indistinguishable
    // from a dead one.
    (report.reason.startsWith("authority or local API unreadable") ? log.error : log.info)(
      "fence-run",
      { ...report },
    );
    return report;
  };

  async function fenceOnce(): Promise<FenceReport> {
    try {
      return await withDeadline("fence", settings.deadlineMs, async (signal) => {
        const current = await authority.read(signal);
        if (current.activeRegion === settings.localRegion) return serveWhileActive(signal);
        const changes: string[] = [];
        const group = (
          await clients.autoScaling.send(
            new DescribeAutoScalingGroupsCommand({
              AutoScalingGroupNames: [settings.autoScalingGroupName],
            }),
            { abortSignal: signal },
          )
        ).AutoScalingGroups?.[0];
        const { min, desired } = settings.standbyCapacity;
        if (group && ((group.MinSize ?? 0) > min || (group.DesiredCapacity ?? 0) > desired)) {
          // Read the authority again right before shrinking: a promotion of this region may have
          // taken the lease since the first read (its capacity step also re-raises the group).
          const again = await authority.read(signal);
          if (again.activeRegion === settings.localRegion) {
            return {
              fenced: false,
              activeRegion: again.activeRegion,
              changes: [],
              reason: "this region became active",
            };
          }
          await clients.autoScaling.send(
            new UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: settings.autoScalingGroupName,
              MinSize: min,
              DesiredCapacity: desired,
            }),
            { abortSignal: signal },
          );
          changes.push(`asg ${group.DesiredCapacity} -> ${desired}`);
        }
        const maintenance = await clients.ssm
          .send(new GetParameterCommand({ Name: settings.maintenanceParameter }), {
            abortSignal: signal,
          })
          .then((out) => out.Parameter?.Value)
          .catch((error: unknown) => {
            if (isError(error, "ParameterNotFound")) return undefined;
            throw error;
          });
        if (maintenance !== "on") {
          await clients.ssm.send(
            new PutParameterCommand({
              Name: settings.maintenanceParameter,
              Value: "on",
              Type: "String",
              Overwrite: true,
            }),
            { abortSignal: signal },
          );
          changes.push("maintenance on");
        }
        return {
          fenced: true,
          activeRegion: current.activeRegion,
          changes,
          reason: `${current.activeRegion} is active`,
        };
      });
    } catch (error) {
      return {
        fenced: false,
        changes: [],
        reason: `authority or local API unreadable: nothing changed (${describeError(error).message})`,
      };
    }
  }
}
