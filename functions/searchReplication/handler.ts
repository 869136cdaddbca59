// The search replication function: runs in its region's VPC (the only place the VPC-only domain
// answers), signs in as the domain's fine-grained-access master user, and
//  - "reconcile" (every minute): in a region that is not active, keeps the auto-follow rule on the
//    connection to the active region, removes what Magento's index rotations left behind, and
//    publishes replication health; in the active region, removes a rule left from following;
//  - "promote" (the promotion's search step): stops replication on every follower index, removes
//    the rule, points each Magento alias at one complete index and counts its documents;
//  - "resync" (failback): in a region that is not active, drops the indices that no longer follow
//    (stale since the failover) so the auto-follow rule replicates fresh copies;
//  - "status": observes only;
//  - "users" (the deployment, before Magento and the checker are pointed at their users): puts the
//    domain's internal users for Magento and the checker in place (./users.ts) and fails unless
//    both sign in with exactly their own role. "reconcile" does the same every minute, so a user
//    changed or deleted by hand, or a new secret version, is put right within a minute.
// Errors reading or writing the domain throw (the scheduled run fails visibly; the promotion's step
// reports the failure), except metrics, which never stop the work but fail the invocation at the end.
import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { clientConfig, lazy } from "../awsClients";
import { LOG_TIER_FUNCTIONS } from "../contractLog";
import { METRIC_DIMENSIONS, METRIC_NAMESPACES, REPLICATION_METRICS } from "../contractMetrics";
import { logEvent } from "../log";
import { basicAuthorization } from "../searchAuth";
import { OpenSearchClient } from "./client";
import { indexPattern } from "./magentoIndices";
import { ensureUsers, ManagedUser, UserReport } from "./users";
import {
  AliasReport,
  deleteRule,
  DomainState,
  dropIndex,
  ensureRule,
  isBootstrapping,
  isFollowing,
  leftovers,
  magentoAliases,
  observe,
  settleAliases,
  stopReplication,
} from "./operations";

export interface SearchReplicationSettings {
  region: string;
  domainName: string;
  /** The local domain's endpoint (host name, or a base URL in tests). */
  endpoint: string;
  /** Magento's index prefix; the rule follows `<prefix>_*`. */
  indexPrefix: string;
  /** Connection alias on this domain per leader region it can follow (SearchReplicationLink). */
  leaderAliases: Record<string, string>;
  /** @default "magento-dr-<prefix>" */
  ruleName?: string;
  /** @default METRIC_NAMESPACES.search ("MagentoDR/Search") */
  metricNamespace?: string;
  /** Per-request deadline. @default 10000 */
  timeoutMs?: number;
}

export interface SearchReplicationDeps {
  /** The region the authority names active. */
  activeRegion: () => Promise<string>;
  headers?: () => Promise<Record<string, string>>;
  /**
   * The internal users this function keeps in place, with their passwords (from their secrets).
   * None when absent.
   */
  users?: () => Promise<ManagedUser[]>;
  /** Headers that sign in as one of those users (checks that each user works). @default HTTP Basic */
  headersFor?: (username: string, password: string) => Record<string, string>;
  cloudwatch?: CloudWatchClient;
}

export type SearchReplicationAction = "reconcile" | "promote" | "resync" | "status" | "users";
export const SEARCH_REPLICATION_ACTIONS: readonly SearchReplicationAction[] = [
  "reconcile",
  "promote",
  "resync",
  "status",
  "users",
];

export { REPLICATION_METRICS };

export interface ReplicationReport {
  action: SearchReplicationAction;
  /** Absent for "users", which does not depend on the authority. */
  role?: "leader" | "follower";
  activeRegion?: string;
  /** What is wrong, one line each; empty when healthy (reconcile, status) or verified (promote). */
  problems: string[];
  ruleCreated?: boolean;
  ruleDeleted?: boolean;
  stopped?: string[];
  dropped?: string[];
  aliases?: AliasReport[];
  following?: number;
  /** Follower indices still copying (BOOTSTRAPPING): not yet a complete copy. */
  bootstrapping?: number;
  lagOperations?: number;
  /** The internal users managed on this run and what was written for each (reconcile, users). */
  users?: UserReport[];
}

export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadRequest";
  }
}

