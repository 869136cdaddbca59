// Compliant inputs for every resource type the pack judges: each test mutates one field of one.
import * as aws from "@pulumi/aws";
import { Declared } from "./util";

export const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export const database = {
  instanceClass: "db.r6g.large",
  engine: "mysql",
  multiAz: true,
  backupRetentionPeriod: 7,
  backupWindow: "03:00-04:00",
  storageEncrypted: true,
  kmsKeyId: KEY_ARN,
  deletionProtection: true,
  publiclyAccessible: false,
  enabledCloudwatchLogsExports: ["error", "slowquery"],
};

export const replicaDatabase = {
  ...database,
  storageEncrypted: undefined,
  replicateSourceDb: `arn:aws:rds:us-east-1:${ACCOUNT}:db:magento-home`,
  kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abcd`,
};

export const cacheGroup = {
  description: "Magento cache and sessions",
  replicationGroupId: "magento-home",
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
  numCacheClusters: 2,
  atRestEncryptionEnabled: true,
  transitEncryptionEnabled: true,
  authToken: "a-long-random-token",
  snapshotRetentionLimit: 7,
  subnetGroupName: "magento-cache",
  securityGroupIds: ["sg-0cache"],
};

/** A Global Datastore member: failover, encryption and AUTH come from the global group. */
export const memberCacheGroup = {
  description: "Magento cache and sessions (standby)",
  globalReplicationGroupId: "ldgnf-magento",
  snapshotRetentionLimit: 7,
  subnetGroupName: "magento-cache",
  securityGroupIds: ["sg-0cache"],
};

export const searchDomain = {
  engineVersion: "OpenSearch_2.13",
  clusterConfig: {
    instanceType: "r6g.large.search",
    instanceCount: 3,
    zoneAwarenessEnabled: true,
    zoneAwarenessConfig: { availabilityZoneCount: 3 },
    dedicatedMasterEnabled: true,
    dedicatedMasterCount: 3,
    dedicatedMasterType: "m6g.large.search",
  },
  encryptAtRest: { enabled: true, kmsKeyId: KEY_ARN },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
  advancedSecurityOptions: { enabled: true, anonymousAuthEnabled: false },
  vpcOptions: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-search"] },
  accessPolicies: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/magento-app` },
        Action: "es:ESHttp*",
        Resource: `arn:aws:es:us-east-1:${ACCOUNT}:domain/magento/*`,
      },
    ],
  }),
  logPublishingOptions: [
    { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: "arn:aws:logs:::log-group:app" },
    { logType: "AUDIT_LOGS", cloudwatchLogGroupArn: "arn:aws:logs:::log-group:audit" },
  ],
};

/**
 * The search domain as components/search.ts builds it: AWS's recommended open access policy with
 * fine-grained access control, the internal user database and VPC access.
 */
export const openSearchDomain = {
  ...searchDomain,
  domainName: "magento",
  advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: true },
  accessPolicies: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FineGrainedAccessControlDecides",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "es:ESHttp*",
        Resource: `arn:aws:es:us-east-1:${ACCOUNT}:domain/magento/*`,
      },
      {
        Sid: "CrossClusterReplication",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "es:ESCrossClusterGet",
        Resource: `arn:aws:es:us-east-1:${ACCOUNT}:domain/magento`,
      },
    ],
  }),
};

export const fileSystem = { encrypted: true, kmsKeyId: KEY_ARN, performanceMode: "generalPurpose" };

export const loadBalancer = {
  loadBalancerType: "application",
  subnets: ["subnet-a", "subnet-b", "subnet-c"],
  enableDeletionProtection: true,
  accessLogs: { bucket: "magento-alb-logs", enabled: true },
};

export const autoScalingGroup = {
  minSize: 3,
  maxSize: 9,
  vpcZoneIdentifiers: ["subnet-a", "subnet-b", "subnet-c"],
  healthCheckType: "ELB",
  healthCheckGracePeriod: 300,
};

export const sessionsTable = {
  billingMode: "PAY_PER_REQUEST",
  hashKey: "id",
  pointInTimeRecovery: { enabled: true },
  serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
  deletionProtectionEnabled: true,
  replicas: [
    { regionName: "eu-west-1", pointInTimeRecovery: true, deletionProtectionEnabled: true },
  ],
};

export const launchTemplate = {
  imageId: "ami-0123456789abcdef0",
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }],
  networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: ["sg-app"] }],
};

