// StackOps and StackStateReader over the Automation API (the Pulumi CLI must be installed and
// logged in). One LocalWorkspace stack per name, selected once. The engine's own output streams to
// the operator line by line, so a long `up` is visibly alive.
//
// Reads never decrypt: the Automation API's `outputs()` and `exportStack()` run the CLI with
// --show-secrets (see LocalWorkspace.stackOutputs / exportStack in @pulumi/pulumi), which
// decrypts every secret of the stack on every `status` and `--dry-run`. What the CLI needs (the
// outputs, and the failover functions' settings in the deployed resources) is plain, so it runs
// `pulumi stack output --json` and `pulumi stack export` itself, without --show-secrets: secret
// outputs stay "[secret]" and secret values in the state stay ciphertext. Only `up`, `preview`
// and `refresh` (real runs, which must run the program) decrypt.
//
// Never cancels anything: when another update holds a stack, the call fails with StackBusy and the
// operator is told to wait for it (cancelling someone's update mid-flight leaves their resources
// in an unknown state, the opposite of what a failover needs).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  ConcurrentUpdateError,
  LocalWorkspace,
  type EngineEvent,
  type Stack,
} from "@pulumi/pulumi/automation";
import type { StackStateReader } from "./settings/deployedFacts";
import { requirePulumiCli } from "./pulumiCli";
import {
  POLICY_PACK_CONFIGS,
  POLICY_PACKS,
  StackBusy,
  type PreviewChange,
  type StackOps,
  type UpSummary,
} from "./stackOps";

export const ACTIVE_REGION_KEY = "magento-dr:activeRegion";

interface StateResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

export class PulumiStacks implements StackOps, StackStateReader {
  private readonly stacks = new Map<string, Promise<Stack>>();

  constructor(
    private readonly workDir: string,
    /** Receives the engine's output, line by line. */
    private readonly onOutput: (text: string) => void,
    /** The Pulumi CLI the reads run (the Automation API runs the same one from PATH). */
    private readonly pulumiCommand = "pulumi",
  ) {}

  async setActiveRegion(stack: string, region: string): Promise<void> {
    await (await this.stack(stack)).setConfig(ACTIVE_REGION_KEY, { value: region });
  }

  async refresh(stack: string): Promise<void> {
    await this.guard(stack, async (s) => {
      await s.refresh({ onOutput: this.onOutput });
    });
  }

  async previewChanges(stack: string): Promise<PreviewChange[]> {
    const changes: PreviewChange[] = [];
    const onEvent = (event: EngineEvent) => {
      const step = event.resourcePreEvent?.metadata;
      if (step) changes.push({ urn: step.urn, type: step.type, op: step.op });
    };
    await this.guard(stack, (s) =>
      s.preview({
        onEvent,
        policyPacks: POLICY_PACKS,
        policyPackConfigs: POLICY_PACK_CONFIGS,
      }),
    );
    return changes;
  }

  async up(stack: string): Promise<UpSummary> {
    const result = await this.guard(stack, (s) =>
      s.up({
        onOutput: this.onOutput,
        policyPacks: POLICY_PACKS,
        policyPackConfigs: POLICY_PACK_CONFIGS,
      }),
    );
    return {
      resourceChanges: { ...(result.summary.resourceChanges ?? {}) },
      result: result.summary.result,
    };
  }

  async outputs(stack: string): Promise<Record<string, unknown>> {
    await this.stack(stack);
    return JSON.parse(await this.read(["stack", "output", "--json", "--stack", stack])) as Record<
      string,
      unknown
    >;
  }

  async resources(stack: string) {
    await this.stack(stack);
    const resources = (await this.exported(stack)).deployment?.resources ?? [];
    return resources.map((r) => ({ urn: r.urn, type: r.type, outputs: r.outputs ?? {} }));
  }

  /** The stack's state without --show-secrets: secret values stay encrypted. */
  private async exported(stack: string): Promise<{ deployment?: { resources?: StateResource[] } }> {
    return JSON.parse(await this.read(["stack", "export", "--stack", stack])) as {
      deployment?: { resources?: StateResource[] };
    };
  }

  /** Runs a read-only `pulumi` command in the project directory and returns its stdout. */
  protected async read(args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(this.pulumiCommand, args, {
      cwd: this.workDir,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }

  private stack(name: string): Promise<Stack> {
    if (!this.stacks.has(name)) this.stacks.set(name, this.selectDeployed(name));
    return this.stacks.get(name)!;
  }

  /**
   * Only stacks that exist and hold resources. `createOrSelectStack` would create an empty stack
   * when the backend has none of that name (a wrong `pulumi login`), a write even in a dry run or
   * `status`, and an `up` of it would try to build a whole second region: select, never create.
   */
  private async selectDeployed(name: string): Promise<Stack> {
    requirePulumiCli();
    let stack: Stack;
    try {
      stack = await LocalWorkspace.selectStack({ stackName: name, workDir: this.workDir });
    } catch (error) {
      throw new Error(
        `stack ${name} does not exist in this backend (${(error as Error).message}): check \`pulumi whoami\` and the backend URL`,
      );
    }
    const exported = await this.exported(name);
    if ((exported.deployment?.resources ?? []).length === 0) {
      throw new Error(
        `stack ${name} has no deployed resources in this backend: check \`pulumi whoami\` and the backend URL`,
      );
    }
    return stack;
  }

  private async guard<T>(name: string, work: (stack: Stack) => Promise<T>): Promise<T> {
    try {
      return await work(await this.stack(name));
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw new StackBusy(name);
      throw error;
    }
  }
}
