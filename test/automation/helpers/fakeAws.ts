// A two-region AWS for the operator CLI, behind aws-sdk-client-mock: the real SDK clients are
// used, every call is answered from the state below and recorded with the region of the client
// that made it. Unlike test/region/helpers/simAws.ts (one standby region), both regions are
// modelled, because failback and status read and act on both. Any command not modelled here
// throws, so a test cannot pass by calling something unexpected. Behaviours a scenario relies on
// follow AWS's documentation as cited beside them (the same sources as simAws.ts); where AWS is
// silent, the pessimistic side.
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  PutBackupPolicyCommand,
  EFSClient,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
} from "@aws-sdk/client-efs";
import {
  DescribeReplicationGroupsCommand,
  DisassociateGlobalReplicationGroupCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  InvalidGlobalReplicationGroupStateFault,
} from "@aws-sdk/client-elasticache";
import {
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import type { HeartbeatReport } from "../../../functions/heartbeat/reader";

// The stubs are driven through one generic handler; their precise types add nothing here.
type AnyStub = any;

export interface Call {
  service: string;
  command: string;
  region: string;
  input: Record<string, any>;
}

export interface DbState {
  region: string;
  /** Source ARN while a replica. */
  source?: string;
  status: string;
  /** Describes left before a requested promotion completes. */
  pending: number;
  /** BackupRetentionPeriod the promotion passed (AWS's default is 1 when it passes none). */
  backupRetentionDays?: number;
}

export interface CacheState {
  region: string;
  /** Undefined once detached from the Global Datastore. */
  role?: "PRIMARY" | "SECONDARY";
  status: string;
  pending: number;
}

export interface EfsReplication {
  source: string;
  sourceRegion: string;
  destination: string;
  destinationRegion: string;
  status: string;
  /** Describes left before the first sync completes (a new replication). */
  syncAfter: number;
  lastReplicated?: Date;
}

export interface FakeState {
  databases: Record<string, DbState>;
  caches: Record<string, CacheState>;
  globalDatastore: string;
  replications: EfsReplication[];
  protection: Record<string, string>;
  /** Backup policy per file system, as PutBackupPolicy set it. */
  backups: Record<string, string>;
  /** The region each file system lives in (EFS is regional: another region does not find it). */
  fileSystemRegions: Record<string, string>;
  parameters: Record<string, string>;
  /** `bootLimit`: instances stop coming into service at this many (a capacity shortage). */
  asgs: Record<
    string,
    { min: number; desired: number; max: number; inService: number; bootLimit?: number }
  >;
  metrics: { region: string; name: string; value: number }[];
  /** Alarms whose actions DisableAlarmActions turned off, with their region. */
  alarmsDisabled: { region: string; name: string }[];
  messages: { region: string; subject: string }[];
  /** GetMetricData answers by metric name. */
  lag: Record<string, number[]>;
  /** What each region's search replication function reports (docs/search.md); healthy if unset. */
  search: Record<string, { problems: string[]; lagOperations?: number; bootstrapping?: number }>;
  /** The deployed functions Invoke answers, by name (the harness registers the stacks' own). */
  functions: Record<string, { region: string; kind: "search" | "heartbeat-reader" }>;
  /**
   * What each region's heartbeat reader finds in its database (docs/rpo.md): the newest beat of
   * each writing region: fixed, in ms since the epoch (its writers stopped, or replication did);
   * "live" (its writers beat and replication keeps up: the newest beat is as of each read); or
   * `{ behindMs }` (beats keep arriving, that far behind: a slow link). A region absent: the
   * table never reached that database.
   */
  heartbeats: Record<string, Record<string, number | "live" | { behindMs: number }>>;
  /** A region's reader fails (a crash, a timeout): Lambda answers a function error, this message. */
  readerFailure: Record<string, string>;
}

/** Names as the program (and so the offline plan) gives them. */
export const IDS = {
  home: { db: "magento-dr-prod-use1", cache: "magento-dr-prod-use1", fs: "fs-898c2e8978d42d1ec" },
  standby: {
    db: "magento-dr-prod-euw1",
    cache: "magento-dr-prod-euw1",
    fs: "fs-12f6a083c1eab83af",
  },
  gds: "ldgnf-magento-dr-prod-use1",
  account: "123456789012",
};

export const HOME = "us-east-1";
/** The region of an Auto Scaling group the program names (magento-dr-<stack>-magento). */
const asgRegion = (name: string) =>
  name.startsWith("magento-dr-prod-use1-")
    ? HOME
    : name.startsWith("magento-dr-prod-euw1-")
      ? STANDBY
      : undefined;
export const STANDBY = "eu-west-1";
export const dbArn = (region: string, id: string) =>
  `arn:aws:rds:${region}:${IDS.account}:db:${id}`;

/** Steady state: us-east-1 active, eu-west-1 replicating from it, lag small. */
export function steadyState(now = Date.now()): FakeState {
  return {
    databases: {
      [IDS.home.db]: { region: HOME, status: "available", pending: 0 },
      [IDS.standby.db]: {
        region: STANDBY,
        source: dbArn(HOME, IDS.home.db),
        status: "available",
        pending: 0,
      },
    },
    caches: {
      [IDS.home.cache]: { region: HOME, role: "PRIMARY", status: "available", pending: 0 },
      [IDS.standby.cache]: { region: STANDBY, role: "SECONDARY", status: "available", pending: 0 },
    },
    globalDatastore: IDS.gds,
    replications: [
      {
        source: IDS.home.fs,
        sourceRegion: HOME,
        destination: IDS.standby.fs,
        destinationRegion: STANDBY,
        status: "ENABLED",
        syncAfter: 0,
        lastReplicated: new Date(now - 120_000),
      },
    ],
    protection: { [IDS.home.fs]: "ENABLED", [IDS.standby.fs]: "REPLICATING" },
    backups: {},
    fileSystemRegions: { [IDS.home.fs]: HOME, [IDS.standby.fs]: STANDBY },
    parameters: {},
    asgs: {
      "magento-dr-prod-use1-magento": { min: 2, desired: 3, max: 12, inService: 3 },
      "magento-dr-prod-euw1-magento": { min: 0, desired: 0, max: 12, inService: 0 },
    },
    metrics: [],
    alarmsDisabled: [],
    messages: [],
    lag: { ReplicaLag: [0, 0], GlobalDatastoreReplicationLag: [0.4] },
    search: {},
    functions: {},
    heartbeats: { [STANDBY]: { [HOME]: "live" } },
    readerFailure: {},
  };
}

const named = (error: Error, name: string) => Object.assign(error, { name });
/** What Invoke answers (the SDK wraps the bytes in its blob adapter). */
interface Invoked {
  StatusCode: number;
  FunctionError?: string;
  Payload: Uint8Array;
}
/** A Lambda Payload: bytes, as the SDK hands them over, never a string. */
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const READS = /^(Describe|Get|List)/;

export class FakeAws {
  calls: Call[] = [];
  /** Calls to this region fail as a network timeout (and are recorded). */
  unreachableRegion?: string;
  private stubs: AnyStub[] = [];

  constructor(public state: FakeState = steadyState()) {}

  writes(): Call[] {
    return this.calls.filter((c) => !READS.test(c.command) && !this.readsHeartbeat(c));
  }

  /** Invoking the heartbeat reader only reads (a SELECT on the replica). */
  private readsHeartbeat(c: Call): boolean {
    return (
      c.command === "Invoke" &&
      this.state.functions[c.input.FunctionName]?.kind === "heartbeat-reader"
    );
  }

  /**
   * Whether AWS publishes `metric` in `region`: CloudWatch answers a query for a metric identity
   * nobody publishes (wrong namespace, dimension name or value, or region) with no datapoints,
   * not an error (GetMetricData, CloudWatch API Reference), so the fake answers the lag only for
   * the exact identity. RDS publishes ReplicaLag for a read replica in its own region under
   * AWS/RDS with DBInstanceIdentifier ("Amazon CloudWatch metrics for Amazon RDS"); ElastiCache
   * publishes GlobalDatastoreReplicationLag from the secondary cluster's nodes under
   * AWS/ElastiCache with CacheClusterId (`<group>-001` is the first node: "Metrics for Valkey and
   * Redis OSS", ElastiCache User Guide).
   */
  published(
    metric: {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: { Name?: string; Value?: string }[];
    },
    region: string,
  ): boolean {
    const dims = metric.Dimensions ?? [];
    const only = (name: string) =>
      dims.length === 1 && dims[0].Name === name ? dims[0].Value : undefined;
    if (metric.Namespace === "AWS/RDS" && metric.MetricName === "ReplicaLag") {
      const db = this.state.databases[only("DBInstanceIdentifier") ?? ""];
      return db !== undefined && db.region === region && db.source !== undefined;
    }
    if (
      metric.Namespace === "AWS/ElastiCache" &&
      metric.MetricName === "GlobalDatastoreReplicationLag"
    ) {
      const node = only("CacheClusterId") ?? "";
      const cache = node.endsWith("-001") ? this.state.caches[node.slice(0, -4)] : undefined;
      return cache !== undefined && cache.region === region && cache.role === "SECONDARY";
    }
    return false;
  }

  callsTo(region: string): Call[] {
    return this.calls.filter((c) => c.region === region);
  }

  install(): this {
    const s = this.state;
    const stub = (
      client: unknown,
      service: string,
      handlers: [any, (input: any, region: string) => unknown][],
    ) => {
      const mock: AnyStub = mockClient(client as AnyStub);
      this.stubs.push(mock);
      mock.onAnyCommand().callsFake(async (input: unknown) => {
        throw new Error(`fakeAws: unexpected ${service} call ${JSON.stringify(input)}`);
      });
      for (const [command, handler] of handlers) {
        const name = (command as { name: string }).name.replace(/Command$/, "");
        mock.on(command).callsFake(async (input: any, getClient: () => any) => {
          const region: string = await getClient().config.region();
          this.calls.push({ service, command: name, region, input });
          if (region === this.unreachableRegion) {
            throw named(
              new Error(`connect ETIMEDOUT ${service}.${region}.amazonaws.com`),
              "TimeoutError",
            );
          }
          return handler(input, region);
        });
      }
    };

    stub(ElastiCacheClient, "elasticache", [
      [
        DescribeReplicationGroupsCommand,
        (input, region) => this.describeCache(input.ReplicationGroupId, region),
      ],
      [
        FailoverGlobalReplicationGroupCommand,
        (input) => {
          // PrimaryRegion is "the Amazon region of the primary cluster" (ElastiCache API
          // Reference, FailoverGlobalReplicationGroup): a region that is not the named group's is
          // refused (AWS lists InvalidParameterCombination; the pessimistic side).
          const primary = s.caches[input.PrimaryReplicationGroupId];
          if (!primary || primary.region !== input.PrimaryRegion) {
            throw named(
              new Error(
                `${input.PrimaryReplicationGroupId} is not a replication group in ${input.PrimaryRegion}`,
              ),
              "InvalidParameterCombinationException",
            );
          }
          // A Global Datastore fails over only while every member is available.
          if (Object.values(s.caches).some((g) => g.role && g.status !== "available")) {
            throw new InvalidGlobalReplicationGroupStateFault({
              message: "The Global datastore is not available",
              $metadata: {},
            });
          }
          for (const [id, group] of Object.entries(s.caches)) {
            if (!group.role) continue;
            group.role = id === input.PrimaryReplicationGroupId ? "PRIMARY" : "SECONDARY";
            group.status = "modifying";
            group.pending = 1;
          }
          return { GlobalReplicationGroup: {} };
        },
      ],
      [
        DisassociateGlobalReplicationGroupCommand,
        (input) => {
          // "Only one modify operation can be in progress on a global datastore, with the
          // exception of promoting a secondary" (ElastiCache User Guide, "Modifying a global
          // datastore"): a detach is refused while any member is modifying.
          if (Object.values(s.caches).some((g) => g.role && g.status === "modifying")) {
            throw new InvalidGlobalReplicationGroupStateFault({
              message: "Global datastore is modifying",
              $metadata: {},
            });
          }
          const group = s.caches[input.ReplicationGroupId];
          // ReplicationGroupRegion: "The Amazon region of secondary cluster you wish to remove"
          // (ElastiCache API Reference, DisassociateGlobalReplicationGroup).
          if (!group || group.region !== input.ReplicationGroupRegion) {
            throw named(
              new Error(
                `${input.ReplicationGroupId} is not a replication group in ${input.ReplicationGroupRegion}`,
              ),
              "InvalidParameterCombinationException",
            );
          }
          group.role = undefined;
          group.status = "modifying";
          group.pending = 1;
          return { GlobalReplicationGroup: {} };
        },
      ],
    ]);
    stub(RDSClient, "rds", [
      [
        DescribeDBInstancesCommand,
        (input, region) => this.describeDb(input.DBInstanceIdentifier, region),
      ],
      [
        PromoteReadReplicaCommand,
        (input, region) => {
          // Refused unless an available replica (RDS API Reference, PromoteReadReplica, Errors:
          // InvalidDBInstanceState); BackupRetentionPeriod "Default: 1" when not passed.
          const db = this.regional(s.databases, input.DBInstanceIdentifier, region, "DBInstance");
          if (!db.source || db.status !== "available") {
            throw new InvalidDBInstanceStateFault({ message: `is ${db.status}`, $metadata: {} });
          }
          db.status = "modifying";
          db.pending = 2;
          db.backupRetentionDays = input.BackupRetentionPeriod ?? 1;
          return { DBInstance: {} };
        },
      ],
    ]);
    stub(EFSClient, "efs", [
      [
        DescribeReplicationConfigurationsCommand,
        (input) => this.describeReplications(input.FileSystemId),
      ],
      [
        DeleteReplicationConfigurationCommand,
        (input) => {
          const r = s.replications.find((x) => x.source === input.SourceFileSystemId);
          if (!r) throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
          r.status = "DELETING";
          return {};
        },
      ],
      [
        // EFS API Reference, FileSystemProtectionDescription: only ENABLED is writable.
        DescribeFileSystemsCommand,
        (input, region) => ({
          FileSystems: [
            {
              FileSystemId: this.fileSystemIn(input.FileSystemId, region),
              LifeCycleState: "available",
              FileSystemProtection: {
                ReplicationOverwriteProtection: s.protection[input.FileSystemId] ?? "ENABLED",
              },
            },
          ],
        }),
      ],
      [
        // PutBackupPolicy: refused while read-only (AWS is silent; the pessimistic side).
        PutBackupPolicyCommand,
        (input, region) => {
          this.fileSystemIn(input.FileSystemId, region);
          if ((s.protection[input.FileSystemId] ?? "ENABLED") !== "ENABLED") {
            throw named(new Error("file system is read-only"), "BadRequest");
          }
          s.backups[input.FileSystemId] = input.BackupPolicy.Status;
          return { BackupPolicy: input.BackupPolicy };
        },
      ],
      [
        UpdateFileSystemProtectionCommand,
        (input, region) => {
          this.fileSystemIn(input.FileSystemId, region);
          s.protection[input.FileSystemId] = input.ReplicationOverwriteProtection;
          return {};
        },
      ],
      [
        CreateReplicationConfigurationCommand,
        (input, region) => {
          // POST /2015-02-01/file-systems/{SourceFileSystemId}/replication-configuration on a
          // regional endpoint, the destination's own Region in Destinations (EFS API Reference,
          // CreateReplicationConfiguration): the source is found only in its region.
          this.fileSystemIn(input.SourceFileSystemId, region);
          const destination = input.Destinations[0];
          this.fileSystemIn(destination.FileSystemId, destination.Region);
          if (s.protection[destination.FileSystemId] !== "DISABLED") {
            throw named(new Error("overwrite protection is enabled"), "ConflictException");
          }
          s.replications.push({
            source: input.SourceFileSystemId,
            sourceRegion: region,
            destination: destination.FileSystemId,
            destinationRegion: destination.Region,
            status: "ENABLING",
            syncAfter: 1,
          });
          s.protection[destination.FileSystemId] = "REPLICATING";
          return {};
        },
      ],
    ]);
    stub(SSMClient, "ssm", [
      [
        GetParametersCommand,
        (input) => ({
          Parameters: (input.Names as string[])
            .filter((n) => n in s.parameters)
            .map((n) => ({ Name: n, Value: s.parameters[n] })),
        }),
      ],
      [
        GetParameterCommand,
        (input) => ({ Parameter: { Name: input.Name, Value: s.parameters[input.Name] } }),
      ],
      [
        PutParameterCommand,
        (input) => {
          s.parameters[input.Name] = input.Value;
          return { Version: 1 };
        },
      ],
    ]);
    stub(AutoScalingClient, "autoscaling", [
      [
        DescribeAutoScalingGroupsCommand,
        (input, region) => {
          const name = input.AutoScalingGroupNames[0];
          const a = s.asgs[name];
          // Groups are regional: another region's name matches nothing (an empty list).
          if (!a || asgRegion(name) !== region) return { AutoScalingGroups: [] };
          const group = {
            AutoScalingGroupName: name,
            MinSize: a.min,
            DesiredCapacity: a.desired,
            MaxSize: a.max,
            Instances: Array.from({ length: a.inService }, (_, i) => ({
              InstanceId: `i-${i}`,
              LifecycleState: "InService",
              HealthStatus: "Healthy",
            })),
          };
          // Instances boot as time passes, up to the desired size (or the shortage's limit).
          a.inService = Math.min(a.desired, a.bootLimit ?? Infinity, a.inService + 2);
          return { AutoScalingGroups: [group] };
        },
      ],
      [
        UpdateAutoScalingGroupCommand,
        (input, region) => {
          const a = s.asgs[input.AutoScalingGroupName];
          if (!a || asgRegion(input.AutoScalingGroupName) !== region) {
            throw named(
              new Error(`AutoScalingGroup name not found - ${input.AutoScalingGroupName}`),
              "ValidationError",
            );
          }
          // DesiredCapacity "must be greater than or equal to the minimum size of the group and
          // less than or equal to the maximum size of the group" (Amazon EC2 Auto Scaling API
          // Reference, UpdateAutoScalingGroup); the refusal is a ValidationError. Its message text
          // is not documented: the wording here is the double's own (fakeAwsRegions.test.ts pins it).
          if (input.DesiredCapacity < input.MinSize || input.DesiredCapacity > input.MaxSize) {
            throw named(
              new Error(
                `Desired capacity:${input.DesiredCapacity} must be between the specified min size:${input.MinSize} and max size:${input.MaxSize}`,
              ),
              "ValidationError",
            );
          }
          Object.assign(a, {
            min: input.MinSize,
            desired: input.DesiredCapacity,
            max: input.MaxSize,
          });
          return {};
        },
      ],
    ]);
    stub(CloudWatchClient, "cloudwatch", [
      [
        GetMetricDataCommand,
        (input, region) => {
          const metric = input.MetricDataQueries[0].MetricStat.Metric;
          const values = this.published(metric, region) ? (s.lag[metric.MetricName] ?? []) : [];
          return { MetricDataResults: [{ Id: "lag", Values: [...values] }] };
        },
      ],
      [
        DescribeAlarmsCommand,
        (input, region) => ({
          MetricAlarms: input.AlarmNames.map((name: string) => ({
            AlarmName: name,
            ActionsEnabled: !s.alarmsDisabled.some((a) => a.region === region && a.name === name),
          })),
        }),
      ],
      [
        DisableAlarmActionsCommand,
        (input, region) => {
          for (const name of input.AlarmNames) s.alarmsDisabled.push({ region, name });
          return {};
        },
      ],
      [
        PutMetricDataCommand,
        (input, region) => {
          for (const m of input.MetricData)
            s.metrics.push({ region, name: m.MetricName, value: m.Value });
          return {};
        },
      ],
    ]);
    // Invoke (RequestResponse) as the Lambda API Reference describes it ("Invoke"): the function
    // is found by name in the client's region only, otherwise ResourceNotFoundException (404,
    // "The resource specified in the request does not exist"); the answer is StatusCode 200 with
    // the handler's result as Payload bytes; a function error (a throw, a crash, a timeout) is
    // still 200, with FunctionError set and the error object ({errorType, errorMessage}) as the
    // Payload ("Lambda function errors", Lambda Developer Guide).
    stub(LambdaClient, "lambda", [
      [
        InvokeCommand,
        (input, region) => {
          const fn = s.functions[input.FunctionName];
          if (!fn || fn.region !== region) {
            throw new ResourceNotFoundException({
              message: `Function not found: arn:aws:lambda:${region}:${IDS.account}:function:${input.FunctionName}`,
              $metadata: { httpStatusCode: 404 },
            });
          }
          return fn.kind === "heartbeat-reader"
            ? this.readHeartbeats(region)
            : this.searchReport(input.Payload, region);
        },
      ],
    ]);
    stub(SNSClient, "sns", [
      [
        PublishCommand,
        (input, region) => {
          s.messages.push({ region, subject: input.Subject });
          return { MessageId: `m-${s.messages.length}` };
        },
      ],
    ]);
    return this;
  }

  restore(): void {
    for (const mock of this.stubs) mock.restore();
    this.stubs = [];
  }

  /** The search replication function's report (functions/searchReplication/handler.ts). */
  private searchReport(payload: Uint8Array, region: string): Invoked {
    const { action } = JSON.parse(Buffer.from(payload).toString("utf8"));
    const search = this.state.search[region] ?? { problems: [] };
    const report = {
      action,
      role: action === "promote" ? "leader" : "follower",
      activeRegion: region,
      problems: search.problems,
      stopped: [],
      dropped: [],
      aliases: [{ alias: "magento2_product_1", index: "magento2_product_1_v1", documents: 10 }],
      following: 1,
      bootstrapping: search.bootstrapping ?? 0,
      lagOperations: search.lagOperations ?? 0,
    };
    return { StatusCode: 200, Payload: bytes(report) };
  }

  /** The heartbeat reader's answer (functions/heartbeat/handler.ts): every region's newest beat. */
  private readHeartbeats(region: string): Invoked {
    const failure = this.state.readerFailure[region];
    if (failure !== undefined) {
      return {
        StatusCode: 200,
        FunctionError: "Unhandled",
        Payload: bytes({ errorType: "Sandbox.Timedout", errorMessage: failure }),
      };
    }
    const table = this.state.heartbeats[region];
    const now = Date.now();
    const report: HeartbeatReport = table
      ? {
          beats: Object.entries(table).map(([writer, at]) => ({
            region: writer,
            beatAt: new Date(
              at === "live" ? now : typeof at === "number" ? at : now - at.behindMs,
            ).toISOString(),
            writer: `ip-10-0-1-23.${writer}`,
          })),
          readAt: new Date(now).toISOString(),
          detail: `${Object.keys(table).length} region(s) beat into this database`,
        }
      : {
          beats: [],
          detail: "no magento_dr_heartbeat table: no heartbeat ever reached this database",
        };
    return { StatusCode: 200, Payload: bytes(report) };
  }

  /**
   * `id` in `region`'s API: RDS instances and ElastiCache groups are regional, so another
   * region's endpoint does not know them (its NotFound fault, as for a name that never existed).
   */
  private regional<T extends { region: string }>(
    all: Record<string, T>,
    id: string,
    region: string,
    kind: "DBInstance" | "group",
  ): T {
    const found = all[id];
    if (!found || found.region !== region) {
      throw named(
        new Error(`${kind} ${id} not found`),
        kind === "DBInstance" ? "DBInstanceNotFoundFault" : "ReplicationGroupNotFoundFault",
      );
    }
    return found;
  }

  /** A file system of `region`; EFS answers FileSystemNotFound for any other region's. */
  private fileSystemIn(id: string, region: string): string {
    if (this.state.fileSystemRegions[id] !== region) {
      throw named(new Error(`File system '${id}' does not exist.`), "FileSystemNotFound");
    }
    return id;
  }

  private describeDb(id: string, region: string) {
    const db = this.regional(this.state.databases, id, region, "DBInstance");
    if (db.pending > 0 && --db.pending === 0) {
      db.source = undefined;
      db.status = "available";
    }
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: id,
          DBInstanceStatus: db.status,
          ReadReplicaSourceDBInstanceIdentifier: db.source,
          Endpoint: { Address: `${id}.abc.${db.region}.rds.amazonaws.com` },
        },
      ],
    };
  }

  private describeCache(id: string, region: string) {
    const group = this.regional(this.state.caches, id, region, "group");
    if (group.pending > 0 && --group.pending === 0) group.status = "available";
    return {
      ReplicationGroups: [
        {
          ReplicationGroupId: id,
          Status: group.status,
          GlobalReplicationGroupInfo: group.role
            ? {
                GlobalReplicationGroupId: this.state.globalDatastore,
                GlobalReplicationGroupMemberRole: group.role,
              }
            : undefined,
          NodeGroups: [{ PrimaryEndpoint: { Address: `master.${id}.cache.amazonaws.com` } }],
        },
      ],
    };
  }

  private describeReplications(fileSystemId: string) {
    const s = this.state;
    // A deletion completes after one more look; a new replication syncs after `syncAfter` looks.
    s.replications = s.replications.filter((r) => r.status !== "DELETED");
    const found = s.replications.filter(
      (r) => r.source === fileSystemId || r.destination === fileSystemId,
    );
    if (found.length === 0)
      throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
    const answer = {
      Replications: found.map((r) => ({
        SourceFileSystemId: r.source,
        SourceFileSystemRegion: r.sourceRegion,
        Destinations: [
          {
            FileSystemId: r.destination,
            Region: r.destinationRegion,
            Status: r.status,
            LastReplicatedTimestamp: r.lastReplicated,
          },
        ],
      })),
    };
    for (const r of found) {
      if (r.status === "DELETING") {
        // "If the replication configuration is deleted, the file system's replication overwrite
        // protection is re-enabled, the file system becomes writeable."
        r.status = "DELETED";
        s.protection[r.destination] = "ENABLED";
      }
      if (r.status === "ENABLING" && --r.syncAfter <= 0) {
        r.status = "ENABLED";
        r.lastReplicated = new Date();
      }
    }
    return answer;
  }
}
