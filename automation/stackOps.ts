// The narrow interface between the CLI and Pulumi. Everything the CLI does to IaC goes through
// these four calls, so tests can record them (and assert none happened in a dry run) and the real
// implementation (pulumiStacks.ts) stays a thin layer over the Automation API.

/** One step of a preview, as the engine reports it. */
export interface PreviewChange {
  urn: string;
  type: string;
  /** The engine's operation: same, create, update, delete, replace, create-replacement, ... */
  op: string;
}

export interface UpSummary {
  /** `summary.resourceChanges` of the update: counts by operation. */
  resourceChanges: Record<string, number>;
  result: string;
}

export interface StackOps {
  /** `magento-dr:activeRegion` in the stack's config (the stack file). */
  setActiveRegion(stack: string, region: string): Promise<void>;
  refresh(stack: string): Promise<void>;
  /** Every resource step a preview would take. */
  previewChanges(stack: string): Promise<PreviewChange[]>;
  /** `up` with the project's policy pack and its production config. */
  up(stack: string): Promise<UpSummary>;
}

/** Raised by an implementation when another update holds the stack: never cancel it. */
export class StackBusy extends Error {
  constructor(public readonly stack: string) {
    super(`another update is running on stack ${stack}`);
    this.name = "StackBusy";
  }
}

/** The policy pack every `up` runs with (CONVENTIONS.md, "Automation API"). */
export const POLICY_PACKS = ["policies"];
export const POLICY_PACK_CONFIGS = ["policies/prod.json"];
