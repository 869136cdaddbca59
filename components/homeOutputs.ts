import * as pulumi from "@pulumi/pulumi";
import type { StackOutputName } from "../functions/contractOutputs";

/** What a non-home stack reads from the home stack. Each is a stack output of the home stack. */
export const HOME_OUTPUT_NAMES = [
  "databaseArn",
  "globalDatastoreId",
  "sessionsTableName",
  "mediaReplicaFileSystemId",
  "cryptKeySecretArn",
  "cacheAuthSecretArn",
  "databaseUserSecretArn",
  "albHealthCheckId",
  "mediaFileSystemId",
  "searchDomainName",
  "searchEngineVersion",
] as const satisfies readonly StackOutputName[];

export type HomeOutputName = (typeof HOME_OUTPUT_NAMES)[number];

/** What a stack in `region` reads: only the authority region mounts the replicated media. */
export function requiredHomeOutputs(region: string, standbyRegion: string): HomeOutputName[] {
  return HOME_OUTPUT_NAMES.filter(
    (n) => n !== "mediaReplicaFileSystemId" || region === standbyRegion,
  );
}

export type HomeOutputs = Record<HomeOutputName, string>;

/**
 * Reads the home stack's outputs before anything depends on them, so a missing one fails the
 * deployment with a message naming the output and the stack instead of surfacing as an
 * `undefined` deep inside some resource's inputs.
 */
export async function readHomeOutputs(
  reference: pulumi.StackReference,
  homeStack: string,
  required: readonly HomeOutputName[],
): Promise<HomeOutputs> {
  const values: Partial<HomeOutputs> = {};
  const missing: string[] = [];
  for (const name of required) {
    const details = await reference.getOutputDetails(name);
    const value = details.value ?? details.secretValue;
    if (typeof value !== "string" || value === "") missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    throw new Error(
      `home stack ${homeStack} has no output ${missing.map((m) => `"${m}"`).join(", ")}: ` +
        `deploy the home stack first (pulumi up -s ${homeStack.split("/").pop()}) ` +
        "and check magento-dr:homeStack names it",
    );
  }
  return values as HomeOutputs;
}
