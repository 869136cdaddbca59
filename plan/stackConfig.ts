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

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown } | undefined>;
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
    if (declaration && declaration.default !== undefined) {
      config[qualify(key)] = asConfigString(declaration.default);
    }
  }
  const stackConfig = readYaml<{ config?: Record<string, unknown> }>(stackFile)?.config ?? {};
  for (const [key, value] of Object.entries(stackConfig)) {
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
  }
  for (const key of Object.keys(config)) {
    if (key.startsWith(`${project.name}:`) && !known.has(key)) {
      throw new UsageError(`${path.basename(stackFile)}: unknown config key ${key}`);
    }
  }
  return { project: project.name, config };
}
