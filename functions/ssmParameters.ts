// The SSM parameter operations the failover Lambdas share: the parameters are the contract with the
// instances' endpoint watcher, which re-renders env.php and reloads PHP-FPM when they change.
import {
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";

export interface StoredParameter {
  value: string;
  lastModified?: Date;
}

function isParameterNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === "ParameterNotFound";
}

/** One parameter, or undefined when it does not exist yet; any other failure propagates. */
export async function readParameter(
  ssm: SSMClient,
  name: string,
): Promise<StoredParameter | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    if (Parameter?.Value === undefined) return undefined;
    return { value: Parameter.Value, lastModified: Parameter.LastModifiedDate };
  } catch (error) {
    if (isParameterNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Several parameters in one call (at most 10, the API's limit); names that do not exist are
 * absent from the map.
 */
export async function readParameters(
  ssm: SSMClient,
  names: string[],
): Promise<Map<string, StoredParameter>> {
  const { Parameters = [] } = await ssm.send(new GetParametersCommand({ Names: names }));
  const found = new Map<string, StoredParameter>();
  for (const p of Parameters) {
    if (p.Name !== undefined && p.Value !== undefined) {
      found.set(p.Name, { value: p.Value, lastModified: p.LastModifiedDate });
    }
  }
  return found;
}

export async function writeString(ssm: SSMClient, name: string, value: string): Promise<void> {
  await ssm.send(
    new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: true }),
  );
}

/**
 * True when `parameter` was written after `than`. An endpoint parameter newer than the epoch means
 * a run wrote the endpoint and died before bumping the epoch: the bump is still owed.
 */
export function modifiedAfter(
  parameter: StoredParameter | undefined,
  than: StoredParameter | undefined,
): boolean {
  return (
    parameter?.lastModified !== undefined &&
    than?.lastModified !== undefined &&
    parameter.lastModified.getTime() > than.lastModified.getTime()
  );
}

/**
 * The epoch after `current`. A missing epoch starts at 1; a value that is not a non-negative
 * integer throws, naming the parameter, because guessing could move the epoch backwards.
 */
export function nextEpoch(parameterName: string, current: string | undefined): string {
  if (current === undefined) return "1";
  const trimmed = current.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw new Error(
      `epoch parameter ${parameterName} holds "${current}", expected a non-negative integer`,
    );
  }
  return String(Number(trimmed) + 1);
}

/**
 * THE ONE WRITER of the endpoint epoch parameter: writes epoch + 1 and returns it. The instances'
 * watcher reloads PHP-FPM when it changes, so whoever changed an endpoint (the cache endpoint sync,
 * the search health checker, the promotion's endpoints step) asks for a bump here, after its
 * endpoint writes; nothing else writes the parameter (test/epochWriter.test.ts fails if anything
 * does). A counter, not a value of the caller's: two callers' bumps never undo each other, and
 * the epoch never moves back. `current` skips the read when the caller has just read it.
 */
export async function bumpEpoch(
  ssm: SSMClient,
  parameterName: string,
  options: { current?: string; signal?: AbortSignal } = {},
): Promise<string> {
  const current =
    "current" in options ? options.current : (await readParameter(ssm, parameterName))?.value;
  const next = nextEpoch(parameterName, current);
  await ssm.send(
    new PutParameterCommand({ Name: parameterName, Value: next, Type: "String", Overwrite: true }),
    { abortSignal: options.signal },
  );
  return next;
}
