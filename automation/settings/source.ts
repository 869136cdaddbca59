// Where the CLI gets the step library's settings from. The CLI must promote with exactly the
// settings the deployed orchestrator would use (same table, same names, same deadlines), so it
// never assembles them from config itself: it reads the orchestrator's FAILOVER_SETTINGS (what the
// standby stack deployed) and, for any other stack, localizes them with that stack's outputs.
//
// Why localize: only the standby stack deploys an orchestrator, and its
// settings name ITS region's resources. Promoting the home region (failback, the drill's way back)
// needs the same settings with the home region's group, instance, file system, parameters, ASG
// and topic; every one of those is a stack output of the home stack.
import { PARAMETERS, PROMOTION_ROLE_TAG, PROMOTION_ROLES } from "../../functions/contract";
import { LAMBDA_ENVIRONMENT } from "../../functions/contractEnvironment";
import type { StackOutputName } from "../../functions/contractOutputs";
import {
  resolveSettings,
  type RegionFailoverSettings,
  type RegionFailoverSettingsInput,
} from "../../functions/region/settings";
import { StepFailed } from "../errors";
import type { StackInfo, Topology } from "../topology";

export interface SettingsSource {
  /** Says where the settings come from, printed at the top of every run. */
  readonly description: string;
  /** The step library's settings for promoting `stack`'s region (that region is `localRegion`). */
  settingsFor(stack: StackInfo): Promise<RegionFailoverSettings>;
}

/** What a settings source needs from a stack, deployed or planned. */
export interface StackFacts {
  /** The orchestrator Lambda's FAILOVER_SETTINGS in `stack`, parsed. */
  orchestratorSettings(stack: string): Promise<RegionFailoverSettingsInput>;
  /** The stack's outputs (plain values). */
  outputs(stack: string): Promise<Record<string, unknown>>;
}

/**
 * The orchestrator function's resource name ends with this (components/regionFailover.ts): only
 * for a stack deployed before the promoter carried its role tag.
 */
export const ORCHESTRATOR_NAME_SUFFIX = "-failover-orchestrator-fn";
export const LAMBDA_FUNCTION_TYPE = "aws:lambda/function:Function";

/**
 * Finds FAILOVER_SETTINGS among a stack's resources (planned inputs or deployed outputs): on the
 * Lambda tagged as the promoter (functions/contract.ts), as the policy pack finds it, or, on a
 * stack deployed before that tag, on the one named *-failover-orchestrator-fn.
 */
export function failoverSettingsFrom(
  stack: string,
  resources: { type: string; name: string; props: Record<string, unknown> }[],
): RegionFailoverSettingsInput {
  const functions = resources.filter((r) => r.type === LAMBDA_FUNCTION_TYPE);
  const role = (r: { props: Record<string, unknown> }) =>
    (r.props.tags as Record<string, unknown> | undefined)?.[PROMOTION_ROLE_TAG];
  const fn =
    functions.find((r) => role(r) === PROMOTION_ROLES.promoter) ??
    functions.find((r) => role(r) === undefined && r.name.endsWith(ORCHESTRATOR_NAME_SUFFIX));
  if (!fn) {
    throw new Error(
      `stack ${stack} has no ${LAMBDA_FUNCTION_TYPE} tagged ${PROMOTION_ROLE_TAG}=${PROMOTION_ROLES.promoter} (nor named *${ORCHESTRATOR_NAME_SUFFIX}): is it the standby stack, and deployed?`,
    );
  }
  const variable = LAMBDA_ENVIRONMENT.failoverSettings;
  const environment = fn.props.environment as { variables?: Record<string, unknown> } | undefined;
  const json = environment?.variables?.[variable];
  if (typeof json !== "string") {
    throw new Error(`${fn.name} in stack ${stack} has no ${variable} environment variable`);
  }
  return JSON.parse(json) as RegionFailoverSettingsInput;
}

const HEARTBEAT_READER: StackOutputName = "heartbeatReaderFunctionName";

export class DerivedSettingsSource implements SettingsSource {
  private readonly cache = new Map<string, Promise<RegionFailoverSettings>>();

  constructor(
    private readonly topology: Topology,
    private readonly facts: StackFacts,
    readonly description: string,
  ) {}

  settingsFor(stack: StackInfo): Promise<RegionFailoverSettings> {
    if (!this.cache.has(stack.stack)) {
      this.cache.set(
        stack.stack,
        this.resolve(stack).catch((error: unknown) => {
          throw new StepFailed(
            `cannot get the failover settings of ${stack.stack} from ${this.description}: ${(error as Error).message}`,
            "nothing was changed",
            "check that the Pulumi CLI is installed and logged in to the stacks' backend (`pulumi whoami`), " +
              "or use --settings plan for a dry run from this checkout",
          );
        }),
      );
    }
    return this.cache.get(stack.stack)!;
  }

  private async resolve(stack: StackInfo): Promise<RegionFailoverSettings> {
    const authority = this.topology.standby.stack;
    const template = resolveSettings(await this.facts.orchestratorSettings(authority));
    if (stack.stack === authority) return template;
    const [own, authorityOutputs] = await Promise.all([
      this.facts.outputs(stack.stack),
      this.facts.outputs(authority),
    ]);
    return localize(
      template,
      stack,
      own,
      requireOutput(authority, authorityOutputs, "parameterPath"),
    );
  }
}

function requireOutput(
  stack: string,
  outputs: Record<string, unknown>,
  key: StackOutputName,
): string {
  const value = outputs[key];
  if (typeof value !== "string" || value === "") {
    throw new Error(`stack ${stack} exports no ${key}; deploy it with this program version first`);
  }
  return value;
}

/** The template's settings with `stack`'s region and resources local. */
export function localize(
  template: RegionFailoverSettings,
  stack: StackInfo,
  outputs: Record<string, unknown>,
  templateParameterPath: string,
): RegionFailoverSettings {
  const out = (key: StackOutputName) => requireOutput(stack.stack, outputs, key);
  const parameterPath = out("parameterPath");
  const parameters = Object.fromEntries(
    Object.entries(template.parameters).map(([key, name]) => {
      if (!name.startsWith(templateParameterPath)) {
        throw new Error(`parameter ${key} = ${name} is not under ${templateParameterPath}`);
      }
      return [key, parameterPath + name.slice(templateParameterPath.length)];
    }),
  ) as RegionFailoverSettings["parameters"];
  // arn:aws:rds:<region>:<account>:db:<identifier>
  const instanceId = out("databaseArn").split(":db:")[1];
  return resolveSettings({
    ...template,
    localRegion: stack.region,
    cache: {
      globalReplicationGroupId: template.cache.globalReplicationGroupId,
      replicationGroupId: out("cacheReplicationGroupId"),
    },
    database: { instanceId },
    media: { fileSystemId: out("mediaFileSystemId") },
    parameters,
    searchEndpoint: out("searchEndpoint"),
    // The search step invokes the function beside this stack's own domain.
    search: template.search && {
      replicationFunctionName: out("searchReplicationFunctionName"),
      reindexParameter: `${parameterPath}${PARAMETERS.searchReindexRequested}`,
    },
    // The heartbeat reader beside this stack's own database (every stack deploys one; a stack
    // deployed before the readers has none and is gated by its lag metric).
    heartbeat:
      typeof outputs[HEARTBEAT_READER] === "string"
        ? { readerFunctionName: outputs[HEARTBEAT_READER] }
        : undefined,
    capacity: { autoScalingGroupName: out("autoScalingGroupName"), ...stack.activeCapacity },
    notifyTopicArn: out("alertTopicArn"),
  });
}
