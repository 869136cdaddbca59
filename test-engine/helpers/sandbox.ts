// One engine sandbox per test run: a file backend, a PULUMI_HOME and a project folder holding
// COPIES of Pulumi.yaml and the stack files (`stack init` writes an encryptionsalt into the stack
// file, and the tests change config), all in a temporary folder. The simulated provider plugins
// (engine/plugins) are first on the CLI's PATH, so the engine starts them instead of downloading.
//
// Programs run inline through the Automation API: the CLI connects to the language runtime that
// @pulumi/pulumi/automation serves in this process (`--client`), which runs index.ts's exported
// function as the Node.js language host would. A stack therefore needs no pulumi-language-nodejs.
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO, type Tools } from "./tools";

export const PROJECT = "magento-dr";
/** The file backend's organization is always "organization" (Pulumi's diy backend). */
export const ORGANIZATION = "organization";

export class Sandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "magento-dr-engine-"));
  readonly project = path.join(this.root, "project");
  readonly env: Record<string, string>;
  private readonly stacks = new Map<string, Stack>();

  constructor(tools: Tools) {
    fs.mkdirSync(this.project);
    fs.mkdirSync(path.join(this.root, "backend"));
    for (const file of fs.readdirSync(REPO).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f))) {
      fs.copyFileSync(path.join(REPO, file), path.join(this.project, file));
    }
    // A function's package names its node_modules folders relative to the program's folder, and
    // the engine reads them from its own working directory: the project's packages are there too
    // (the heartbeat reader carries mysql2), as they are beside Pulumi.yaml in a real deployment.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(this.project, "node_modules"), "dir");
    this.env = {
      PATH: [path.join(REPO, "engine", "plugins"), tools.bin, process.env.PATH].join(
        path.delimiter,
      ),
      PULUMI_BACKEND_URL: `file://${path.join(this.root, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-tests",
      PULUMI_HOME: path.join(this.root, "pulumi-home"),
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    // The Automation API looks `pulumi` up on this process's PATH.
    process.env.PATH = this.env.PATH;
  }

  /** Rewrites a line of a stack file copy (`key: value` under config:). */
  setStackFileValue(stack: string, key: string, value: string | undefined): void {
    const file = path.join(this.project, `Pulumi.${stack}.yaml`);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const index = lines.findIndex((l) => l.trimStart().startsWith(`${key}:`));
    if (index < 0 && value === undefined) return;
    const line = `  ${key}: ${value}`;
    if (index < 0) lines.splice(1, 0, line);
    else if (value === undefined) lines.splice(index, 1);
    else lines[index] = line;
    fs.writeFileSync(file, lines.join("\n"));
  }

  /** The stack with the real program (index.ts) as its inline program. */
  async stack(name: string): Promise<Stack> {
    if (!this.stacks.has(name)) {
      const program = async () => {
        const run = require(path.join(REPO, "index.ts")) as () => Promise<Record<string, unknown>>;
        return run();
      };
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: PROJECT, program },
        { workDir: this.project, envVars: this.env },
      );
      this.stacks.set(name, stack);
    }
    return this.stacks.get(name)!;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A resource step of a preview or update, from the engine's events. */
export interface Step {
  urn: string;
  type: string;
  op: string;
  /** Output values the engine reports for the new state (unknowns as the engine marks them). */
  outputs: Record<string, unknown>;
}

export function stepCollector(): { steps: Step[]; onEvent: (event: EngineEvent) => void } {
  const steps: Step[] = [];
  return {
    steps,
    onEvent: (event) => {
      const meta = event.resourcePreEvent?.metadata;
      if (meta) {
        steps.push({
          urn: meta.urn,
          type: meta.type,
          op: meta.op,
          outputs: (meta.new?.outputs ?? {}) as Record<string, unknown>,
        });
      }
    },
  };
}
