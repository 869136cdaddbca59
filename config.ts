// The only place the program reads configuration. Every value is validated at run time and any
// problem is reported before a single resource is registered, naming the key, the bad value and
// what is expected. `pulumi.Config.requireObject` is only a cast, so nothing here trusts it.
import { recoveryBudget, type RecoveryMeasurement } from "./functions/region/recoveryBudget";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_TABLE } from "./configSchema";
import {
  replicationInstanceProblem,
  replicationVersionProblem,
} from "./policies/lib/searchReplication";

/** Magento's default index prefix (catalog/search/opensearch_index_prefix). */
export const DEFAULT_SEARCH_INDEX_PREFIX = "magento2";

/** Regions this program knows how to deploy to (commercial partition). */
export const KNOWN_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "sa-east-1",
] as const;

export type StandbyMode = "pilot-light" | "warm";
/** Where Magento keeps sessions: the DynamoDB global table, or Redis (the Global Datastore). */
export type SessionStore = "dynamodb" | "redis";
export type FailoverRole = "PRIMARY" | "SECONDARY";

export interface Capacity {
  min: number;
  desired: number;
  max: number;
}

export interface AlarmThresholds {
  /** ElastiCache global replication lag, seconds. */
  cacheReplicationLagSeconds: number;
  /** Percent of engine CPU on a cache node. */
  cacheEngineCpuPercent: number;
  /** Percent of cache memory in use. */
  cacheMemoryPercent: number;
  /** Evicted keys per minute. */
  cacheEvictionsPerMinute: number;
  /** Current connections per cache node. */
  cacheConnections: number;
  /** RDS cross-region replica lag, seconds. */
  dbReplicaLagSeconds: number;
  /** Percent CPU on the database instance. */
  dbCpuPercent: number;
  /** Free storage on the database, GiB. */
  dbFreeStorageGiB: number;
  /** Free storage per OpenSearch node, GiB. */
  searchFreeStorageGiB: number;
  /** OpenSearch JVM memory pressure, percent. */
  searchJvmPressurePercent: number;
  /** Operations the standby's follower indices may trail their leaders by (10 minutes running). */
  searchReplicationLagOperations: number;
  /** ALB 5xx responses per minute. */
  alb5xxPerMinute: number;
}

/** Everything the program needs to know about the stack it is deploying. */
export interface DrConfig {
  project: string;
  stack: string;
  /** The region this stack deploys to (`aws:region`). */
  region: string;
  /** Owner of the global singletons (Global Datastore, global table, failover records). */
  homeRegion: string;
  /** The region serving traffic now; promotion changes only this value. */
  activeRegion: string;
  /** Every region of the deployment, in failover priority. */
  regions: string[];
  standby: StandbyMode;
  domainName: string;
  hostedZoneId: string;
  amiId: string;
  instanceType: string;
  vpcCidr: string;
  activeCapacity: Capacity;
  warmCapacity: Capacity;
  healthCheckPath: string;
  protect: boolean;
  logRetentionDays: number;
  /** Fully-qualified name of the home stack; set only on non-home stacks. */
  homeStack?: string;
  /** Database engine version (MySQL 8.0.x). */
  /** "8.4" by default; 8.0 is accepted with a warning (paid Extended Support). */
  dbEngineVersion: string;
  dbInstanceClass: string;
  dbAllocatedStorageGiB: number;
  cacheNodeType: string;
  cacheEngineVersion: string;
  searchEngineVersion: string;
  searchInstanceType: string;
  searchMasterInstanceType: string;
  searchDataNodes: number;
  searchVolumeGiB: number;
  /** Magento's index prefix (Stores > Configuration > Catalog > Search Engine): the replicated and
   * promoted indices are `<prefix>_*`. */
  searchIndexPrefix: string;
  /** Extra search endpoints the health checker may move Magento to, after the region's own. */
  searchFallbackEndpoints: string[];
  alarmThresholds: AlarmThresholds;
  /** Where operators are paged (SNS email subscription); optional. */
  alertEmail?: string;
  /** A third region running the witness canary; optional (the witness then reads "unknown"). */
  witnessRegion?: string;
  /** Recovery time objective the worst path of the recovery timeline must stay within. */
  rtoTargetSeconds: number;
  /** Drill measurements replacing timeline figures, by step name (functions/region/recoveryBudget.ts). */
  recoveryMeasurements: Record<string, RecoveryMeasurement>;
  /** Loss window (the replicated RPO heartbeat, docs/rpo.md) above which the automatic failover stops for approval. */
  rpoBudgetSeconds: number;
  /** Create OpenSearch's service-linked role (account-wide; home stack only). */
  createOpenSearchServiceRole: boolean;
  /**
   * Magento's session store: "dynamodb" (the global table, writable in every region, so sessions
   * survive a failover with no promotion) or "redis" (the Global Datastore, read-only in a standby
   * until the cache is promoted).
   */
  sessionStore: SessionStore;
  /**
   * The standby's media file system, pinned after its first deployment, so a replication the
   * home stack re-creates after a failover can never move the standby off its promoted data.
   */
  mediaReplicaFileSystemId?: string;
  /** Valid but costly or risky choices, printed by the program (pulumi.log.warn) and the plan. */
  warnings: string[];
  /**
   * IAM roles operators run `npm run promote` as: the only principals besides the failover
   * functions that the authority table's resource policy lets write items.
   */
  operatorRoleArns: string[];
  /**
   * Where Magento instances may open HTTPS besides the stack's own data stores and VPC endpoints
   * (payment and shipping integrations): IPv4 CIDRs and managed prefix list ids.
   */
  appEgressHttps: { cidrs: string[]; prefixListIds: string[] };

