// Magento's search indices, by name. Pure: no I/O.
//
// Magento 2.4 names a search index `<prefix>_<entity>_<store id>_v<N>` and reads it through the
// alias `<prefix>_<entity>_<store id>` (e.g. magento2_product_1_v3 behind magento2_product_1). A
// full reindex builds `_v<N+1>`, moves the alias to it and deletes the old index
// (Magento\Elasticsearch\Model\Adapter\Elasticsearch::updateAlias; the OpenSearch module reuses
// it). Replication copies every index and, per index, its aliases (the replication plugin's
// IndexReplicationTask polls the leader's aliases and applies the difference), but not
// atomically across indices: around a rotation a follower can hold the alias on the old index,
// on both, or on neither, and the old index stays behind on the follower. Promotion therefore
// settles each alias itself (see chooseAliasTargets).

export interface MagentoIndex {
  /** The index name, e.g. magento2_product_1_v3. */
  name: string;
  /** The alias Magento reads it through, e.g. magento2_product_1. */
  alias: string;
  version: number;
}

/** The pattern the auto-follow rule replicates: everything Magento creates under its prefix. */
export function indexPattern(prefix: string): string {
  return `${prefix}_*`;
}

/** A Magento search index name parsed, or undefined for anything else under the prefix. */
export function parseIndexName(prefix: string, name: string): MagentoIndex | undefined {
  if (!name.startsWith(`${prefix}_`)) return undefined;
  const match = /^(.+_\d+)_v(\d+)$/.exec(name);
  if (!match) return undefined;
  return { name, alias: match[1], version: Number(match[2]) };
}

/** Magento's indices grouped by the alias they belong to, each group newest version first. */
export function byAlias(prefix: string, names: readonly string[]): Map<string, MagentoIndex[]> {
  const groups = new Map<string, MagentoIndex[]>();
  for (const name of names) {
    const index = parseIndexName(prefix, name);
    if (!index) continue;
    groups.set(index.alias, [...(groups.get(index.alias) ?? []), index]);
  }
  for (const list of groups.values()) list.sort((a, b) => b.version - a.version);
  return groups;
}

export interface AliasChoice {
  alias: string;
  /** The index the alias should name after promotion, or undefined when none has documents. */
  target: string | undefined;
  /** Indices the alias names now. */
  current: string[];
  why: string;
}

/**
 * Which index each alias should name once the follower is promoted:
 *  - the index the alias already names alone, if it has documents (the last rotation that
 *    reached this domain completed: Magento moves the alias only after filling the new index);
 *  - otherwise the newest version with documents (a rotation half-replicated, or aliases not
 *    synchronised yet);
 *  - none when no version has documents: the caller asks for a reindex.
 */
export function chooseAliasTargets(
  prefix: string,
  docs: ReadonlyMap<string, number>,
  aliases: ReadonlyMap<string, string[]>,
): AliasChoice[] {
  const choices: AliasChoice[] = [];
  for (const [alias, versions] of byAlias(prefix, [...docs.keys()])) {
    const current = aliases.get(alias) ?? [];
    const hasDocs = (name: string) => (docs.get(name) ?? 0) > 0;
    if (current.length === 1 && hasDocs(current[0])) {
      choices.push({ alias, target: current[0], current, why: "alias already names one index" });
      continue;
    }
    const newest = versions.find((v) => hasDocs(v.name));
    choices.push({
      alias,
      target: newest?.name,
      current,
      why: newest ? "newest version with documents" : "no version has documents",
    });
  }
  return choices.sort((a, b) => a.alias.localeCompare(b.alias));
}

/**
 * Indices superseded by a newer version of the same alias: on a follower, what Magento's
 * rotation left behind after it deleted the leader's copy.
 */
export function superseded(prefix: string, names: readonly string[]): string[] {
  return [...byAlias(prefix, names).values()].flatMap((list) => list.slice(1).map((i) => i.name));
}
