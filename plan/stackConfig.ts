// Reads a stack's configuration the way the Pulumi CLI hands it to the program: the project's
// declared defaults (Pulumi.yaml), overlaid by the stack file (Pulumi.<stack>.yaml), overlaid by
// `--config key=value` overrides. Structured values (lists, objects) become JSON strings.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_KEYS } from "../config";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Bad usage of the plan (unknown stack, malformed override): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface ConfigDeclaration {
  type?: string;
  items?: { type: string };
  default?: unknown;
  value?: unknown;
}

interface ProjectFile {
  name: string;
  config?: Record<string, ConfigDeclaration | undefined>;
}

/**
 * The Pulumi CLI's own message for project keys a stack lacks (pulumi/pulumi
 * pkg/workspace/config.go, missingStackConfigurationKeysError): "value 'a'" for one key, "values
 * 'a' and 'b'" or "values 'a', 'b' and 'c'" (sorted) for more.
 */
export function missingKeysMessage(stack: string, keys: string[]): string {
  const quoted = [...keys].sort().map((k) => `'${k}'`);
  const list =
    quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
  return `Stack '${stack}' is missing configuration ${quoted.length === 1 ? "value" : "values"} ${list}`;
}

/**
 * The CLI's rule before it runs the program (mergeConfig in pulumi/pulumi
 * pkg/workspace/config.go): a key of the project's namespace declared in Pulumi.yaml without
 * `default` or `value` must be set on the stack, or `pulumi preview` stops.
 */
export function missingProjectKeys(
  project: ProjectFile,
  present: (qualifiedKey: string) => boolean,
): string[] {
  return Object.entries(project.config ?? {})
    .filter(([key]) => !key.includes(":") || key.startsWith(`${project.name}:`))
    .filter(([, d]) => d?.default === undefined && d?.value === undefined)
    .filter(([key]) => !present(key.includes(":") ? key : `${project.name}:${key}`))
    .map(([key]) => key);
}

/** Whether a stack value has the declared type (ValidateConfigValue in pulumi/pulumi project.go). */
function hasDeclaredType(declaration: ConfigDeclaration, value: unknown): boolean {
  switch (declaration.type) {
    case undefined:
      return true;
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(typeof value === "string" ? Number(value) : value);
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return (
        Array.isArray(value) &&
        value.every((item) => hasDeclaredType({ type: declaration.items?.type }, item))
      );
    default:
      return false;
  }
}

function typeName(declaration: ConfigDeclaration): string {
  return declaration.type === "array" ? `array<${declaration.items?.type}>` : declaration.type!;
}

function readYaml<T>(file: string): T {
  try {
    return yaml.load(fs.readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new UsageError(
      `cannot read ${path.relative(process.cwd(), file)}: ${(err as Error).message}`,
    );
  }
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function readProject(dir = PROJECT_DIR): ProjectFile {
  return readYaml<ProjectFile>(path.join(dir, "Pulumi.yaml"));
}

/** Stack names that have a Pulumi.<stack>.yaml in the project. */
export function listStacks(dir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The config the CLI would pass to the program for `stack`, with overrides applied last. */
export function readStackConfig(
  stack: string,
  overrides: string[] = [],
  dir = PROJECT_DIR,
): { project: string; config: Record<string, string> } {
  const project = readProject(dir);
  const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    throw new UsageError(
      `unknown stack "${stack}": there is no Pulumi.${stack}.yaml (stacks: ${listStacks(dir).join(", ")})`,
    );
  }
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  const known = new Set(CONFIG_KEYS.map(qualify));
  const config: Record<string, string> = {};

  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const fallback = declaration?.value ?? declaration?.default;
    if (fallback !== undefined) config[qualify(key)] = asConfigString(fallback);
  }
  const stackConfig = readYaml<{ config?: Record<string, unknown> }>(stackFile)?.config ?? {};
  const onStack = new Set(Object.keys(stackConfig).map(qualify));
  for (const [key, value] of Object.entries(stackConfig)) {
    const declaration = project.config?.[key.replace(`${project.name}:`, "")];
    if (declaration && !hasDeclaredType(declaration, value)) {
      throw new UsageError(
        `Stack '${stack}' with configuration key '${key.replace(`${project.name}:`, "")}' must be of type '${typeName(declaration)}'`,
      );
    }
    config[qualify(key)] = asConfigString(value);
  }
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`--config expects key=value, got "${override}"`);
    }
    const key = qualify(override.slice(0, eq));
    if (!known.has(key)) {
      throw new UsageError(`--config ${key}: unknown key (known: ${[...known].join(", ")})`);
    }
    config[key] = override.slice(eq + 1);
    onStack.add(key);
  }
  // `pulumi preview --config k=v` sets k on the stack before this check, so overrides count.
  const missing = missingProjectKeys(project, (k) => onStack.has(k));
  if (missing.length > 0) throw new UsageError(missingKeysMessage(stack, missing));
  for (const key of Object.keys(config)) {
    if (key.startsWith(`${project.name}:`) && !known.has(key)) {
      throw new UsageError(`${path.basename(stackFile)}: unknown config key ${key}`);
    }
  }
  return { project: project.name, config };
}