  // Derived, never read from config:
  isHome: boolean;
  isActive: boolean;
  /** The failover record this region owns, if any (home: PRIMARY; next region by priority: SECONDARY). */
  failoverRole?: FailoverRole;
  /**
   * The first standby: runs the failover automation, owns the authority table and the region gate
   * alarm, and receives the home region's replicas.
   */
  standbyRegion: string;
  /**
   * Where the authority table lives: `authorityRegion` if set, else the witness region, else the
   * standby region (docs/detection.md, "Where the authority lives").
   */
  authorityRegion: string;
  /** Capacity the ASG runs at now, from `activeRegion` and `standby`. */
  capacity: Capacity;
}

/** A JSON value, or undefined when the text is not JSON (the caller reports what it expected). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A config problem: names the key, the value and what was expected. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Raw config values as strings, keyed by full key (`magento-dr:regions`, `aws:region`). */
export type RawConfig = Record<string, string | undefined>;

export const DEFAULT_THRESHOLDS: AlarmThresholds = {
  cacheReplicationLagSeconds: 5,
  cacheEngineCpuPercent: 80,
  cacheMemoryPercent: 85,
  cacheEvictionsPerMinute: 1000,
  cacheConnections: 5000,
  dbReplicaLagSeconds: 60,
  dbCpuPercent: 80,
  dbFreeStorageGiB: 20,
  searchFreeStorageGiB: 20,
  searchJvmPressurePercent: 85,
  searchReplicationLagOperations: 1000,
  alb5xxPerMinute: 50,
};