export function document(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export const scopedPolicyDocument = document(
  {
    Sid: "Promote",
    Effect: "Allow",
    Action: ["rds:PromoteReadReplica", "rds:DescribeDBInstances"],
    Resource: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:magento-standby`,
  },
  { Sid: "Gate", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
  {
    Sid: "Read",
    Effect: "Allow",
    Action: ["ssm:GetParameter", "elasticache:Describe*"],
    Resource: "*",
  },
);

export const lambdaTrustPolicy = document({
  Effect: "Allow",
  Principal: { Service: "lambda.amazonaws.com" },
  Action: "sts:AssumeRole",
});

export const lambdaFunction = {
  role: `arn:aws:iam::${ACCOUNT}:role/cache-sync-role-0a1b2c3`,
  runtime: "nodejs20.x",
  timeout: 60,
  memorySize: 256,
};

export const healthCheck = {
  type: "HTTPS",
  fqdn: "alb.example.com",
  port: 443,
  resourcePath: "/health_check.php",
  requestInterval: 10,
  failureThreshold: 3,
  invertHealthcheck: false,
  disabled: false,
};

export const primaryRecord = {
  zoneId: "Z0123456789EXAMPLE00",
  name: "shop.example.com",
  type: "A",
  setIdentifier: "us-east-1-primary",
  failoverRoutingPolicies: [{ type: "PRIMARY" }],
  aliases: [{ name: "alb.example.com", zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }],
  healthCheckId: "hc-primary",
};

export const cnameRecord = {
  zoneId: "Z0123456789EXAMPLE00",
  name: "search.internal.example.com",
  type: "CNAME",
  setIdentifier: "eu-west-1-secondary",
  failoverRoutingPolicies: [{ type: "SECONDARY" }],
  records: ["vpc-search.eu-west-1.es.amazonaws.com"],
  ttl: 60,
};

const HOME = "urn:pulumi:test::magento-dr::magento-dr:data:Media::home-media";

/** A home stack that satisfies every stack rule. */
export function homeStack(): Declared[] {
  return [
    { cls: aws.kms.Key, name: "home-key", props: { enableKeyRotation: true }, protect: true },
    { cls: aws.rds.Instance, name: "home-db", props: database, protect: true },
    { cls: aws.elasticache.ReplicationGroup, name: "home-cache", props: cacheGroup, protect: true },
    {
      cls: aws.elasticache.GlobalReplicationGroup,
      name: "home-global",
      props: {
        globalReplicationGroupIdSuffix: "magento",
        primaryReplicationGroupId: "magento-home",
      },
      protect: true,
      ignoreChanges: ["primaryReplicationGroupId"],
    },
    { cls: aws.dynamodb.Table, name: "home-sessions", props: sessionsTable, protect: true },
    { cls: aws.opensearch.Domain, name: "home-search", props: searchDomain, protect: true },
    {
      cls: aws.efs.FileSystem,
      name: "home-media-fs",
      props: fileSystem,
      parent: HOME,
      protect: true,
    },
    {
      cls: aws.efs.BackupPolicy,
      name: "home-media-backup",
      // The file system's id is an output: unknown to rules when only inputs were recorded.
      props: { fileSystemId: "fs-0123456789abcdef0", backupPolicy: { status: "ENABLED" } },
      parent: HOME,
    },
    {
      cls: aws.efs.ReplicationConfiguration,
      name: "home-media-replication",
      props: { sourceFileSystemId: "fs-0123456789abcdef0", destination: { region: "eu-west-1" } },
      parent: HOME,
      ignoreChanges: ["destination", "sourceFileSystemId"],
    },
  ];
}

const ORCHESTRATOR =
  "urn:pulumi:test::magento-dr::magento-dr:automation:Orchestrator::standby-orchestrator";
export const ORCHESTRATOR_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/standby-orchestrator-role-1a2b3c4`;

export const orchestratorFunction = {
  ...lambdaFunction,
  role: ORCHESTRATOR_ROLE_ARN,
  timeout: 120,
  memorySize: 512,
  reservedConcurrentExecutions: 1,
  tags: { "magento-dr:role": "promoter" },
  environment: { variables: { DEADLINE_MS: "100000", RTO_BUDGET_SECONDS: "240" } },
  loggingConfig: { logFormat: "JSON", logGroup: "/magento-dr/standby/orchestrator" },
};

/** A standby stack that satisfies every stack rule. */
export function standbyStack(): Declared[] {
  return [
    {
      cls: "pulumi:pulumi:StackReference",
      name: "home",
      props: { name: "acme/magento-dr/prod-use1" },
    },
    { cls: aws.kms.Key, name: "standby-key", props: { enableKeyRotation: true }, protect: true },
    {
      cls: aws.rds.Instance,
      name: "standby-db",
      props: replicaDatabase,
      protect: true,
      ignoreChanges: ["replicateSourceDb"],
    },
    {
      cls: aws.elasticache.ReplicationGroup,
      name: "standby-cache",
      props: memberCacheGroup,
      protect: true,
      ignoreChanges: ["globalReplicationGroupId"],
    },
    { cls: aws.opensearch.Domain, name: "standby-search", props: searchDomain, protect: true },
    {
      cls: aws.efs.MountTarget,
      name: "standby-media-mount-0",
      props: { fileSystemId: "fs-0replica00000000", subnetId: "subnet-a" },
    },
    {
      cls: aws.lambda.Function,
      name: "standby-orchestrator",
      props: orchestratorFunction,
      parent: ORCHESTRATOR,
    },
    {
      cls: aws.iam.Role,
      name: "standby-orchestrator-role",
      props: { assumeRolePolicy: lambdaTrustPolicy },
      parent: ORCHESTRATOR,
    },
    {
      cls: aws.iam.RolePolicy,
      name: "standby-orchestrator-policy",
      props: { role: "standby-orchestrator-role-1a2b3c4", policy: scopedPolicyDocument },
      parent: ORCHESTRATOR,
    },
    {
      cls: aws.iam.RolePolicyAttachment,
      name: "standby-orchestrator-basic-execution",
      props: {
        role: "standby-orchestrator-role-1a2b3c4",
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      },
      parent: ORCHESTRATOR,
    },
    {
      cls: aws.cloudwatch.LogGroup,
      name: "standby-orchestrator-logs",
      props: { name: "/magento-dr/standby/orchestrator", retentionInDays: 30 },
      parent: ORCHESTRATOR,
    },
    {
      cls: aws.lambda.FunctionEventInvokeConfig,
      name: "standby-orchestrator-failures",
      props: {
        functionName: "standby-orchestrator-9f8e7d6",
        destinationConfig: {
          onFailure: { destination: `arn:aws:sqs:eu-west-1:${ACCOUNT}:failures` },
        },
      },
      parent: ORCHESTRATOR,
    },
  ];
}

/** Replaces the props (or options) of the named resource of a stack: one mutation per test. */
export function mutate(
  stack: Declared[],
  name: string,
  change: (r: Declared) => Declared,
): Declared[] {
  let found = false;
  const result = stack.map((r) => {
    if (r.name !== name) return r;
    found = true;
    return change(r);
  });
  if (!found) throw new Error(`fixture has no resource "${name}"`);
  return result;
}

/** Sets some props of the named resource of a stack. */
export function withProps(
  stack: Declared[],
  name: string,
  props: Record<string, unknown>,
): Declared[] {
  return mutate(stack, name, (r) => ({ ...r, props: { ...r.props, ...props } }));
}

export function without(stack: Declared[], name: string): Declared[] {
  const result = stack.filter((r) => r.name !== name);
  if (result.length === stack.length) throw new Error(`fixture has no resource "${name}"`);
  return result;
}

/** The failover authority table (components/regionFailover.ts) in the witness region. */
export const AUTHORITY_TABLE_ARN = `arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/magento-dr-authority`;
export const AUTHORITY_ITEM_WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];
export const authorityTable: Declared = {
  cls: aws.dynamodb.Table,
  name: "failover-authority",
  props: { name: "magento-dr-authority", hashKey: "pk" },
  parent: "failover",
};
/** Its resource policy's Deny of item writes to all but the named roles (authorityTablePolicy). */
export const authorityDenyOthers = {
  Sid: "OnlyFailoverRolesWriteItems",
  Effect: "Deny",
  Principal: "*",
  Action: AUTHORITY_ITEM_WRITES,
  Resource: AUTHORITY_TABLE_ARN,
  Condition: {
    ArnNotLike: {
      "aws:PrincipalArn": [
        `arn:aws:iam::${ACCOUNT}:role/detector`,
        `arn:aws:iam::${ACCOUNT}:role/ops`,
      ],
    },
  },
};
export const authorityResourcePolicy = (
  statement: object = authorityDenyOthers,
  parent = "failover",
): Declared => ({
  cls: aws.dynamodb.ResourcePolicy,
  name: `${parent}-authority`,
  props: { resourceArn: AUTHORITY_TABLE_ARN, policy: document(statement) },
  parent,
});
