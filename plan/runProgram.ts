// Runs the real program (index.ts) under Pulumi's mocks and records every resource it registers,
// with the options the engine would see (parent, protect, ignoreChanges). The mock monitor does
// not run stack transforms, so the options are read where the engine reads them: from the
// RegisterResource request itself, by a monitor that records each request and then lets
// Pulumi's own MockMonitor answer it.
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { MockCloud, PeerOutputs, PlanMode } from "./mockCloud";
import { LambdaPackage, measureArchive } from "./packages";
import { checkedInputs } from "./checkedInputs";

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; undefined for resources at the root of the stack. */
  parent?: string;
  custom: boolean;
  inputs: Record<string, any>;
  protect: boolean;
  ignoreChanges: string[];
  /** Set for resources placed in another region with the resource-level `region` argument. */
  region?: string;
  /** URNs this resource depends on, as the engine records them (RegisterResourceRequest). */
  dependencies: string[];
  /** Per input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The `aliases` option as the SDK sends it (alias specs; a parent as the monitor's URN). */
  aliases: AliasSpec[];
}

/** One alias of a RegisterResourceRequest: a full URN, or the parts that differ. */
export interface AliasSpec {
  urn?: string;
  name?: string;
  type?: string;
  /** The former parent, as the monitor named it; absent: the current parent. */
  parentUrn?: string;
  /** The resource formerly had no parent (the root stack). */
  noParent?: boolean;
}

function aliasSpecsOf(req: any): AliasSpec[] {
  return (req.getAliasesList?.() ?? []).map((alias: any) => {
    if (alias.getUrn?.()) return { urn: alias.getUrn() };
    const spec = alias.getSpec();
    const parts: AliasSpec = {};
    if (spec.getName()) parts.name = spec.getName();
    if (spec.getType()) parts.type = spec.getType();
    if (spec.getParenturn?.()) parts.parentUrn = spec.getParenturn();
    if (spec.getNoparent?.()) parts.noParent = true;
    return parts;
  });
}

export interface ProgramRun {
  project: string;
  stack: string;
  mode: PlanMode;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  /** Lambda packages by function URN; the function's `code` input then holds a summary. */
  packages: Map<string, LambdaPackage>;
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Full config keys (`magento-dr:regions`, `aws:region`) to string values, as the CLI passes them. */
  config: Record<string, string>;
  /** Outputs of the stacks this one references. */
  peerStacks?: PeerOutputs;
  /**
   * `preview` (a first preview: values AWS assigns at create time unknown) or `deployed`.
   * @default "preview"
   */
  mode?: PlanMode;
  /** Receives each resource as it is registered, also when the program later fails. */
  records?: PlannedResource[];
  /**
   * What to run instead of the program (index.ts): a function returning the "stack outputs", so a
   * test can construct one component alone under the same mocks (test/components/).
   */
  program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

const PROGRAM = path.resolve(__dirname, "..", "index.ts");
const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");

class RecordingMonitor extends MockMonitor {
  constructor(
    mocks: pulumi.runtime.Mocks,
    readonly records: PlannedResource[],
  ) {
    super(mocks);
  }

  private urnFor(parent: string, type: string, name: string): string {
    return (this as any).newUrn(parent, type, name);
  }

  private record(req: any, custom: boolean): void {
    const parent: string = req.getParent() || undefined;
    // What the engine hands the analyzer as `dependencies` and `propertyDependencies`: the SDK
    // sends both with every RegisterResource (ReadResource carries neither).
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap?.()?.forEach((deps: any, key: string) => {
      propertyDependencies[key] = [...deps.getUrnsList()].sort();
    });
    const inputs = checkedInputs(
      req.getType(),
      deserializeProperties(req.getObject?.() ?? req.getProperties()),
    );
    this.records.push({
      urn: this.urnFor(parent, req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      parent,
      custom,
      inputs,
      protect: typeof req.hasProtect === "function" && req.hasProtect() ? req.getProtect() : false,
      ignoreChanges: req.getIgnorechangesList?.() ?? [],
      region: typeof inputs.region === "string" ? inputs.region : undefined,
      dependencies: [...(req.getDependenciesList?.() ?? [])].sort(),
      propertyDependencies,
      aliases: aliasSpecsOf(req),
    });
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    this.record(req, req.getCustom());
    return super.registerResource(req, callback);
  }