function actionOf(event: unknown): SearchReplicationAction {
  // EventBridge schedules deliver their own event (no action): that is the reconcile.
  if (typeof event !== "object" || event === null || !("action" in event)) return "reconcile";
  const action = (event as { action: unknown }).action;
  if (SEARCH_REPLICATION_ACTIONS.includes(action as SearchReplicationAction)) {
    return action as SearchReplicationAction;
  }
  throw new BadRequest(
    `action ${JSON.stringify(action)} is not one of ${SEARCH_REPLICATION_ACTIONS.join(", ")}`,
  );
}

/** Health of a follower: every current index follows, the rule is there and has no failures. */
function followerProblems(state: DomainState, ruleName: string): string[] {
  const problems: string[] = [];
  const rule = state.rules.find((r) => r.name === ruleName);
  if (!rule) problems.push(`auto-follow rule ${ruleName} is missing`);
  else if (rule.failedIndices.length > 0) {
    problems.push(`auto-follow could not start: ${rule.failedIndices.join(", ")}`);
  }
  const stopped = state.indices.filter((i) => !isFollowing(i));
  if (stopped.length > 0) {
    problems.push(`not following: ${stopped.map((i) => `${i.name} (${i.status})`).join(", ")}`);
  }
  if (!state.indices.some(isFollowing)) problems.push("no index follows the active region");
  return problems;
}

