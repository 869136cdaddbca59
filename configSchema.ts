// Every config key of the project, declared once: its type, its default and what it means. The
// Pulumi CLI reads the same declarations from Pulumi.yaml's `config:` section, and
// docs/configuration.md lists them; both are generated from this table (`npm run gen:config`) and
// a test keeps them equal. `config.ts` reads exactly these keys and validates each value.

export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKeyDeclaration {
  /** Key without the project namespace. */
  key: string;
  type: ConfigType;
  /** Element type of an array. */
  items?: "string";
  /**
   * The value a stack file may leave out. A key without one is required: the Pulumi CLI refuses
   * to run the program of a stack that does not set it.
   */
  default?: string | number | boolean | string[] | Record<string, unknown>;
  description: string;
}

export const CONFIG_TABLE: readonly ConfigKeyDeclaration[] = [
  {
    key: "homeRegion",
    type: "string",
    description:
      "Region that owns the global singletons (Global Datastore, DynamoDB global table, failover records). Never changes on failover.",
  },
  {
    key: "activeRegion",
    type: "string",
    description:
      "Region serving traffic now. Promotion changes only this value, in every stack file.",
  },
  {
    key: "regions",
    type: "array",
    items: "string",
    description:
      "Every region of the deployment, in failover priority (the first region after homeRegion is the standby and authority region).",
  },
  {
    key: "standby",
    type: "string",
    default: "pilot-light",
    description:
      'How a non-active region waits, "pilot-light" (application tier at 0) or "warm" (a small application tier running).',
  },
  {
    key: "domainName",
    type: "string",
    description:
      "Public host name of the shop, e.g. shop.example.com; served by Route 53 failover records.",
  },
  {
    key: "hostedZoneId",
    type: "string",
    description:
      "Route 53 public hosted zone that holds domainName (also used for ACM DNS validation).",
  },
  {
    key: "amiId",
    type: "string",
    description:
      "Magento AMI of this stack's region (nginx, PHP-FPM, Magento code, amazon-efs-utils, AWS CLI, jq).",
  },
  {
    key: "instanceType",
    type: "string",
    default: "m6i.xlarge",
    description: "EC2 instance type of the Magento application tier.",
  },
  {
    key: "vpcCidr",
    type: "string",
    default: "10.0.0.0/16",
    description: "The region's VPC CIDR, a /16 in 10.0.0.0/8; give each region its own.",
  },
  {
    key: "healthCheckPath",
    type: "string",
    default: "/health_check.php",
    description:
      "Magento's deep health check (pub/health_check.php): the standby canary's deep probe requests it (it pages, never fails over). The ALB's target groups, Route 53 and the failover quorum use the instances' nginx health server instead (docs/detection.md).",
  },
  {
    key: "protect",
    type: "boolean",
    default: true,
    description:
      "Protect stateful resources (database, cache, table, file system, search) from deletion by Pulumi.",
  },
  {
    key: "logRetentionDays",
    type: "integer",
    default: 30,
    description: "Retention of every CloudWatch log group the program creates, in days.",
  },
  {
    key: "activeMinSize",
    type: "integer",
    default: 2,
    description: "Application tier minimum size while the region is active.",
  },
  {
    key: "activeDesiredSize",
    type: "integer",
    default: 3,
    description: "Application tier desired size while the region is active.",
  },
  {
    key: "activeMaxSize",
    type: "integer",
    default: 12,
    description:
      "Application tier maximum size (also the ceiling a standby may scale to on promotion).",
  },
  {
    key: "warmMinSize",
    type: "integer",
    default: 1,
    description: "Application tier minimum size of a warm standby.",
  },
  {
    key: "warmDesiredSize",
    type: "integer",
    default: 1,
    description: "Application tier desired size of a warm standby.",
  },
  {
    key: "homeStack",
    type: "string",
    default: "",
    description:
      "Fully-qualified name (<organization>/magento-dr/<stack>) of the home region's stack; required on every other stack, which reads the home stack's outputs.",
  },
  {
    key: "dbEngineVersion",
    type: "string",
    default: "8.4",
    description:
      'RDS MySQL engine version, "8.4" (LTS; a major version only, so RDS applies minor upgrades without the next deploy trying to downgrade). "8.0" is accepted with a warning, it is in paid RDS Extended Support since 2026-07-31.',
  },
  {
    key: "dbInstanceClass",
    type: "string",
    default: "db.r6g.xlarge",
    description: "RDS instance class of the writer and of the cross-region replica.",
  },
  {
    key: "dbAllocatedStorageGiB",
    type: "integer",
    default: 200,
    description: "RDS gp3 storage, GiB.",
  },
  {
    key: "cacheNodeType",
    type: "string",
    default: "cache.r7g.large",
    description: "ElastiCache node type (Global Datastore members must use the same type).",
  },
  {
    key: "cacheEngineVersion",
    type: "string",
    default: "7.1",
    description: "Redis engine version of the Global Datastore.",
  },
  {
    key: "searchEngineVersion",
    type: "string",
    default: "OpenSearch_2.13",
    description: "OpenSearch engine version.",
  },
  {
    key: "searchInstanceType",
    type: "string",
    default: "r6g.large.search",
    description: "OpenSearch data node instance type.",
  },
  {
    key: "searchMasterInstanceType",
    type: "string",
    default: "m6g.large.search",
    description: "OpenSearch dedicated master instance type (three of them).",
  },
  {
    key: "searchDataNodes",
    type: "integer",
    default: 3,
    description: "OpenSearch data nodes, a multiple of 3 (one share per availability zone).",
  },
  {
    key: "searchVolumeGiB",
    type: "integer",
    default: 100,
    description: "OpenSearch gp3 volume per data node, GiB.",
  },
  {
    key: "searchIndexPrefix",
    type: "string",
    default: "magento2",
    description:
      'Magento\'s search index prefix (Stores > Configuration > Catalog > Catalog > Catalog Search); indices "<prefix>_*" are replicated to the standby and promoted with it.',
  },
  {
    key: "searchFallbackEndpoints",
    type: "string",
    default: "[]",
    description:
      "JSON list of extra search endpoints (host names) the search health checker may move Magento to after the region's own domain fails; see docs/search.md for the network path they need.",
  },
  {
    key: "alarmThresholds",
    type: "object",
    default: {},
    description:
      'Optional overrides of alarm thresholds, e.g. {"dbReplicaLagSeconds": 30}; see config.ts for every field and its default.',
  },
  {
    key: "alertEmail",
    type: "string",
    default: "",
    description: "Optional e-mail address subscribed to the region's operator SNS topic.",
  },
  {
    key: "witnessRegion",
    type: "string",
    default: "",
    description:
      "Optional third region running the witness canary that votes on whether the active region is down.",
  },
  {
    key: "authorityRegion",
    type: "string",
    default: "",
    description:
      "Optional region of the failover authority table (lease, serving lease, hold, audit); default: witnessRegion, else the standby region. Never homeRegion.",
  },
  {
    key: "rtoTargetSeconds",
    type: "integer",
    default: 900,
    description:
      "Recovery time objective; the worst path of the plan's recovery timeline (detection, database promotion, app tier, endpoints, DNS) must stay within it.",
  },
  {
    key: "recoveryMeasurements",
    type: "object",
    default: {},
    description:
      'Optional drill measurements replacing timeline figures, e.g. {"database": {"seconds": 240, "worstSeconds": 420, "source": "drill 2026-11-20"}}.',
  },
  {
    key: "rpoBudgetSeconds",
    type: "integer",
    default: 60,
    description:
      "Loss window (measured from the replicated RPO heartbeat, docs/rpo.md) above which, or when unknown, the automatic failover stops and asks for approval (the operator CLI can proceed).",
  },
  {
    key: "createOpenSearchServiceRole",
    type: "boolean",
    default: true,
    description:
      "Create the account-wide OpenSearch service-linked role (home stack); set false if the account already has it.",
  },
  {
    key: "sessionStore",
    type: "string",
    default: "dynamodb",
    description:
      'Where Magento keeps sessions, "dynamodb" (the DynamoDB global table, writable in every region, so shoppers stay logged in through a failover with no promotion step) or "redis" (the cache\'s Global Datastore, read-only in a standby until the cache is promoted).',
  },
  {
    key: "mediaReplicaFileSystemId",
    type: "string",
    default: "",
    description:
      "Standby stack only; pin the media replica's file system id after the first deployment (the home stack's output mediaReplicaFileSystemId). Unpinned, the standby stays on the file system it first mounted and warns when the home stack names another; pinned, changing it moves the standby's mounts.",
  },
  {
    key: "operatorRoleArns",
    type: "array",
    items: "string",
    default: [],
    description:
      "IAM roles operators run `npm run promote` as; with the failover functions, the only principals the authority table's resource policy lets write items (docs/security.md).",
  },
  {
    key: "appEgressHttps",
    type: "array",
    items: "string",
    default: ["0.0.0.0/0"],
    description:
      "Where Magento instances may open HTTPS (443) besides the stack's data stores and VPC endpoints, for payment and shipping integrations; IPv4 CIDRs or managed prefix list ids (pl-...). Every other port goes only to the stack's own security groups (docs/security.md).",
  },
];
