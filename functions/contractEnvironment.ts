// Environment variables that cross the boundary between the components (which set them on a
// Lambda, or render them into an instance's /etc/magento-dr.env) and the code that reads them
// (the handlers' factories, the instance script). Defined once here, in plain TypeScript (no
// Pulumi import), and imported on both sides; test/contractEnvironment.test.ts pins the values and
// checks, against the offline plan, that every Lambda reads exactly what its resource sets.

/** The failover and tier Lambdas' variables, by what they carry. */
export const LAMBDA_ENVIRONMENT = {
  /** The resolved region failover settings, JSON (orchestrator, detector, witness). */
  failoverSettings: "FAILOVER_SETTINGS",
  /**
   * The promotion's deadline in ms, on the orchestrator: a declaration the policy pack checks
   * against the Lambda timeout (dr-orchestrator-deadline); the handler takes the same figure from
   * FAILOVER_SETTINGS (deadlines.overallMs).
   */
  deadlineMs: "DEADLINE_MS",
  /** The recovery budget's worst path in s, on the orchestrator, for dr-recovery-budget. */
  rtoBudgetSeconds: "RTO_BUDGET_SECONDS",
  /** The orchestrator's function name, which the detector invokes. */
  orchestratorFunction: "ORCHESTRATOR_FUNCTION",
  /** The third region the witness canary runs in. */
  witnessRegion: "WITNESS_REGION",
  /** The standby replica's address and login secret (heartbeat reader). */
  databaseHost: "DATABASE_HOST",
  databaseSecretArn: "DATABASE_SECRET_ARN",
  /** The account the cache events come from (cache endpoint sync). */
  accountId: "ACCOUNT_ID",
  /** The search endpoints by priority, JSON (search health checker). */
  searchEndpoints: "SEARCH_ENDPOINTS",
  /** The secret the search calls sign in with (checker: its own user; replication: master). */
  searchSecretArn: "SEARCH_SECRET_ARN",
  /** The region's search domain (search replication). */
  searchDomainName: "SEARCH_DOMAIN_NAME",
  searchEndpoint: "SEARCH_ENDPOINT",
  /** The secrets of the users the search replication function keeps (Magento's, the checker's). */
  searchMagentoSecretArn: "SEARCH_MAGENTO_SECRET_ARN",
  searchCheckerSecretArn: "SEARCH_CHECKER_SECRET_ARN",
} as const;

export type LambdaVariable = (typeof LAMBDA_ENVIRONMENT)[keyof typeof LAMBDA_ENVIRONMENT];

/** Set for the policy pack, read by no handler (their figures travel in FAILOVER_SETTINGS). */
export const DECLARED_ONLY_VARIABLES: readonly LambdaVariable[] = [
  LAMBDA_ENVIRONMENT.deadlineMs,
  LAMBDA_ENVIRONMENT.rtoBudgetSeconds,
];

/**
 * The settings file the launch template writes (/etc/magento-dr.env) and the instance script
 * (components/bootstrap/magento-dr.sh) sources: every key, as the script spells it.
 */
export const INSTANCE_ENVIRONMENT = {
  project: "PROJECT",
  stack: "STACK",
  region: "REGION",
  /** `/<project>/<stack>/`: where the SSM parameters of functions/contract.ts live. */
  parameterPath: "PARAM_PATH",
  magentoRoot: "MAGENTO_ROOT",
  magentoUser: "MAGENTO_USER",
  fileSystemId: "FILE_SYSTEM_ID",
  accessPointId: "ACCESS_POINT_ID",
  renderer: "RENDERER",
  sessionModuleSource: "SESSION_MODULE_SRC",
  endpointAllowlist: "ENDPOINT_ALLOWLIST",
  /** functions/contractMetrics.ts METRIC_NAMESPACES.instances. */
  metricNamespace: "METRIC_NAMESPACE",
  authorityTable: "AUTHORITY_TABLE",
  authorityRegion: "AUTHORITY_REGION",
  healthPort: "HEALTH_PORT",
} as const;

export type InstanceVariable = (typeof INSTANCE_ENVIRONMENT)[keyof typeof INSTANCE_ENVIRONMENT];