/** Validates raw config into a DrConfig, or throws one ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, project: string, stack: string): DrConfig {
  const problems: string[] = [];
  const key = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
  const show = (v: unknown) => JSON.stringify(v);
  const bad = (k: string, value: unknown, expected: string) =>
    problems.push(`${key(k)} = ${show(value)}: expected ${expected}`);
  const rawValue = (k: string) => raw[key(k)];

  function str(k: string, pattern?: RegExp, expected?: string): string {
    const v = rawValue(k);
    if (v === undefined || v === "") {
      problems.push(`${key(k)} is required but missing: expected ${expected ?? "a value"}`);
      // Stryker disable next-line StringLiteral: equivalent, a recorded problem makes parseConfig throw before the value is used
      return "";
    }
    if (pattern && !pattern.test(v)) bad(k, v, expected ?? `a value matching ${pattern}`);
    return v;
  }
  function optionalStr(k: string, pattern: RegExp, expected: string): string | undefined {
    const v = rawValue(k);
    if (v === undefined || v === "") return undefined;
    if (!pattern.test(v)) bad(k, v, expected);
    return v;
  }
  function int(k: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = rawValue(k);
    const expected = `an integer between ${min} and ${max}`;
    if (v === undefined || v === "") {
      problems.push(`${key(k)} is required but missing: expected ${expected}`);
      return min;
    }
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max) bad(k, v, expected);
    return n;
  }
  function bool(k: string): boolean {
    const v = rawValue(k);
    if (v === "true") return true;
    if (v === "false") return false;
    if (v === undefined || v === "") {
      problems.push(`${key(k)} is required but missing: expected true or false`);
    } else bad(k, v, "true or false");
    // Stryker disable next-line BooleanLiteral: equivalent, a recorded problem makes parseConfig throw before the value is used
    return true;
  }
  /** An optional JSON list of distinct host names (or https:// base URLs). */
  function hostList(k: string): string[] {
    const v = rawValue(k);
    if (v === undefined || v === "") return [];
    const parsed = parseJson(v);
    const host = /^(https:\/\/)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
    if (
      !Array.isArray(parsed) ||
      parsed.some((e) => typeof e !== "string" || !host.test(e)) ||
      new Set(parsed).size !== parsed.length
    ) {
      bad(
        k,
        v,
        'a JSON list of distinct host names, such as ["vpc-search-b.eu-west-1.es.amazonaws.com"]',
      );
      return [];
    }
    return parsed as string[];
  }
  function region(k: string): string {
    const v = str(k, /./, "an AWS region code");
    if (v && !(KNOWN_REGIONS as readonly string[]).includes(v)) {
      bad(k, v, `one of the known AWS regions (${KNOWN_REGIONS.join(", ")})`);
    }
    return v;
  }

  const regionValue = region("aws:region");
  const homeRegion = region("homeRegion");
  const activeRegion = region("activeRegion");

  let regions: string[] = [];
  const regionsRaw = rawValue("regions");
  if (regionsRaw === undefined || regionsRaw === "") {
    problems.push(`${key("regions")} is required but missing: expected a list of AWS regions`);
  } else {
    const parsed = parseJson(regionsRaw);
    if (!Array.isArray(parsed) || parsed.length < 2 || parsed.some((r) => typeof r !== "string")) {
      bad("regions", regionsRaw, "a list of at least two AWS region codes, in failover priority");
    } else {
      regions = parsed as string[];
      for (const r of regions) {
        if (!(KNOWN_REGIONS as readonly string[]).includes(r)) {
          bad("regions", regions, `known AWS regions only; "${r}" is not one`);
        }
      }
      const duplicates = regions.filter((r, i) => regions.indexOf(r) !== i);
      if (duplicates.length > 0) {
        bad(
          "regions",
          regions,
          `each region once; duplicated: ${[...new Set(duplicates)].join(", ")}`,
        );
      }
    }
  }
  if (regions.length > 0) {
    const listed = (k: string, v: string) => {
      if (v && !regions.includes(v)) bad(k, v, `one of ${key("regions")} (${regions.join(", ")})`);
    };
    listed("aws:region", regionValue);
    listed("homeRegion", homeRegion);
    listed("activeRegion", activeRegion);
  }

  const standbyRaw = str("standby", /^(pilot-light|warm)$/, `"pilot-light" or "warm"`);
  const domainName = str(
    "domainName",
    /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "a lower-case fully-qualified domain name such as shop.example.com",
  );
  const hostedZoneId = str(
    "hostedZoneId",
    /^Z[A-Z0-9]{1,31}$/,
    "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
  );
  const amiId = str(
    "amiId",
    /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/,
    "an AMI id such as ami-0123456789abcdef0",
  );
  const instanceType = str(
    "instanceType",
    /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
    "an EC2 instance type such as m6i.xlarge",
  );
  const vpcCidr = str(
    "vpcCidr",
    /^10\.(\d{1,3})\.0\.0\/16$/,
    "a /16 in 10.0.0.0/8 such as 10.10.0.0/16 (distinct per region so the VPCs can be peered)",
  );
  const healthCheckPath = str(
    "healthCheckPath",
    /^\/[A-Za-z0-9._~\-/]*$/,
    "an absolute URL path such as /health_check.php",
  );
  const protect = bool("protect");
  const logRetentionDays = int("logRetentionDays", 1, 3653);

  const activeCapacity: Capacity = {
    min: int("activeMinSize", 1, 1000),
    desired: int("activeDesiredSize", 1, 1000),
    max: int("activeMaxSize", 1, 1000),
  };
  const warmCapacity: Capacity = {
    min: int("warmMinSize", 1, 1000),
    desired: int("warmDesiredSize", 1, 1000),
    max: activeCapacity.max,
  };
  if (!(
    activeCapacity.min <= activeCapacity.desired && activeCapacity.desired <= activeCapacity.max
  )) {
    bad("activeDesiredSize", activeCapacity, "activeMinSize <= activeDesiredSize <= activeMaxSize");
  }
  if (!(warmCapacity.min <= warmCapacity.desired && warmCapacity.desired <= activeCapacity.max)) {
    bad("warmDesiredSize", warmCapacity, "warmMinSize <= warmDesiredSize <= activeMaxSize");
  }

  const homeStack = optionalStr(
    "homeStack",
    /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
    "a fully-qualified stack name <organization>/<project>/<stack>",
  );
  if (regionValue && homeRegion && regionValue !== homeRegion && !homeStack) {
    problems.push(
      `${key("homeStack")} is required on a stack outside the home region (${regionValue} is not ` +
        `${homeRegion}): expected the home stack's fully-qualified name <organization>/<project>/<stack>`,
    );
  }

  const dbEngineVersion = str(
    "dbEngineVersion",
    /^8\.(4|0)(\.\d+)?$/,
    'MySQL "8.4" (LTS, the default) or a version such as 8.4.7; "8.0" only with its Extended Support charge',
  );
  const warnings: string[] = [];
  if (/^8\.0/.test(dbEngineVersion)) {
    // RDS standard support of MySQL 8.0 ends 2026-07-31; instances then run, and are billed, in RDS
    // Extended Support ("Supported MySQL major versions on Amazon RDS", Amazon RDS User Guide,
    // MySQL.Concepts.VersionMgmt.html; "Viewing support dates ... RDS Extended Support").
    warnings.push(
      `${key("dbEngineVersion")} = "${dbEngineVersion}": MySQL 8.0 left RDS standard support on ` +
        "2026-07-31; a new instance runs in paid RDS Extended Support. Use 8.4 (LTS) unless " +
        "something pins 8.0.",
    );
  }
  const dbInstanceClass = str(
    "dbInstanceClass",
    /^db\.[a-z0-9]+\.[a-z0-9]+$/,
    "an RDS class such as db.r6g.xlarge",
  );
  const dbAllocatedStorageGiB = int("dbAllocatedStorageGiB", 20, 65536);
  const cacheNodeType = str(
    "cacheNodeType",
    /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
    "a node type such as cache.r7g.large",
  );
  const cacheEngineVersion = str("cacheEngineVersion", /^7\.\d+$/, "a Redis 7 version such as 7.1");
  const searchEngineVersion = str(
    "searchEngineVersion",
    /^OpenSearch_\d+\.\d+$/,
    "an OpenSearch version such as OpenSearch_2.13",
  );
  const searchInstanceType = str(
    "searchInstanceType",
    /^[a-z0-9]+\.[a-z0-9]+\.search$/,
    "an OpenSearch instance type such as r6g.large.search",
  );
  const searchMasterInstanceType = str(
    "searchMasterInstanceType",
    /^[a-z0-9]+\.[a-z0-9]+\.search$/,
    "an OpenSearch instance type such as m6g.large.search",
  );
  const searchDataNodes = int("searchDataNodes", 3, 80);
  if (searchDataNodes % 3 !== 0) {
    bad(
      "searchDataNodes",
      rawValue("searchDataNodes"),
      "a multiple of 3 (one share per availability zone)",
    );
  }
  const searchVolumeGiB = int("searchVolumeGiB", 10, 16384);
  // Every region's domain takes part in cross-cluster replication (policies/lib/searchReplication.ts
  // cites what the service requires).
  // Only a well-formed value is judged again: a malformed one already has its message.
  const wellFormed = (value: string, pattern: RegExp) => value !== "" && pattern.test(value);
  const versionProblem =
    wellFormed(searchEngineVersion, /^OpenSearch_\d+\.\d+$/) &&
    replicationVersionProblem(searchEngineVersion);
  if (versionProblem)
    bad("searchEngineVersion", searchEngineVersion, `a version that replicates: ${versionProblem}`);
  for (const [k, type] of [
    ["searchInstanceType", searchInstanceType],
    ["searchMasterInstanceType", searchMasterInstanceType],
  ] as const) {
    const problem =
      wellFormed(type, /^[a-z0-9]+\.[a-z0-9]+\.search$/) && replicationInstanceProblem(type);
    if (problem) bad(k, type, `an instance type that replicates: ${problem}`);
  }
  const searchIndexPrefix =
    optionalStr(
      "searchIndexPrefix",
      /^[a-z][a-z0-9_]{0,39}$/,
      "Magento's search index prefix: lower-case letters, digits and underscores, such as magento2",
    ) ?? DEFAULT_SEARCH_INDEX_PREFIX;
  const searchFallbackEndpoints = hostList("searchFallbackEndpoints");

  const alertEmail = optionalStr("alertEmail", /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address");
  const witnessRegion = optionalStr(
    "witnessRegion",
    new RegExp(`^(${KNOWN_REGIONS.join("|")})$`),
    "one of the known AWS regions",
  );
  if (
    witnessRegion &&
    (witnessRegion === homeRegion || regions.filter((r) => r !== homeRegion)[0] === witnessRegion)
  ) {
    bad(
      "witnessRegion",
      witnessRegion,
      "a third region, neither homeRegion nor the standby region",
    );
  }
  // Where the failover authority table lives. The home region would lose it with the primary
  // (nobody could then promote); the standby region couples it to the standby (losing the standby
  // would stop the primary once its serving lease ran out: docs/detection.md). The witness region
  // is a third region, so the loss of either shop region leaves it reachable.
  const authorityRegionSet = optionalStr(
    "authorityRegion",
    new RegExp(`^(${KNOWN_REGIONS.join("|")})$`),
    "one of the known AWS regions",
  );
  if (authorityRegionSet && authorityRegionSet === homeRegion) {
    bad(
      "authorityRegion",
      authorityRegionSet,
      "a region other than homeRegion (the authority must outlive the home region)",
    );
  }
  const rtoTargetSeconds = int("rtoTargetSeconds", 60, 86400);
  const rpoBudgetSeconds = int("rpoBudgetSeconds", 1, 86400);
  const createOpenSearchServiceRole = bool("createOpenSearchServiceRole");
  const sessionStore = str(
    "sessionStore",
    /^(dynamodb|redis)$/,
    `"dynamodb" (the DynamoDB global table) or "redis" (the cache's Global Datastore)`,
  ) as SessionStore;
  const mediaReplicaFileSystemId = optionalStr(
    "mediaReplicaFileSystemId",
    /^fs-[0-9a-f]{8,17}$/,
    "an EFS file system id such as fs-0123456789abcdef0",
  );

  function list(k: string, pattern: RegExp, expected: string): string[] {
    const v = rawValue(k);
    if (v === undefined || v === "") return [];
    const parsed = parseJson(v);
    if (!Array.isArray(parsed) || parsed.some((e) => typeof e !== "string" || !pattern.test(e))) {
      bad(k, v, `a list of ${expected}`);
      return [];
    }
    return parsed as string[];
  }
  const operatorRoleArns = list(
    "operatorRoleArns",
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/,
    "IAM role ARNs (arn:aws:iam::<account>:role/<name>)",
  );
  const egress = list(
    "appEgressHttps",
    /^(pl-[0-9a-f]{8,17}|((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d))$/,
    'IPv4 CIDRs ("203.0.113.0/24") or managed prefix list ids ("pl-0123456789abcdef0")',
  );
  const appEgressHttps = {
    cidrs: egress.filter((e) => !e.startsWith("pl-")),
    prefixListIds: egress.filter((e) => e.startsWith("pl-")),
  };

  const alarmThresholds = { ...DEFAULT_THRESHOLDS };
  const thresholdsRaw = rawValue("alarmThresholds");
  if (thresholdsRaw !== undefined && thresholdsRaw !== "") {
    const parsed = parseJson(thresholdsRaw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      bad(
        "alarmThresholds",
        thresholdsRaw,
        `an object with numeric fields (${Object.keys(DEFAULT_THRESHOLDS).join(", ")})`,
      );
    } else {
      for (const [name, value] of Object.entries(parsed)) {
        if (!(name in DEFAULT_THRESHOLDS)) {
          bad(
            `alarmThresholds`,
            { [name]: value },
            `only the fields ${Object.keys(DEFAULT_THRESHOLDS).join(", ")}`,
          );
        } else if (typeof value !== "number" || !(value > 0)) {
          bad(`alarmThresholds`, { [name]: value }, `${name} to be a positive number`);
        } else {
          alarmThresholds[name as keyof AlarmThresholds] = value;
        }
      }
    }
  }

  const recoveryMeasurements: Record<string, RecoveryMeasurement> = {};
  const measurementsRaw = rawValue("recoveryMeasurements");
  if (measurementsRaw !== undefined && measurementsRaw !== "") {
    const expected =
      'an object of step name -> {"seconds", "worstSeconds" >= seconds, "source"}, e.g. {"database": {"seconds": 240, "worstSeconds": 420, "source": "drill 2026-11-20"}}';
    const parsed = parseJson(measurementsRaw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      bad("recoveryMeasurements", measurementsRaw, expected);
    } else {
      const steps = new Set(recoveryBudget().steps.map((st) => st.name));
      for (const [name, m] of Object.entries(parsed as Record<string, unknown>)) {
        const v = m as Partial<RecoveryMeasurement> | null;
        if (!steps.has(name)) {
          bad(
            "recoveryMeasurements",
            { [name]: m },
            `a step of the timeline (${[...steps].join(", ")})`,
          );
        } else if (
          typeof v?.seconds !== "number" ||
          typeof v.worstSeconds !== "number" ||
          !(v.seconds >= 0) ||
          !(v.worstSeconds >= v.seconds) ||
          typeof v.source !== "string" ||
          v.source.trim() === ""
        ) {
          bad("recoveryMeasurements", { [name]: m }, expected);
        } else {
          recoveryMeasurements[name] = {
            seconds: v.seconds,
            worstSeconds: v.worstSeconds,
            source: v.source,
          };
        }
      }
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const standby = standbyRaw as StandbyMode;
  const others = regions.filter((r) => r !== homeRegion);
  const standbyRegion = others[0];
  const authorityRegion = authorityRegionSet ?? witnessRegion ?? standbyRegion;
  const isActive = regionValue === activeRegion;
  const failoverRole: FailoverRole | undefined =
    regionValue === homeRegion
      ? "PRIMARY"
      : regionValue === standbyRegion
        ? "SECONDARY"
        : undefined;
  const standbyCapacity: Capacity =
    standby === "warm" ? warmCapacity : { min: 0, desired: 0, max: activeCapacity.max };

  return {
    project,
    stack,
    region: regionValue,
    homeRegion,
    activeRegion,
    regions,
    standby,
    domainName,
    hostedZoneId,
    amiId,
    instanceType,
    vpcCidr,
    activeCapacity,
    warmCapacity,
    healthCheckPath,
    protect,
    logRetentionDays,
    homeStack,
    dbEngineVersion,
    dbInstanceClass,
    dbAllocatedStorageGiB,
    cacheNodeType,
    cacheEngineVersion,
    searchEngineVersion,
    searchInstanceType,
    searchMasterInstanceType,
    searchDataNodes,
    searchVolumeGiB,
    searchIndexPrefix,
    searchFallbackEndpoints,
    alarmThresholds,
    alertEmail,
    witnessRegion,
    rtoTargetSeconds,
    recoveryMeasurements,
    rpoBudgetSeconds,
    createOpenSearchServiceRole,
    sessionStore,
    mediaReplicaFileSystemId,
    operatorRoleArns,
    appEgressHttps,
    isHome: regionValue === homeRegion,
    isActive,
    failoverRole,
    standbyRegion,
    authorityRegion,
    capacity: isActive ? activeCapacity : standbyCapacity,
    warnings,
  };
}

/** Every key this program reads: the declared ones (configSchema.ts) and the provider's region. */
export const CONFIG_KEYS: readonly string[] = ["aws:region", ...CONFIG_TABLE.map((e) => e.key)];

/** Reads the running stack's config through the Pulumi runtime and validates it. */
export function loadConfig(): DrConfig {
  const project = pulumi.getProject();
  const raw: RawConfig = {};
  for (const k of CONFIG_KEYS) {
    const [namespace, name] = k.includes(":") ? k.split(":") : [project, k];
    raw[`${namespace}:${name}`] = new pulumi.Config(namespace).get(name);
  }
  return parseConfig(raw, project, pulumi.getStack());
}