  async readResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    this.record(req, true);
    return super.readResource(req, callback);
  }
}

/**
 * A stack output's value, with the runtime's `unknown` marker where the value is not known yet
 * (`apply` never runs on an unknown value during a preview, so it cannot be used here).
 */
function unwrap(value: pulumi.Input<unknown>): Promise<unknown> {
  const output = pulumi.output(value) as unknown as { promise(withUnknowns: boolean): unknown };
  return Promise.resolve(output.promise(true));
}

/** The resources and outputs the program would create for one stack, without AWS. */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const region = options.config["aws:region"] ?? "us-east-1";
  const mode = options.mode ?? "preview";
  const preview = mode === "preview";
  const monitor = new RecordingMonitor(
    new MockCloud(region, options.peerStacks ?? {}, mode),
    options.records ?? [],
  );
  // `setMocks` turns on the engine features the program would see; then the recording monitor
  // replaces the plain one it installed. With `preview` the runtime is in a dry run: outputs the
  // mock leaves out are unknown, and `apply` does not run on them, as under `pulumi preview`.
  await pulumi.runtime.setMocks(monitor.mocks, options.project, options.stack, preview);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, preview);
  // setMockOptions resets the feature flags setMocks turned on. Aliases must travel as specs, as
  // the engine asks for them (its monitor reports RESOURCE_MONITOR_FEATURE_ALIAS_SPECS), so the
  // plan records what each resource was formerly named and the engine derives the children's
  // aliases (test/helpers/engineUrns.ts does the same); otherwise the SDK would collapse them
  // into URNs computed from the mock's own, differently built URNs.
  const { getStore } = require("@pulumi/pulumi/runtime/state");
  getStore().supportsAliasSpecs = true;
  pulumi.runtime.setAllConfig(options.config, []);

  // An error inside a resource's inputs (a throwing `apply`) rejects a promise nobody awaits. The
  // Node.js language host fails the program on any unhandled rejection; so does the plan, instead
  // of recording the resources as if nothing had happened.
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  let result: ProgramRun | undefined;
  let failure: unknown;
  try {
    result = await run(options, mode, monitor);
  } catch (error) {
    failure = error;
  }
  // Rejections are reported after the microtasks of the turn that made them.
  await new Promise((resolve) => setImmediate(resolve));
  process.off("unhandledRejection", onUnhandled);
  if (unhandled.length > 0) {
    const first = unhandled[0];
    throw new Error(
      `the program failed: ${first instanceof Error ? first.message : String(first)}` +
        (unhandled.length > 1 ? ` (and ${unhandled.length - 1} more)` : ""),
    );
  }
  if (failure !== undefined) throw failure;
  return result!;
}

async function run(
  options: RunOptions,
  mode: PlanMode,
  monitor: RecordingMonitor,
): Promise<ProgramRun> {
  let programExports: Record<string, unknown>;
  try {
    if (options.program) {
      programExports = await options.program();
    } else {
      // Like the Pulumi language host: a program that exports a function is run and awaited.
      delete require.cache[require.resolve(PROGRAM)];
      const loaded = require(PROGRAM);
      programExports = typeof loaded === "function" ? await loaded() : loaded;
    }
  } finally {
    await (pulumi.runtime as any).waitForRPCs();
  }
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(programExports)) {
    outputs[key] = await unwrap(value as pulumi.Input<unknown>);
  }
  await (pulumi.runtime as any).waitForRPCs();
  const packages = new Map<string, LambdaPackage>();
  for (const resource of monitor.records) {
    const code = resource.inputs.code;
    if (code instanceof pulumi.asset.AssetArchive) {
      const measured = await measureArchive(code);
      packages.set(resource.urn, measured);
      resource.inputs.code = { archive: measured.files, packageBytes: measured.bytes };
    }
  }
  return {
    project: options.project,
    stack: options.stack,
    mode,
    resources: monitor.records,
    outputs,
    packages,
  };
}
