// Runs one policy on hand-built arguments, the way the policy server would (AWSGuard's
// src/tests/util.ts, on this pack's own argument builders so the tests and the offline evaluator
// see identical argument bags).
import * as assert from "assert";
import {
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { Resource } from "@pulumi/pulumi";
import {
  NotApplicable,
  ResourceDescription,
  resourceValidationArgs,
  stackValidationArgs,
} from "../../policies/lib/args";
import { schemaDefaults } from "../../policies/lib/config";
import { UNKNOWN_SENTINELS } from "../../policies/lib/values";

/** What the engine sends for a value not known during preview; use inside `preview(...)`. */
export const U: any = [...UNKNOWN_SENTINELS][0];

/** Props as a preview hands them to rules: behind the proxy that throws on unknown values. */
export function preview<T extends object>(props: T): T {
  return unknownCheckingProxy(props) as T;
}

type ResourceClass = { new (...rest: any[]): Resource };

export function typeOf(cls: ResourceClass | string): string {
  if (typeof cls === "string") return cls;
  const type = (cls as unknown as { __pulumiType?: string }).__pulumiType;
  assert.ok(type, "resource class without a Pulumi type token");
  return type;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::magento-dr::${type}::${name}`;
}

export interface Declared {
  cls: ResourceClass | string;
  name: string;
  props: Record<string, any>;
  parent?: string;
  protect?: boolean;
  ignoreChanges?: string[];
}

export function descriptionOf(r: Declared): ResourceDescription {
  const type = typeOf(r.cls);
  return { ...r, type, urn: urnOf(type, r.name) };
}

/** ResourceValidationArgs for one resource; `config` is the policy's configured settings. */
export function resourceArgs(
  cls: ResourceClass,
  props: Record<string, any>,
  options: { name?: string; config?: Record<string, unknown> } = {},
): ResourceValidationArgs {
  const description = descriptionOf({ cls, name: options.name ?? "test", props });
  return resourceValidationArgs(description, () => options.config ?? {});
}

export function stackArgs(
  resources: Declared[],
  config: Record<string, unknown> = {},
): StackValidationArgs {
  return stackValidationArgs(resources.map(descriptionOf), () => config);
}

export interface Violation {
  message: string;
  urn?: string;
}

function guarded(run: () => unknown): void {
  try {
    const result = run();
    assert.ok(!(result instanceof Promise), "rules are expected to be synchronous");
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
}

export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Violation[] {
  const violations: Violation[] = [];
  for (const validate of [policy.validateResource!].flat()) {
    guarded(() => validate(args, (message, urn) => violations.push({ message, urn })));
  }
  return violations;
}

export function runStackPolicy(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Violation[] {
  const violations: Violation[] = [];
  guarded(() => policy.validateStack(args, (message, urn) => violations.push({ message, urn })));
  return violations;
}

/** Runs a resource policy on one resource, with the policy's schema defaults as its config. */
export function check(
  policy: ResourceValidationPolicy,
  cls: ResourceClass,
  props: Record<string, any>,
  config: Record<string, unknown> = {},
): Violation[] {
  const settings = { ...schemaDefaults(policy.configSchema), ...config };
  return runResourcePolicy(policy, resourceArgs(cls, props, { config: settings }));
}

export function checkStack(
  policy: StackValidationPolicy,
  resources: Declared[],
  config: Record<string, unknown> = {},
): Violation[] {
  return runStackPolicy(
    policy,
    stackArgs(resources, { ...schemaDefaults(policy.configSchema), ...config }),
  );
}

export function assertNoViolations(violations: Violation[]): void {
  assert.deepStrictEqual(
    violations.map((v) => v.message),
    [],
    "expected no violations",
  );
}

/** Exactly one violation, whose message contains every fragment (and names `urn`, if given). */
export function assertViolation(violations: Violation[], fragments: string[], urn?: string): void {
  assert.strictEqual(
    violations.length,
    1,
    `expected one violation, got:\n${violations.map((v) => `  ${v.message}`).join("\n")}`,
  );
  for (const fragment of fragments) {
    assert.ok(
      violations[0].message.includes(fragment),
      `"${violations[0].message}" lacks "${fragment}"`,
    );
  }
  if (urn !== undefined) assert.strictEqual(violations[0].urn, urn);
}

/** The message of a value that is unknown during preview. */
export function assertUnverifiable(violations: Violation[], property: string): void {
  assertViolation(violations, [`which cannot be verified: ${property} is unknown during preview`]);
}
