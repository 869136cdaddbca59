// What the replication function does on its own region's domain, through the replication
// plugin's REST API (OpenSearch documentation, "Cross-cluster replication API"; Amazon OpenSearch
// Service Developer Guide, "Cross-cluster replication"). Every operation observes before it acts,
// so running one twice, or after a run that died half-way, is safe.
import { OpenSearchClient } from "./client";
import { byAlias, chooseAliasTargets, indexPattern, superseded } from "./magentoIndices";

/** `GET _plugins/_replication/<index>/_status` statuses (the API page lists SYNCING,
 * BOOTSTRAPING [sic], PAUSED and "REPLICATION NOT IN PROGRESS"; both spellings accepted). */
// A plain array, not a Set: Pulumi's closure serialization turns a module-level Set into an
// object without Set's methods in the Lambda package.
const FOLLOWING: readonly string[] = ["SYNCING", "BOOTSTRAPING", "BOOTSTRAPPING"];
export const NOT_REPLICATING = "REPLICATION NOT IN PROGRESS";

/** The roles the background replication tasks run as. The FGAC master user is mapped to
 * all_access on both domains, and the guide's examples use it; the user names are identical. */
export const REPLICATION_ROLES = {
  leader_cluster_role: "all_access",
  follower_cluster_role: "all_access",
} as const;

export interface IndexState {
  name: string;
  docs: number;
  status: string;
  /** leader_checkpoint - follower_checkpoint while following; 0 otherwise. */
  lagOperations: number;
}

export interface RuleState {
  name: string;
  pattern: string;
  failedIndices: string[];
}

export interface DomainState {
  indices: IndexState[];
  rules: RuleState[];
  /** alias → indices it names. */
  aliases: Map<string, string[]>;
}

const enc = encodeURIComponent;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

async function indexStatus(client: OpenSearchClient, name: string): Promise<IndexState> {
  const { body } = await client.request("GET", `/_plugins/_replication/${enc(name)}/_status`);
  const b = record(body);
  const status = typeof b.status === "string" ? b.status : "UNKNOWN";
  const details = record(b.syncing_details);
  const leader = Number(details.leader_checkpoint);
  const follower = Number(details.follower_checkpoint);
  const lag =
    FOLLOWING.includes(status) && Number.isFinite(leader) && Number.isFinite(follower)
      ? Math.max(0, leader - follower)
      : 0;
  return { name, docs: 0, status, lagOperations: lag };
}

/** The domain's Magento indices with their replication status, the rules and the aliases. */
export async function observe(client: OpenSearchClient, prefix: string): Promise<DomainState> {
  const pattern = indexPattern(prefix);
  const [cat, stats, aliasBody] = await Promise.all([
    client.request("GET", `/_cat/indices/${enc(pattern)}?format=json&h=index,docs.count`),
    client.request("GET", "/_plugins/_replication/autofollow_stats"),
    client.request("GET", `/${enc(pattern)}/_alias`),
  ]);
  const rows = Array.isArray(cat.body) ? cat.body.map(record) : [];
  const docs = new Map(rows.map((r) => [String(r.index), Number(r["docs.count"] ?? 0) || 0]));
  const indices = await Promise.all(
    [...docs.keys()].sort().map(async (name) => ({
      ...(await indexStatus(client, name)),
      docs: docs.get(name) ?? 0,
    })),
  );
  const rules = (
    Array.isArray(record(stats.body).autofollow_stats)
      ? (record(stats.body).autofollow_stats as unknown[])
      : []
  )
    .map(record)
    .map((r) => ({
      name: String(r.name),
      pattern: String(r.pattern),
      failedIndices: strings(r.failed_indices),
    }));
  const aliases = new Map<string, string[]>();
  for (const [index, entry] of Object.entries(record(aliasBody.body))) {
    for (const alias of Object.keys(record(record(entry).aliases))) {
      aliases.set(alias, [...(aliases.get(alias) ?? []), index].sort());
    }
  }
  return { indices, rules, aliases };
}

/** Still copying the leader's data: stopping it now would leave a partial index. */
export function isBootstrapping(index: IndexState): boolean {
  return index.status.startsWith("BOOTSTRAP");
}

