// Config tests parse a prod stack file with some keys overridden, and read the problems a
// refused config names (config.ts throws one ConfigError listing them all).
import * as assert from "assert";
import { ConfigError, DrConfig, parseConfig, RawConfig } from "../../config";
import { readStackConfig } from "../../plan/stackConfig";

export const PROJECT = "magento-dr";
/** The full key: `magento-dr:<name>`, or the name as given when it has a namespace. */
export const k = (name: string) => (name.includes(":") ? name : `${PROJECT}:${name}`);

export function parse(
  overrides: Record<string, string | undefined>,
  stack = "prod-euw1",
): DrConfig {
  const raw: RawConfig = { ...readStackConfig(stack).config };
  for (const [name, value] of Object.entries(overrides)) raw[k(name)] = value;
  return parseConfig(raw, PROJECT, stack);
}

export function problems(
  overrides: Record<string, string | undefined>,
  stack = "prod-euw1",
): string[] {
  try {
    parse(overrides, stack);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}
