// The fence: what keeps a region that is NOT the authority's active region from serving writes,
// in particular an old primary that comes back after a failover. Runs on a schedule in every
// region and uses only that region's clients plus the authority table:
//  - reads the authority record (consistent read in the authority region);
//  - if this region is not the active one: holds the Auto Scaling group at standby size and
//    keeps the maintenance parameter on (the instances' endpoint watcher reads it and turns
//    Magento's maintenance mode on);
//  - if the authority cannot be read, changes nothing: fencing on missing information would let
//    a network blip take the healthy active region down.
// It never touches the data tier and never moves traffic: failback is an operator's decision.
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { AuthorityStore } from "./authority";
import {
  createAuthorityClient,
  createRegionalClients,
  type RegionalClients,
  type SdkTimeouts,
} from "./clients";
import { withDeadline } from "./deadline";
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
}

export interface FenceReport {
  fenced: boolean;
  activeRegion?: string;
  changes: string[];
  reason: string;
}

export function createFenceHandler(
  settings: FenceSettings,
  deps: { clients?: RegionalClients; authorityClient?: DynamoDBClient; log?: Logger } = {},
) {
  const clients = deps.clients ?? createRegionalClients(settings.localRegion, settings.sdk);
  const authorityClient =
    deps.authorityClient ?? createAuthorityClient(settings.authority.region, settings.sdk);
  const log = deps.log ?? createLogger({ component: "region-fence", region: settings.localRegion });
  const authority = new AuthorityStore({
    client: authorityClient,
    tableName: settings.authority.tableName,
    initialActiveRegion: settings.initialActiveRegion,
  });
  return async (): Promise<FenceReport> => {
    try {
      return await withDeadline("fence", settings.deadlineMs, async (signal) => {
        const current = await authority.read(signal);
        if (current.activeRegion === settings.localRegion) {
          return {
            fenced: false,
            activeRegion: current.activeRegion,
            changes: [],
            reason: "this region is active",
          };
        }
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
        log.info("fenced", { activeRegion: current.activeRegion, epoch: current.epoch, changes });
        return {
          fenced: true,
          activeRegion: current.activeRegion,
          changes,
          reason: `${current.activeRegion} is active`,
        };
      });
    } catch (error) {
      log.error("fence-skipped", describeError(error));
      return {
        fenced: false,
        changes: [],
        reason: `authority or local API unreadable: nothing changed`,
      };
    }
  };
}
