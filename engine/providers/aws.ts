// The simulated AWS provider plugin ("aws"): every resource and invoke answered by the offline
// plan's MockCloud, so ids, ARNs and invoke results are the ones the plan tests already rely on.
//
// What the engine can see behaves as the real provider does:
// - check returns the inputs (the real provider also fills defaults; the program sets what it needs);
// - diff reports the changed properties and, among them, those the AWS provider forces new
//   (replaceOnChanges.json, from the provider's schema; pessimistic for a type it lacks);
// - create/update answer with MockCloud's outputs; in a preview, create answers with what the cloud
//   computes unknown, nested fields too (previewSupport.ts: the Node.js provider API alone declares
//   no preview support, and the engine then shows the inputs as the state, where a computed field
//   nested in an input object is absent instead of unknown, which no real provider does);
// - read (refresh) answers with the state it is given: the simulated cloud never drifts;
// - delete succeeds (protection is the engine's business, before any call reaches a provider).
import type * as provider from "@pulumi/pulumi/provider";
import { MockCloud } from "../../plan/mockCloud";
import { diffProperties, previewOutputs } from "./diff";
import { loadReplaceTable } from "./replaceOnChanges";

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> own type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = parts[2].split("$");
  return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

export class SimulatedAws implements provider.Provider {
  private readonly cloud: MockCloud;
  private readonly forceNew: Record<string, string[]> | undefined;

  constructor(
    readonly version: string,
    region: string,
  ) {
    // StackReferences are the engine's own resources: the simulated cloud never sees one.
    this.cloud = new MockCloud(region, {});
    this.forceNew = loadReplaceTable()?.types;
  }

  private answer(urn: string, inputs: Record<string, unknown>) {
    const { type, name } = parseUrn(urn);
    return this.cloud.newResource({ type, name, inputs, provider: "", custom: true });
  }

  async check(_urn: string, _olds: unknown, news: Record<string, unknown>) {
    return { inputs: news };
  }

  async diff(
    _id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ) {
    const { type } = parseUrn(urn);
    const expected = this.answer(urn, news).state;
    const computed = new Set(Object.keys(expected).filter((k) => !(k in news)));
    const forceNew = this.forceNew ? (this.forceNew[type] ?? undefined) : undefined;
    const { changes, replaces } = diffProperties(olds, news, expected, computed, forceNew);
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(urn: string, inputs: Record<string, unknown>) {
    const { id, state } = this.answer(urn, inputs);
    return { id: id ?? parseUrn(urn).name, outs: state };
  }

  /** A create in a preview (previewSupport.ts): no id yet, what the cloud computes unknown. */
  async previewCreate(urn: string, inputs: Record<string, unknown>) {
    return { id: "", outs: previewOutputs(inputs, this.answer(urn, inputs).state) };
  }

  async read(id: string, _urn: string, props: Record<string, unknown>) {
    return { id, props };
  }

  async update(id: string, urn: string, _olds: unknown, news: Record<string, unknown>) {
    return { outs: this.answer(urn, news).state, id };
  }

  async delete() {}

  async invoke(token: string, inputs: Record<string, unknown>) {
    return { outputs: this.cloud.call({ token, inputs, provider: "" }) };
  }
}