export function createSearchReplicationHandler(
  settings: SearchReplicationSettings,
  deps: SearchReplicationDeps,
): (event?: unknown) => Promise<ReplicationReport> {
  const ruleName = settings.ruleName ?? `magento-dr-${settings.indexPrefix}`;
  const namespace = settings.metricNamespace ?? METRIC_NAMESPACES.search;
  const pattern = indexPattern(settings.indexPrefix);
  const client = new OpenSearchClient({
    endpoint: settings.endpoint,
    headers: deps.headers,
    timeoutMs: settings.timeoutMs,
  });
  const cloudwatch = lazy(
    () => deps.cloudwatch ?? new CloudWatchClient(clientConfig(settings.region)),
  );
  const allAliases = Object.values(settings.leaderAliases);

  /** Users problems never stop the replication work; they are reported (and alarm) with it. */
  async function manageUsers(): Promise<{ users?: UserReport[]; problems: string[] }> {
    if (!deps.users) return { problems: [] };
    try {
      const report = await ensureUsers(client, await deps.users(), (username, password) => {
        const headers = (
          deps.headersFor ?? ((u, p) => basicAuthorization({ username: u, password: p }))
        )(username, password);
        return new OpenSearchClient({
          endpoint: settings.endpoint,
          headers: async () => headers,
          timeoutMs: settings.timeoutMs,
        });
      });
      return { users: report.users, problems: report.problems.map((p) => `search user ${p}`) };
    } catch (error) {
      return { problems: [`search users not managed: ${(error as Error).message}`] };
    }
  }

  async function publish(report: ReplicationReport): Promise<unknown> {
    const dimensions = [{ Name: METRIC_DIMENSIONS.domainName, Value: settings.domainName }];
    const at = new Date();
    const datum = (MetricName: string, Value: number): MetricDatum => ({
      MetricName,
      Dimensions: dimensions,
      Value,
      Unit: "None",
      Timestamp: at,
    });
    const data = [datum(REPLICATION_METRICS.healthy, report.problems.length === 0 ? 1 : 0)];
    if (report.role === "follower") {
      data.push(datum(REPLICATION_METRICS.lag, report.lagOperations ?? 0));
      data.push(datum(REPLICATION_METRICS.followingIndices, report.following ?? 0));
    }
    try {
      await cloudwatch().send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
      return undefined;
    } catch (error) {
      logEvent({
        fn: LOG_TIER_FUNCTIONS.searchReplication,
        level: "error",
        message: "PutMetricData failed",
        error,
      });
      return error;
    }
  }

  async function reconcile(activeRegion: string): Promise<ReplicationReport> {
    const state = await observe(client, settings.indexPrefix);
    if (activeRegion === settings.region) {
      const ruleDeleted = await deleteRule(client, state, ruleName, allAliases);
      return { action: "reconcile", role: "leader", activeRegion, problems: [], ruleDeleted };
    }
    const leaderAlias = settings.leaderAliases[activeRegion];
    if (leaderAlias === undefined) {
      return {
        action: "reconcile",
        role: "follower",
        activeRegion,
        problems: [`no connection from ${settings.region} to the active region ${activeRegion}`],
        following: 0,
        lagOperations: 0,
      };
    }
    const ruleCreated = await ensureRule(client, state, { name: ruleName, leaderAlias, pattern });
    const current = ruleCreated ? await observe(client, settings.indexPrefix) : state;
    const dropped = leftovers(settings.indexPrefix, current);
    for (const index of dropped) await dropIndex(client, index);
    const after = dropped.length > 0 ? await observe(client, settings.indexPrefix) : current;
    const following = after.indices.filter(isFollowing);
    return {
      action: "reconcile",
      role: "follower",
      activeRegion,
      problems: followerProblems(after, ruleName),
      ruleCreated,
      dropped: dropped.map((i) => i.name),
      following: following.length,
      bootstrapping: following.filter(isBootstrapping).length,
      lagOperations: Math.max(0, ...following.map((i) => i.lagOperations)),
    };
  }

  async function promote(activeRegion: string): Promise<ReplicationReport> {
    const state = await observe(client, settings.indexPrefix);
    const stopped: string[] = [];
    for (const index of state.indices) {
      if (await stopReplication(client, index)) stopped.push(index.name);
    }
    const ruleDeleted = await deleteRule(client, state, ruleName, allAliases);
    const after = stopped.length > 0 ? await observe(client, settings.indexPrefix) : state;
    const problems = after.indices
      .filter((i) => isFollowing(i))
      .map((i) => `${i.name} still replicating (${i.status})`);
    const aliases = await settleAliases(client, settings.indexPrefix, after);
    if (magentoAliases(settings.indexPrefix, after).length === 0) {
      problems.push(`no Magento index (${pattern}) on ${settings.domainName}`);
    } else if (!aliases.some((a) => /_product_\d+$/.test(a.alias) && a.documents > 0)) {
      problems.push("no product index with documents");
    }
    for (const a of aliases.filter((a) => a.documents === 0)) {
      problems.push(`${a.alias} has no documents`);
    }
    return {
      action: "promote",
      role: activeRegion === settings.region ? "leader" : "follower",
      activeRegion,
      problems,
      ruleDeleted,
      stopped,
      aliases,
    };
  }

  async function resync(activeRegion: string): Promise<ReplicationReport> {
    if (activeRegion === settings.region) {
      throw new BadRequest(
        `${settings.region} is the active region: its indices are the live ones and resync never drops them`,
      );
    }
    const state = await observe(client, settings.indexPrefix);
    const stale = state.indices.filter((i) => !isFollowing(i));
    for (const index of stale) await dropIndex(client, index);
    const report = await reconcile(activeRegion);
    return {
      ...report,
      action: "resync",
      dropped: [...stale.map((i) => i.name), ...(report.dropped ?? [])],
    };
  }

  return async (event?: unknown) => {
    const action = actionOf(event);
    let report: ReplicationReport;
    if (action === "users") {
      // Needs only this region's domain and secrets: a deployment puts the users in place even
      // while the authority's region is unreachable.
      report = { action, ...(await manageUsers()) };
      logEvent({
        fn: LOG_TIER_FUNCTIONS.searchReplication,
        level: report.problems.length ? "warn" : "info",
        ...report,
      });
      // The deployment waits on this action before it points Magento and the checker at their
      // users: it must fail, not report, when they are not in place.
      if (report.problems.length > 0) {
        throw new Error(`search users are not in place: ${report.problems.join("; ")}`);
      }
      return report;
    }
    const activeRegion = await deps.activeRegion();
    if (action === "promote") report = await promote(activeRegion);
    else if (action === "resync") report = await resync(activeRegion);
    else if (action === "status") {
      const state = await observe(client, settings.indexPrefix);
      const role = activeRegion === settings.region ? "leader" : "follower";
      const following = state.indices.filter(isFollowing);
      report = {
        action,
        role,
        activeRegion,
        problems: role === "leader" ? [] : followerProblems(state, ruleName),
        following: following.length,
        bootstrapping: following.filter(isBootstrapping).length,
        lagOperations: Math.max(0, ...following.map((i) => i.lagOperations)),
      };
    } else {
      const managed = await manageUsers();
      const replication = await reconcile(activeRegion);
      report = {
        ...replication,
        problems: [...managed.problems, ...replication.problems],
        ...(managed.users ? { users: managed.users } : {}),
      };
    }
    const level = report.problems.length === 0 ? "info" : "warn";
    logEvent({ fn: LOG_TIER_FUNCTIONS.searchReplication, level, ...report });
    if (action === "reconcile") {
      const metricsError = await publish(report);
      if (metricsError !== undefined) {
        throw new Error("search replication metrics could not be published", {
          cause: metricsError,
        });
      }
    }
    return report;
  };
}
