// The stack outputs other parts read: a standby stack reads the home stack's
// (components/homeOutputs.ts), the operator CLI reads every stack's (automation/settings,
// automation/topology), operators read them with `pulumi stack output`. Defined once here, in plain
// TypeScript (no Pulumi import): RegionStack's outputs are typed by these names, so an output
// renamed on one side fails to compile on the other; test/contractOutputs.test.ts pins the list
// and checks the planned stacks export exactly these.

export const STACK_OUTPUT_NAMES = [
  "region",
  "activeRegion",
  "vpcId",
  "albDnsName",
  "autoScalingGroupName",
  "mediaFileSystemId",
  "databaseArn",
  "databaseAddress",
  "globalDatastoreId",
  "cacheReplicationGroupId",
  "sessionsTableName",
  "searchEndpoint",
  "searchDomainName",
  "searchReplicationFunctionName",
  "searchEngineVersion",
  "parameterPath",
  "alertTopicArn",
  /** Home stack only: the secrets it generates and Secrets Manager replicates. */
  "cryptKeySecretArn",
  "cacheAuthSecretArn",
  "databaseUserSecretArn",
  "databaseMasterSecretArn",
  /** Where the stack creates the media replica (the home stack). */
  "mediaReplicaFileSystemId",
  "albHealthCheckId",
  "recoveryBudget",
  "fenceFunctionArn",
  /** Every stack: the RPO heartbeat's reader beside its database (docs/rpo.md). */
  "heartbeatReaderFunctionName",
  /** The standby stack only (it runs the failover automation). */
  "detectorFunctionArn",
  "orchestratorFunctionArn",
] as const;

export type StackOutputName = (typeof STACK_OUTPUT_NAMES)[number];
