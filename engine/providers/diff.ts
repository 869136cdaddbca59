// What the engine's Diff call answers for a custom resource of the simulated AWS: which top-level
// properties changed, and which of those force a replacement. No Pulumi imports: the values are the
// provider protocol's plain JavaScript (unknowns arrive as the sentinel string below).

/** How the provider protocol marks a value that is unknown during a preview (sdk/nodejs/runtime/rpc). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PropertyDiff {
  changes: boolean;
  /** Changed properties that force a new resource, as the engine's `replaces` list. */
  replaces: string[];
  changed: string[];
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (
    a &&
    b &&
    typeof a === "object" &&
    typeof b === "object" &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    return kx.length === ky.length && kx.every((k) => equal(x[k], y[k]));
  }
  return false;
}

/**
 * Diff of the current state `olds` against `expected`, the state the simulated cloud would hold for
 * the new inputs `news` (inputs plus what the cloud computes, nested fields included, so a computed
 * field is never mistaken for a change). A property counts when the new inputs set it, or when the
 * old state has it and the cloud does not compute it (a removed input). An unknown new value counts
 * as a change, as with the AWS provider in a preview: it cannot know the value will stay the same.
 *
 * @param computed top-level properties the cloud adds itself (ids, ARNs, endpoints)
 * @param forceNew properties that force a new resource for this type; `undefined` when nothing is
 *   known of the type, and then every change is a replacement (the pessimistic side)
 */
export function diffProperties(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  expected: Record<string, unknown>,
  computed: ReadonlySet<string>,
  forceNew: readonly string[] | undefined,
): PropertyDiff {
  const keys = new Set([
    ...Object.keys(news),
    ...Object.keys(olds).filter((k) => !computed.has(k) && !k.startsWith("__")),
  ]);
  const changed = [...keys]
    .filter(
      (k) => containsUnknown(news[k]) || !equal(olds[k], k in expected ? expected[k] : news[k]),
    )
    .sort();
  const replaces = changed.filter((k) => forceNew === undefined || forceNew.includes(k));
  return { changes: changed.length > 0, replaces, changed };
}

/**
 * The outputs of a create in a preview: the inputs, and every value the cloud computes (top-level or
 * nested inside an input object) unknown, as the AWS provider answers ("known after apply").
 */
export function previewOutputs(inputs: unknown, state: unknown): unknown {
  if (isPlainObject(inputs) && isPlainObject(state)) {
    return Object.fromEntries(
      Object.keys(state).map((k) => [
        k,
        k in inputs ? previewOutputs(inputs[k], state[k]) : UNKNOWN,
      ]),
    );
  }
  if (Array.isArray(inputs) && Array.isArray(state) && inputs.length === state.length) {
    return state.map((v, i) => previewOutputs(inputs[i], v));
  }
  return inputs;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