export function isFollowing(index: IndexState): boolean {
  return FOLLOWING.includes(index.status);
}

/** Puts the auto-follow rule unless a rule of that name is already there. */
export async function ensureRule(
  client: OpenSearchClient,
  state: DomainState,
  rule: { name: string; leaderAlias: string; pattern: string },
): Promise<boolean> {
  if (state.rules.some((r) => r.name === rule.name)) return false;
  await client.request("POST", "/_plugins/_replication/_autofollow", {
    leader_alias: rule.leaderAlias,
    name: rule.name,
    pattern: rule.pattern,
    use_roles: REPLICATION_ROLES,
  });
  return true;
}

/**
 * Deletes the rule (it names its connection, which the stats do not show, so each known alias is
 * tried). "Delete replication rule ... prevents any new indexes from being replicated but does not
 * stop existing replication".
 */
export async function deleteRule(
  client: OpenSearchClient,
  state: DomainState,
  name: string,
  leaderAliases: readonly string[],
): Promise<boolean> {
  if (!state.rules.some((r) => r.name === name)) return false;
  for (const alias of leaderAliases) {
    await client.request(
      "DELETE",
      "/_plugins/_replication/_autofollow",
      { leader_alias: alias, name },
      [400, 404],
    );
  }
  return true;
}

/** "Terminates replication and converts the follower index to a standard index." */
export async function stopReplication(
  client: OpenSearchClient,
  index: IndexState,
): Promise<boolean> {
  if (index.status === NOT_REPLICATING) return false;
  await client.request("POST", `/_plugins/_replication/${enc(index.name)}/_stop`, {});
  return true;
}

export interface AliasReport {
  alias: string;
  index: string | undefined;
  documents: number;
  changed: boolean;
}

/**
 * Points each Magento alias at the index chooseAliasTargets picks, in one atomic _aliases call,
 * and counts the documents Magento will see through it. Only valid on indices that no longer
 * follow: a follower index refuses metadata writes while it replicates.
 */
export async function settleAliases(
  client: OpenSearchClient,
  prefix: string,
  state: DomainState,
): Promise<AliasReport[]> {
  const docs = new Map(state.indices.map((i) => [i.name, i.docs]));
  const choices = chooseAliasTargets(prefix, docs, state.aliases);
  const actions: unknown[] = [];
  for (const choice of choices) {
    if (!choice.target) continue;
    for (const index of choice.current.filter((c) => c !== choice.target)) {
      actions.push({ remove: { index, alias: choice.alias } });
    }
    if (!choice.current.includes(choice.target)) {
      actions.push({ add: { index: choice.target, alias: choice.alias } });
    }
  }
  if (actions.length > 0) await client.request("POST", "/_aliases", { actions });
  return Promise.all(
    choices.map(async (choice) => {
      let documents = 0;
      if (choice.target) {
        const { body } = await client.request("GET", `/${enc(choice.alias)}/_count`);
        documents = Number(record(body).count) || 0;
      }
      const changed =
        choice.target !== undefined &&
        (choice.current.length !== 1 || choice.current[0] !== choice.target);
      return { alias: choice.alias, index: choice.target, documents, changed };
    }),
  );
}

/** Deletes an index that no longer follows (stopping its replication first if it is paused). */
export async function dropIndex(client: OpenSearchClient, index: IndexState): Promise<void> {
  await stopReplication(client, index);
  await client.request("DELETE", `/${enc(index.name)}`, undefined, [404]);
}

/** Follower indices a rotation on the leader left behind: superseded and no longer following. */
export function leftovers(prefix: string, state: DomainState): IndexState[] {
  const old = new Set(
    superseded(
      prefix,
      state.indices.map((i) => i.name),
    ),
  );
  return state.indices.filter((i) => old.has(i.name) && !isFollowing(i));
}

/** The aliases Magento reads (one per entity and store), as found among the indices. */
export function magentoAliases(prefix: string, state: DomainState): string[] {
  return [
    ...byAlias(
      prefix,
      state.indices.map((i) => i.name),
    ).keys(),
  ].sort();
}
