// Stack facts from the deployed stacks' Pulumi state: the orchestrator function's environment as
// Pulumi last deployed it, and the stacks' outputs. This is what the CLI uses for real: the
// settings are the ones the Lambda runs with, read without any AWS call (the Lambda's own
// configuration would need @aws-sdk/client-lambda, which this project does not depend on).
import type { RegionFailoverSettingsInput } from "../../functions/region/settings";
import { failoverSettingsFrom, type StackFacts } from "./source";

/** Read-only access to deployed stacks (implemented with the Automation API in pulumiStacks.ts). */
export interface StackStateReader {
  outputs(stack: string): Promise<Record<string, unknown>>;
  /** The resources of the stack's last deployment, with their outputs. */
  resources(
    stack: string,
  ): Promise<{ urn: string; type: string; outputs: Record<string, unknown> }[]>;
}

export class DeployedStackFacts implements StackFacts {
  constructor(private readonly state: StackStateReader) {}

  async orchestratorSettings(stack: string): Promise<RegionFailoverSettingsInput> {
    const resources = await this.state.resources(stack);
    return failoverSettingsFrom(
      stack,
      resources.map((r) => ({
        type: r.type,
        name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
        props: r.outputs,
      })),
    );
  }

  outputs(stack: string): Promise<Record<string, unknown>> {
    return this.state.outputs(stack);
  }
}
