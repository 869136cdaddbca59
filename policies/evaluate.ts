// Runs the pack in-process, without a policy server: the offline plan shows what
// `pulumi preview --policy-pack policies` would report, and the tests run the pack end to end.
// It mirrors the server (@pulumi/policy server.js): per-policy enforcement levels from config,
// `disabled` skipped, `remediate` reported as mandatory, each resource policy's validations run on
// every resource, stack policies run once over all of them.
import {
  EnforcementLevel,
  Policies,
  ResourceValidationPolicy,
  StackValidationPolicy,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { isRpcSecret, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import type { PlannedResource } from "../plan/runProgram";
import { allPolicies } from "./all";
import {
  NotApplicable,
  ResourceDescription,
  resourceValidationArgs,
  stackValidationArgs,
} from "./lib/args";
import { PolicyPackConfig, resolvePolicyConfig } from "./lib/packConfig";
import { isUnknownValue, isUnknownValueError, UNKNOWN_SENTINELS } from "./lib/values";

export interface EvaluationOptions {
  /** Policy config in the `--policy-pack-config` format (see policies/prod.json). */
  config?: PolicyPackConfig;
  /**
   * Hand the inputs to rules behind @pulumi/policy's unknown-checking proxy, as the server does
   * during a preview, so a rule that reads an unknown value without `known()` throws (and is
   * reported) instead of seeing the engine's sentinel string. Unknown values themselves are
   * always passed on as unknown, never dropped: a check must not pass because a value was missing.
   */
  dryRun?: boolean;
  /** The policies to run; the whole pack by default. */
  policies?: Policies;
}

export interface PolicyViolation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** The resource at fault; the stack's URN for a finding about the stack as a whole. */
  urn: string;
  message: string;
}

export interface Evaluation {
  policies: { name: string; enforcementLevel: EnforcementLevel }[];
  violations: PolicyViolation[];
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The stack's URN, where stack-level findings are filed: the Stack resource's own, or (the mock
 * monitor does not record the root resource) the URN Pulumi gives it, derived from any resource's
 * `urn:pulumi:<stack>::<project>::...`.
 */
function stackUrnOf(resources: PlannedResource[]): string {
  const root = resources.find((r) => r.type === STACK_TYPE);
  if (root) return root.urn;
  const match = resources[0]?.urn.match(/^urn:pulumi:([^:]+)::([^:]+)::/);
  return match ? `urn:pulumi:${match[1]}::${match[2]}::${STACK_TYPE}::${match[2]}-${match[1]}` : "";
}

const UNKNOWN_STRING = [...UNKNOWN_SENTINELS][0];

/**
 * Inputs as the policy server hands them to rules: secrets unwrapped to their plain values (the
 * runtime records them as `{ <sig>: <secret sig>, value }`), and the runtime's unknown markers
 * replaced by the sentinel the engine sends to analyzers.
 */
function asAnalyzerSees(value: unknown): unknown {
  if (isRpcSecret(value)) return asAnalyzerSees(unwrapRpcSecret(value));
  if (isUnknownValue(value)) return UNKNOWN_STRING;
  if (Array.isArray(value)) return value.map(asAnalyzerSees);
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asAnalyzerSees(v)]));
  }
  return value;
}

function describe(r: PlannedResource, dryRun: boolean): ResourceDescription {
  const inputs = asAnalyzerSees(r.inputs) as Record<string, unknown>;
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    parent: r.parent,
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    props: dryRun ? unknownCheckingProxy(inputs) : inputs,
  };
}

function isResourcePolicy(
  p: ResourceValidationPolicy | StackValidationPolicy,
): p is ResourceValidationPolicy {
  return "validateResource" in p && p.validateResource !== undefined;
}

/**
 * Runs one validation. The rules of this pack are synchronous; a promise here would be reported
 * after the plan printed its result, so it is refused rather than silently dropped.
 */
function run(
  policy: string,
  urn: string,
  validation: () => unknown,
  onUnknown: (message: string) => void,
): void {
  try {
    const result = validation();
    if (result && typeof (result as Promise<unknown>).then === "function") {
      throw new Error("the offline evaluator runs synchronous validations only");
    }
  } catch (e) {
    if (e instanceof NotApplicable) return;
    // A rule that read an unknown value without `known()`: the server would downgrade this to an
    // advisory note; here it stays at the policy's level, so a preview cannot look cleaner than it is.
    if (isUnknownValueError(e)) return onUnknown(e.message);
    throw new Error(`policy ${policy} failed on ${urn}: ${(e as Error).message}`);
  }
}

export function evaluatePolicies(
  resources: PlannedResource[],
  options: EvaluationOptions = {},
): Evaluation {
  const policies = options.policies ?? allPolicies;
  const resolved = resolvePolicyConfig(policies, options.config);
  const described = resources.map((r) => describe(r, options.dryRun ?? false));
  const stackUrn = stackUrnOf(resources);
  const violations: PolicyViolation[] = [];

  for (const policy of policies) {
    const { enforcementLevel: level, settings } = resolved.get(policy.name)!;
    if (level === "disabled") continue;
    const enforcementLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const getConfig = () => settings;
    const record = (urn: string) => (message: string) =>
      violations.push({ policy: policy.name, enforcementLevel, urn, message });
    const cannotRun = (urn: string) => (reason: string) =>
      record(urn)(`cannot run policy ${policy.name} during preview: ${reason}`);

    if (isResourcePolicy(policy)) {
      const validations = [policy.validateResource!].flat();
      for (const resource of described) {
        const args = resourceValidationArgs(resource, getConfig);
        // The server ignores the URN a resource validation passes: the resource is the subject.
        const report = record(resource.urn);
        for (const validate of validations) {
          // The server's fast path: validateResourceOfType tags its function with the type token.
          const only = (validate as { __pulumiType?: string }).__pulumiType;
          if (only !== undefined && only !== resource.type) continue;
          run(
            policy.name,
            resource.urn,
            () => validate(args, (message) => report(message)),
            cannotRun(resource.urn),
          );
        }
      }
    } else {
      const args = stackValidationArgs(described, getConfig);
      run(
        policy.name,
        stackUrn,
        () => policy.validateStack(args, (message, urn) => record(urn ?? stackUrn)(message)),
        cannotRun(stackUrn),
      );
    }
  }

  return {
    policies: policies.map((p) => ({
      name: p.name,
      enforcementLevel: resolved.get(p.name)!.enforcementLevel,
    })),
    violations,
  };
}
