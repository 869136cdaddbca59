// Names that cross the boundary between the program (components/), the Lambdas (functions/), the
// instances, the operator CLI (automation/) and the policy pack (policies/): defined once here, in
// plain TypeScript (no Pulumi import) that every side imports.

/**
 * Tag the components put on every Lambda that can start or carry out a regional promotion. The
 * policy pack finds those functions by this tag, never by their names, and flags a function whose
 * permissions could promote (or invoke a promoter) without it, so a renamed or new promoting
 * function cannot escape the promotion rules.
 */
export const PROMOTION_ROLE_TAG = "magento-dr:role";

/**
 * The values of PROMOTION_ROLE_TAG, and which rules each is held to (policies/rules/orchestrator.ts,
 * triggers.ts, promotionRoles.ts; docs/policies.md):
 * - `promoter` carries out a promotion (the orchestrator: promotes the database, fails the cache
 *   over, stops media replication, trips the gate). All promotion rules: one instance at a time,
 *   a DEADLINE_MS below its timeout, a scoped role, an RTO_BUDGET_SECONDS within the RTO, no open
 *   event trigger; a standby stack must have one.
 * - `trigger` only decides and asks a promoter to act (the detector: it invokes the orchestrator
 *   and keeps the region gate closed while this region is active). One instance at a time, a
 *   scoped role, no open event trigger; no deadline or budget of its own (its Lambda timeout
 *   bounds a run, and the promotion's deadline and budget are the promoter's).
 */
export const PROMOTION_ROLES = { promoter: "promoter", trigger: "trigger" } as const;

export type PromotionRole = (typeof PROMOTION_ROLES)[keyof typeof PROMOTION_ROLES];

/**
 * The SSM parameters each region publishes under `/<project>/<stack>/`: the contract between the
 * program (components/regionStack.ts writes them), the failover functions and the operator CLI
 * (which rewrite some of them), and the instances (components/bootstrap/magento-dr.sh and
 * render-env.php read them; test/contract.test.ts checks every name those files use is here).
 */
export const PARAMETERS = {
  dbWriterHost: "db/writer-host",
  dbReaderHost: "db/reader-host",
  dbName: "db/name",
  dbSecretArn: "db/secret-arn",
  cachePrimaryHost: "cache/primary-host",
  cacheReaderHost: "cache/reader-host",
  cachePort: "cache/port",
  cacheAuthSecretArn: "cache/auth-secret-arn",
  searchEndpoint: "search/endpoint",
  searchSecretArn: "search/secret-arn",
  searchReindexRequested: "search/reindex-requested",
  sessionsTable: "sessions/table",
  sessionsStore: "sessions/store",
  sessionsRegion: "sessions/region",
  sessionsTtlAttribute: "sessions/ttl-attribute",
  sessionsKeyPrefix: "sessions/key-prefix",
  mediaFileSystemId: "media/file-system-id",
  appBaseUrl: "app/base-url",
  appCryptKeySecretArn: "app/crypt-key-secret-arn",
  activeRegion: "active-region",
  maintenance: "maintenance",
  epoch: "epoch",
  /** The search checker's own state (functions/searchHealth.ts), never read by the instances. */
  searchHealthState: "automation/search-health-state",
} as const;

export type ParameterKey = (typeof PARAMETERS)[keyof typeof PARAMETERS];

/**
 * Parameters the failover automation rewrites after deployment (epoch bumps, the active region,
 * the maintenance switch the promotion and the fence flip, the cache primary after an in-region
 * failover, the search endpoint after the health checker moves it, the promotion search step's
 * reindex request). Pulumi sets their first value; a later deploy must not put back a stale one:
 * a standby's `maintenance` is "on" in its stack until the stack files are reconciled, and
 * putting it back would take the promoted region down. The one list: MagentoEndpoints'
 * ignoreChanges and the docs' ownership section (a test compares them) come from it.
 */
export const AUTOMATION_OWNED_PARAMETERS: readonly ParameterKey[] = [
  PARAMETERS.epoch,
  PARAMETERS.activeRegion,
  PARAMETERS.maintenance,
  PARAMETERS.cachePrimaryHost,
  PARAMETERS.searchEndpoint,
  PARAMETERS.searchReindexRequested,
];
