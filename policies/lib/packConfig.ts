// Policy pack configuration in the `--policy-pack-config` file format:
//   { "all": "mandatory", "<policy>": "advisory", "<policy>": { "enforcementLevel": "mandatory", ...settings } }
// Resolved the way the Pulumi CLI does it, and strictly: a misspelt policy or setting in prod.json
// would otherwise silently leave a rule at its default.
import { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { schemaDefaults } from "./config";

export type PolicyConfigEntry = { enforcementLevel?: string; [setting: string]: unknown };
export type PolicyPackConfig = Record<string, PolicyConfigEntry | string>;

export interface ResolvedPolicy {
  enforcementLevel: EnforcementLevel;
  /** Schema defaults overridden by the configured settings. */
  settings: Record<string, unknown>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const PACK_DEFAULT_LEVEL: EnforcementLevel = "advisory";

function level(value: unknown, where: string): EnforcementLevel {
  if (LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
  throw new Error(
    `policy config ${where}: enforcementLevel ${JSON.stringify(value)} is not one of ${LEVELS.join(", ")}`,
  );
}

function checkSetting(
  policy: string,
  key: string,
  value: unknown,
  schema: PolicyConfigSchema | undefined,
): void {
  const property = schema?.properties[key];
  if (!property) {
    const known = Object.keys(schema?.properties ?? {});
    throw new Error(
      `policy config "${policy}": unknown setting "${key}" (it takes ${known.length ? known.join(", ") : "no settings"})`,
    );
  }
  // The pack's schemas use one type name per setting.
  const type = property.type as string | undefined;
  const actual: string = Array.isArray(value)
    ? "array"
    : Number.isInteger(value)
      ? "integer"
      : typeof value;
  const accepted = type === "number" ? ["number", "integer"] : [type];
  if (type !== undefined && !accepted.includes(actual)) {
    throw new Error(
      `policy config "${policy}".${key}: ${JSON.stringify(value)} is not of type ${type}`,
    );
  }
  if (typeof value === "number" && property.minimum !== undefined && value < property.minimum) {
    throw new Error(
      `policy config "${policy}".${key}: ${value} is below the minimum ${property.minimum}`,
    );
  }
}

/** Each policy's effective enforcement level and settings under `config`. */
export function resolvePolicyConfig(
  policies: Policies,
  config: PolicyPackConfig = {},
): Map<string, ResolvedPolicy> {
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const name of Object.keys(config)) {
    if (name !== "all" && !byName.has(name))
      throw new Error(`policy config names unknown policy "${name}"`);
  }
  const all = config["all"];
  const packLevel =
    all === undefined
      ? undefined
      : level(typeof all === "string" ? all : all.enforcementLevel, '"all"');
  const resolved = new Map<string, ResolvedPolicy>();
  for (const policy of policies) {
    const raw = config[policy.name];
    const entry: PolicyConfigEntry =
      typeof raw === "string" ? { enforcementLevel: raw } : (raw ?? {});
    const { enforcementLevel, ...configured } = entry;
    for (const [key, value] of Object.entries(configured)) {
      checkSetting(policy.name, key, value, policy.configSchema);
    }
    resolved.set(policy.name, {
      enforcementLevel:
        enforcementLevel !== undefined
          ? level(enforcementLevel, `"${policy.name}"`)
          : (packLevel ?? policy.enforcementLevel ?? PACK_DEFAULT_LEVEL),
      settings: { ...schemaDefaults(policy.configSchema), ...configured },
    });
  }
  return resolved;
}
