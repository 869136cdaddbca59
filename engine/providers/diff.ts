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
 * Diff of `news` (the checked inputs) against `olds` (the state the provider returned). A property
 * counts when the new inputs set it, or when the old state has it and it is not computed (a removed
 * input). An unknown new value counts as a change, as the AWS provider does in a preview: it cannot
 * know the value will stay the same.
 *
 * @param computed properties the provider adds to the state itself (ids, ARNs, endpoints)
 * @param forceNew properties that force a new resource for this type; `undefined` when nothing is
 *   known of the type, and then every change is a replacement (the pessimistic side)
 */
export function diffProperties(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  computed: ReadonlySet<string>,
  forceNew: readonly string[] | undefined,
): PropertyDiff {
  const keys = new Set([
    ...Object.keys(news),
    ...Object.keys(olds).filter((k) => !computed.has(k) && !k.startsWith("__")),
  ]);
  const changed = [...keys]
    .filter((k) => containsUnknown(news[k]) || !equal(olds[k], news[k]))
    .sort();
  const replaces = changed.filter((k) => forceNew === undefined || forceNew.includes(k));
  return { changes: changed.length > 0, replaces, changed };
}
