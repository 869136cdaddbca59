// Policy configuration: the schema's defaults, overridden by what the stack's policy config sets.
// The Pulumi CLI fills in schema defaults before the pack sees its config, but the offline
// evaluator and unit tests call rules directly, so rules merge the defaults themselves.
import { PolicyConfigSchema } from "@pulumi/policy";

export type PropertySchema = PolicyConfigSchema["properties"][string];

export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) defaults[key] = property.default;
  }
  return defaults;
}

/** The policy's effective settings: schema defaults, then the configured values. */
export function settings<T extends object>(
  args: { getConfig<U extends object>(): U },
  schema: PolicyConfigSchema,
): T {
  return { ...schemaDefaults(schema), ...args.getConfig<Record<string, unknown>>() } as T;
}

/** Schema of a whole number with a default, the shape of every threshold in this pack. */
export function integer(description: string, defaultValue: number, minimum = 0): PropertySchema {
  return { type: "integer", minimum, default: defaultValue, description };
}

export function stringList(description: string, defaultValue: string[]): PropertySchema {
  return { type: "array", items: { type: "string" }, default: defaultValue, description };
}
