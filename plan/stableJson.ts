// Plan data in a stable order, so two runs of one plan give byte-identical JSON that `diff` can
// compare: keys sorted at every level of the program's values (resources are sorted by URN).
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
