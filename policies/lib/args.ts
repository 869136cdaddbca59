// The argument bags the policy server hands to rules, built from plain data: the offline evaluator
// and the tests construct them exactly as @pulumi/policy's server does (server.js,
// makeAnalyzeRpcFun / makeAnalyzeStackRpcFun), without a gRPC request to read them from.
import {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { Resource } from "@pulumi/pulumi";

/** One resource as the engine would describe it to a policy. */
export interface ResourceDescription {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** URN of the parent resource. */
  parent?: string;
  protect?: boolean;
  ignoreChanges?: string[];
  /** URNs of the resources this one depends on, and per property (the engine's records). */
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** Thrown by `notApplicable()`, which rules (and `validateResourceOfType`) call to opt out. */
export class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
    this.name = "NotApplicable";
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** The server's type test: the class's Pulumi type token, or failing that its `isInstance`. */
export function isTypeOf(
  type: string,
  // The constructor shape @pulumi/policy's own isType takes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resourceClass: { new (...rest: any[]): Resource },
): boolean {
  const pulumiType = (resourceClass as unknown as { __pulumiType?: unknown }).__pulumiType;
  if (typeof pulumiType === "string" && pulumiType.length > 0) return type === pulumiType;
  const isInstance = (resourceClass as unknown as { isInstance?: (o: unknown) => boolean })
    .isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

export function policyOptions(r: ResourceDescription): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: r.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

type GetConfig = () => Record<string, unknown>;

const NO_STACK_TAGS: ReadonlyMap<string, string> = new Map();

export function resourceValidationArgs(
  r: ResourceDescription,
  getConfig: GetConfig = () => ({}),
): ResourceValidationArgs {
  return {
    type: r.type,
    props: r.props,
    urn: r.urn,
    name: r.name,
    opts: policyOptions(r),
    stackTags: NO_STACK_TAGS,
    isType: (cls) => isTypeOf(r.type, cls),
    asType: (cls) => (isTypeOf(r.type, cls) ? (r.props as never) : undefined),
    getConfig: <T extends object>() => getConfig() as T,
    notApplicable: throwNotApplicable,
  };
}

/** The stack's resources with `parent` linked to the parent's object, as the server links them. */
export function policyResources(resources: ResourceDescription[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      props: r.props,
      urn: r.urn,
      name: r.name,
      opts: policyOptions(r),
      // Linked below, once every resource exists (as the server links them).
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: (cls) => (isTypeOf(r.type, cls) ? (r.props as never) : undefined),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  const linked = (urns: string[] | undefined) =>
    (urns ?? []).flatMap((urn) => (byUrn.has(urn) ? [byUrn.get(urn)!] : []));
  resources.forEach((r, i) => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) built[i].parent = parent;
    built[i].dependencies = linked(r.dependencies);
    built[i].propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([key, urns]) => [key, linked(urns)]),
    );
  });
  return built;
}

export function stackValidationArgs(
  resources: ResourceDescription[],
  getConfig: GetConfig = () => ({}),
): StackValidationArgs {
  return {
    resources: policyResources(resources),
    stackTags: NO_STACK_TAGS,
    getConfig: <T extends object>() => getConfig() as T,
    notApplicable: throwNotApplicable,
  };
}
