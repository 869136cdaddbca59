// A small simulated AWS behind aws-sdk-client-mock: the REAL SDK clients are used, their `send`
// is answered from the state below, and every call is recorded with the region of the client
// that made it. Faults are queued per command ("the next DescribeDBInstances hangs").
//
// Strictness: every behaviour a scenario relies on follows AWS's documentation, cited beside it;
// where AWS is silent, the simulator takes the pessimistic side (said so beside it). A test that
// passes here must not pass only because the double is kinder than AWS.
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
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  PutBackupPolicyCommand,
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
import {
  ChangeResourceRecordSetsCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException as LambdaResourceNotFound,
} from "@aws-sdk/client-lambda";
import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { DescribeEventsCommand as DescribeCacheEventsCommand } from "@aws-sdk/client-elasticache";
import { DescribeEventsCommand as DescribeDbEventsCommand } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";

// The stubs are driven through one generic handler; their precise types add nothing here.

type AnyStub = any;
import { createRegionalClients, type RegionalClients } from "../../../functions/region/clients";

export interface SimRecordedCall {
  service: string;
  command: string;
  input: Record<string, unknown>;
  region: string;
}

export interface SimState {
  cache: {
    role: "PRIMARY" | "SECONDARY" | "standalone";
    status: string;
    /** Describes left before a requested failover/disassociation completes. */
    pending: number;
    pendingRole?: "PRIMARY" | "standalone";
    /** "available" lets FailoverGlobalReplicationGroup through; anything else refuses it.
     * "modifying" while a failover or disassociation is in progress. */
    globalStatus: string;
    /** An accepted failover never completes (its impaired primary never lets go). */
    failoverHangs?: boolean;
    /** With failoverHangs: describes after which the failover is abandoned (the datastore is
     * available again, the local group still secondary). Never, when unset. */
    failoverAbandonAfter?: number;
    data: string[];
  };
  db: {
    source?: string;
    status: string;
    pending: number;
    /** Describes left while a backup runs. */
    backingUp: number;
    /** Retention the promoted instance got (AWS's default is 1 day when none is passed). */
    backupRetentionDays?: number;
    data: string[];
  };
  efs: {
    replication?: { source: string; status: string };
    /** FileSystemProtection.ReplicationOverwriteProtection of the local file system. */
    protection: "ENABLED" | "DISABLED" | "REPLICATING";
    /** Describes a DELETING configuration stays DELETING before it is gone. */
    deletingDescribes: number;
    localOnlyWorks: boolean;
    bothSidesWork: boolean;
    /** A both-sides deletion accepted with the source region down: stays DELETING for ever. */
    bothSidesStuck?: boolean;
    /** A local-only deletion also stays DELETING for ever. */
    localStuck?: boolean;
    /** Mode of the deletion in progress. */
    deleting?: "ALL_CONFIGURATIONS" | "LOCAL_CONFIGURATION_ONLY";
    /** The local file system's backup policy; a replica starts without one (pessimistic). */
    backups: "ENABLED" | "DISABLED";
    /** PutBackupPolicy fails with this error name. */
    backupsRefused?: string;
  };
  ssm: Record<string, string>;
  /**
   * Lambda functions of the simulated account, by name: the region each lives in and what it
   * answers to a payload (a JSON-serialisable value, or `{ functionError, payload }` for a
   * function that failed).
   */
  functions: Record<
    string,
    { region: string; answer: (payload: unknown) => unknown | SimFunctionError }
  >;
  asg: {
    min: number;
    desired: number;
    max: number;
    inService: number;
    bootsPerDescribe: number;
    /** Instances beyond this never pass their health checks (capacity short). */
    healthyLimit?: number;
  };
  /** Runs before each DescribeAutoScalingGroups: lets a test change the group meanwhile. */
  beforeAsgDescribe?: (asg: SimState["asg"]) => void;
  /** Every datapoint published, with its unit: an alarm on a unit matches only that unit. */
  metrics: { name: string; value: number; unit?: string; dimensions: Record<string, string> }[];
  /** Alarms whose actions DisableAlarmActions turned off. */
  alarmsDisabled: string[];
  /** DisableAlarmActions fails with this error name. */
  alarmActionsRefused?: string;
  messages: { subject: string; message: string }[];
  /** ReplicaLag datapoints returned by GetMetricData. */
  lagValues: number[];
  route53: { observations?: string[]; fail?: boolean };
  /** The source region's own RDS/ElastiCache events (DescribeEvents), by source identifier. */
  sourceEvents: { source: string; message: string; at: number; category?: string }[];
  /** The remote primary: data written there reaches the local side while replication runs. */
  remote: { cacheData: string[]; dbData: string[]; replicating: boolean };
}

/** "pass" answers normally: it lets a queue target the n-th call. */
export type Fault = "hang" | "pass" | Error | ((input: Record<string, unknown>) => unknown);

export const SIM_IDS = {
  globalGroup: "ldgnf-magento-cache",
  cacheGroup: "magento-cache-euw1",
  dbInstance: "magento-db-euw1",
  fileSystem: "fs-0123456789abcdef0",
  sourceFileSystem: "fs-0fedcba9876543210",
  asg: "magento-asg-euw1",
  dbEndpoint: "magento-db-euw1.abc.eu-west-1.rds.amazonaws.com",
  cacheEndpoint: "master.magento-cache-euw1.abc.euw1.cache.amazonaws.com",
};

/** EFS answers FileSystemNotFound for an id it does not have (API Reference, every call). */
function knownFileSystem(id: unknown): true {
  if (id !== SIM_IDS.fileSystem) {
    throw named(new Error(`File system ${String(id)} does not exist`), "FileSystemNotFound");
  }
  return true;
}

export function initialState(): SimState {
  return {
    cache: {
      role: "SECONDARY",
      status: "available",
      pending: 0,
      globalStatus: "available",
      data: [],
    },
    db: {
      source: "arn:aws:rds:us-east-1:123456789012:db:magento-db-use1",
      status: "available",
      pending: 0,
      backingUp: 0,
      data: [],
    },
    efs: {
      replication: { source: SIM_IDS.sourceFileSystem, status: "ENABLED" },
      protection: "REPLICATING",
      deletingDescribes: 1,
      localOnlyWorks: true,
      bothSidesWork: true,
      backups: "DISABLED",
    },
    ssm: {},
    functions: {},
    asg: { min: 0, desired: 0, max: 12, inService: 0, bootsPerDescribe: 2 },
    metrics: [],
    alarmsDisabled: [],
    messages: [],
    lagValues: [2],
    route53: { observations: ["Success: HTTP Status Code 200", "Success: HTTP Status Code 200"] },
    sourceEvents: [],
    remote: { cacheData: [], dbData: [], replicating: true },
  };
}

const named = (error: Error, name: string) => Object.assign(error, { name });

/** What a simulated function answers when its handler failed (Lambda's FunctionError). */
export class SimFunctionError {
  constructor(readonly payload: unknown) {}
}

export class SimulatedAws {
  state: SimState = initialState();
  calls: SimRecordedCall[] = [];
  /** Calls to this region fail as unreachable (and are recorded, so tests can count them). */
  unreachableRegion?: string;
  /** Added to every call, as a network round trip (benchmarks). */
  latencyMs = 0;
  private faults = new Map<string, Fault[]>();
  private stubs: AnyStub[] = [];
  private hung: (() => void)[] = [];

  /** Queues `fault` for the next call(s) of `command`. */
  fail(command: string, ...faults: Fault[]) {
    this.faults.set(command, [...(this.faults.get(command) ?? []), ...faults]);
  }

  callsOf(command: string) {
    return this.calls.filter((c) => c.command === command);
  }

  /** Mutating calls: what "nothing changed" is asserted against. */
  writes() {
    const reads = /^(Describe|Get|List)/;
    return this.calls.filter((c) => !reads.test(c.command));
  }

  writeMarker(marker: string) {
    this.state.remote.cacheData.push(marker);
    this.state.remote.dbData.push(marker);
    if (this.state.remote.replicating) {
      this.state.cache.data.push(marker);
      this.state.db.data.push(marker);
    }
  }

  clients(region = "eu-west-1"): RegionalClients {
    return createRegionalClients(region, {
      connectionTimeoutMs: 200,
      requestTimeoutMs: 500,
      maxAttempts: 1,
    });
  }

  install(): this {
    const on = <C extends object>(
      stub: AnyStub,
      service: string,
      command: new (input: never) => C,
      handler: (input: Record<string, unknown>, region: string) => unknown,
    ) => {
      const name = command.name.replace(/Command$/, "");
      stub.on(command).callsFake(async (input: Record<string, unknown>, getClient: () => any) => {
        const region = await getClient().config.region();
        this.calls.push({ service, command: name, input, region });
        if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        if (region === this.unreachableRegion) {
          throw named(
            new Error(`connect ETIMEDOUT ${service}.${region}.amazonaws.com:443`),
            "TimeoutError",
          );
        }
        const fault = this.faults.get(name)?.shift();
        if (fault === "pass") return handler(input, region);
        if (fault === "hang") return new Promise((resolve) => this.hung.push(() => resolve({})));
        if (fault instanceof Error) throw fault;
        if (typeof fault === "function") return fault(input);
        return handler(input, region);
      });
    };
    const stub = <T>(client: T) => {
      const s: AnyStub = mockClient(client as AnyStub);
      this.stubs.push(s);
      return s;
    };
    const s = this.state;
    const ec = stub(ElastiCacheClient);
    on(ec, "elasticache", DescribeReplicationGroupsCommand, (input) =>
      this.describeCache(input.ReplicationGroupId as string | undefined),
    );
    // ElastiCache API Reference, FailoverGlobalReplicationGroup, Errors:
    // "InvalidGlobalReplicationGroupState: The Global datastore is not available or in
    // primary-only state."
    on(ec, "elasticache", FailoverGlobalReplicationGroupCommand, () => {
      if (s.cache.globalStatus !== "available" || s.cache.status !== "available") {
        throw new InvalidGlobalReplicationGroupStateFault({
          message: "The Global datastore is not available",
          $metadata: {},
        });
      }
      s.cache.status = "modifying";
      s.cache.globalStatus = "modifying";
      s.cache.pending = s.cache.failoverHangs ? Number.MAX_SAFE_INTEGER : 1;
      s.cache.pendingRole = "PRIMARY";
      return { GlobalReplicationGroup: {} };
    });
    // "Only one modify operation can be in progress on a global datastore, with the exception of
    // promoting a secondary" (ElastiCache User Guide, "Modifying a global datastore"):
    // disassociating is a modify, so it is refused while the datastore is modifying (a failover
    // in flight); the refusal's error is InvalidGlobalReplicationGroupState (API Reference,
    // DisassociateGlobalReplicationGroup, Errors). A member already leaving is refused too
    // (pessimistic: AWS does not say what a second request does).
    on(ec, "elasticache", DisassociateGlobalReplicationGroupCommand, () => {
      if (s.cache.globalStatus === "modifying" || s.cache.role === "standalone") {
        throw new InvalidGlobalReplicationGroupStateFault({
          message: "Global datastore is modifying: only one modify operation at a time",
          $metadata: {},
        });
      }
      s.cache.status = "modifying";
      s.cache.globalStatus = "modifying";
      s.cache.pending = 1;
      s.cache.pendingRole = "standalone";
      s.remote.replicating = false;
      return { GlobalReplicationGroup: {} };
    });
    const rds = stub(RDSClient);
    on(rds, "rds", DescribeDBInstancesCommand, (input) =>
      this.describeDb(input.DBInstanceIdentifier as string | undefined),
    );
    // RDS API Reference, DescribeEvents: events of the named source within `Duration` minutes
    // (default 60), filtered by EventCategories when given. ElastiCache's has no categories.
    on(rds, "rds", DescribeDbEventsCommand, (input) => ({
      Events: this.sourceEventsFor(input).map((e) => ({
        SourceIdentifier: e.source,
        SourceType: "db-instance",
        Message: e.message,
        EventCategories: e.category ? [e.category] : [],
        Date: new Date(e.at),
      })),
    }));
    on(ec, "elasticache", DescribeCacheEventsCommand, (input) => ({
      Events: this.sourceEventsFor(input).map((e) => ({
        SourceIdentifier: e.source,
        SourceType: "replication-group",
        Message: e.message,
        Date: new Date(e.at),
      })),
    }));
    // RDS User Guide, "Promoting a read replica": the replica must be available; a promotion is
    // refused while a backup runs ("backing-up"), with InvalidDBInstanceState (API Reference,
    // PromoteReadReplica, Errors). BackupRetentionPeriod "Default: 1" when not passed.
    on(rds, "rds", PromoteReadReplicaCommand, (input) => {
      if (input.DBInstanceIdentifier !== SIM_IDS.dbInstance) {
        throw named(new Error("DBInstance not found"), "DBInstanceNotFoundFault");
      }
      if (!s.db.source || s.db.status !== "available") {
        throw new InvalidDBInstanceStateFault({
          message: `instance is ${s.db.status}`,
          $metadata: {},
        });
      }
      s.db.status = "modifying";
      s.db.pending = 2;
      s.db.backupRetentionDays = (input.BackupRetentionPeriod as number | undefined) ?? 1;
      return { DBInstance: {} };
    });
    const efs = stub(EFSClient);
    // EFS API Reference, DescribeReplicationConfigurations: ReplicationNotFound once there is
    // none. A deletion stays DELETING "several minutes" (EFS User Guide, "Deleting replication
    // configurations"); with the source region down a both-sides deletion may never finish
    // (pessimistic: AWS does not say), and only then does the protection become ENABLED.
    on(efs, "efs", DescribeReplicationConfigurationsCommand, (input) => {
      // Without FileSystemId, every replication of the account in the region (API Reference):
      // another one first here, so a reader that drops the id is caught.
      if (input.FileSystemId === undefined) {
        return { Replications: [{ SourceFileSystemId: "fs-other", Destinations: [] }] };
      }
      knownFileSystem(input.FileSystemId);
      const r = s.efs.replication;
      if (!r) throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
      const stuck =
        s.efs.deleting === "LOCAL_CONFIGURATION_ONLY" ? s.efs.localStuck : s.efs.bothSidesStuck;
      if (r.status === "DELETING" && !stuck && s.efs.deletingDescribes-- <= 0) {
        s.efs.replication = undefined;
        s.efs.protection = "ENABLED";
        throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
      }
      return {
        Replications: [
          {
            SourceFileSystemId: r.source,
            Destinations: [
              { FileSystemId: SIM_IDS.fileSystem, Region: "eu-west-1", Status: r.status },
            ],
          },
        ],
      };
    });
    // EFS API Reference, FileSystemProtectionDescription: REPLICATING and DISABLED are
    // read-only, ENABLED is writable ("If the replication configuration is deleted, the file
    // system's replication overwrite protection is re-enabled, the file system becomes
    // writeable").
    on(efs, "efs", DescribeFileSystemsCommand, (input) => {
      const ours = {
        FileSystemId: SIM_IDS.fileSystem,
        LifeCycleState: "available",
        FileSystemProtection: { ReplicationOverwriteProtection: s.efs.protection },
      };
      // Without FileSystemId, every file system of the account (API Reference): another first.
      if (input.FileSystemId === undefined) {
        const other = {
          FileSystemId: "fs-other",
          LifeCycleState: "available",
          FileSystemProtection: { ReplicationOverwriteProtection: "ENABLED" },
        };
        return { FileSystems: [other, ours] };
      }
      knownFileSystem(input.FileSystemId);
      return { FileSystems: [ours] };
    });
    // UpdateFileSystemProtection: REPLICATING cannot be set, and a file system that is a
    // replication destination refuses changes (pessimistic: refused while any replication exists).
    on(efs, "efs", UpdateFileSystemProtectionCommand, (input) => {
      knownFileSystem(input.FileSystemId);
      if (s.efs.replication || input.ReplicationOverwriteProtection === "REPLICATING") {
        throw named(
          new Error("file system is a replication destination"),
          "ReplicationAlreadyExists",
        );
      }
      s.efs.protection = input.ReplicationOverwriteProtection as "ENABLED" | "DISABLED";
      return { ReplicationOverwriteProtection: s.efs.protection };
    });
    // PutBackupPolicy (EFS API Reference). AWS does not say whether a read-only replication
    // destination accepts it: refused here while the file system is read-only (pessimistic).
    on(efs, "efs", PutBackupPolicyCommand, (input) => {
      knownFileSystem(input.FileSystemId);
      if (s.efs.backupsRefused) throw named(new Error("refused"), s.efs.backupsRefused);
      if (s.efs.protection !== "ENABLED") {
        throw named(new Error("file system is read-only (replication destination)"), "BadRequest");
      }
      s.efs.backups = (input.BackupPolicy as { Status: "ENABLED" | "DISABLED" }).Status;
      return { BackupPolicy: { Status: s.efs.backups } };
    });
    // DeleteReplicationConfiguration, DeletionMode: ALL_CONFIGURATIONS (default) deletes both
    // sides; LOCAL_CONFIGURATION_ONLY only the local one, "in the case that Amazon EFS is unable
    // to delete the replication configuration in both" regions.
    on(efs, "efs", DeleteReplicationConfigurationCommand, (input) => {
      if (input.SourceFileSystemId !== SIM_IDS.sourceFileSystem) {
        throw new ReplicationNotFound({
          message: "no replication from that source",
          $metadata: {},
        });
      }
      if (!s.efs.replication)
        throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
      const mode =
        input.DeletionMode === "LOCAL_CONFIGURATION_ONLY"
          ? "LOCAL_CONFIGURATION_ONLY"
          : "ALL_CONFIGURATIONS";
      if (mode === "LOCAL_CONFIGURATION_ONLY" ? !s.efs.localOnlyWorks : !s.efs.bothSidesWork) {
        throw named(new Error("source region unreachable"), "InternalServerError");
      }
      s.efs.replication.status = "DELETING";
      s.efs.deleting = mode;
      return {};
    });
    const ssm = stub(SSMClient);
    on(ssm, "ssm", GetParametersCommand, (input) => {
      const names = input.Names as string[];
      return {
        Parameters: names.filter((n) => n in s.ssm).map((n) => ({ Name: n, Value: s.ssm[n] })),
        InvalidParameters: names.filter((n) => !(n in s.ssm)),
      };
    });
    on(ssm, "ssm", GetParameterCommand, (input) => {
      const name = input.Name as string;
      if (!(name in s.ssm)) throw new ParameterNotFound({ message: name, $metadata: {} });
      return { Parameter: { Name: name, Value: s.ssm[name] } };
    });
    on(ssm, "ssm", PutParameterCommand, (input) => {
      // Overwrite defaults to false: an existing parameter is then refused with
      // ParameterAlreadyExists (AWS Systems Manager API Reference, PutParameter).
      if ((input.Name as string) in s.ssm && input.Overwrite !== true) {
        throw new ParameterAlreadyExists({ message: input.Name as string, $metadata: {} });
      }
      s.ssm[input.Name as string] = input.Value as string;
      return { Version: 1 };
    });
    // Invoke (AWS Lambda API Reference): an unknown function (or one of another region) is
    // ResourceNotFoundException; a synchronous call answers status 200 with the payload as bytes,
    // and a handler that threw still answers 200, with FunctionError "Unhandled".
    const lambda = stub(LambdaClient);
    on(lambda, "lambda", InvokeCommand, (input, region) => {
      const name = input.FunctionName as string;
      const fn = s.functions[name];
      if (!fn || fn.region !== region) {
        throw new LambdaResourceNotFound({
          message: `Function not found: arn:aws:lambda:${region}:123456789012:function:${name}`,
          $metadata: {},
        });
      }
      const payload = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8"));
      const answer = fn.answer(payload);
      const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));
      return answer instanceof SimFunctionError
        ? { StatusCode: 200, FunctionError: "Unhandled", Payload: bytes(answer.payload) }
        : { StatusCode: 200, Payload: bytes(answer) };
    });
    const asg = stub(AutoScalingClient);
    on(asg, "autoscaling", DescribeAutoScalingGroupsCommand, () => {
      s.beforeAsgDescribe?.(s.asg);
      const a = s.asg;
      const result = {
        AutoScalingGroups: [
          {
            AutoScalingGroupName: SIM_IDS.asg,
            MinSize: a.min,
            DesiredCapacity: a.desired,
            MaxSize: a.max,
            Instances: Array.from({ length: a.inService }, (_, i) => ({
              InstanceId: `i-${i}`,
              LifecycleState: "InService",
              HealthStatus: "Healthy",
            })),
          },
        ],
      };
      a.inService = Math.min(
        a.desired,
        a.healthyLimit ?? a.desired,
        a.inService + a.bootsPerDescribe,
      );
      if (a.inService > a.desired) a.inService = a.desired;
      return result;
    });
    on(asg, "autoscaling", UpdateAutoScalingGroupCommand, (input) => {
      s.asg.min = (input.MinSize as number) ?? s.asg.min;
      s.asg.desired = (input.DesiredCapacity as number) ?? s.asg.desired;
      s.asg.max = (input.MaxSize as number) ?? s.asg.max;
      if (s.asg.inService > s.asg.desired) s.asg.inService = s.asg.desired;
      return {};
    });
    const cw = stub(CloudWatchClient);
    on(cw, "cloudwatch", PutMetricDataCommand, (input) => {
      for (const m of input.MetricData as {
        MetricName: string;
        Value: number;
        Unit?: string;
        Dimensions?: { Name: string; Value: string }[];
      }[]) {
        s.metrics.push({
          name: m.MetricName,
          value: m.Value,
          ...(m.Unit ? { unit: m.Unit } : {}),
          dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])),
        });
      }
      return {};
    });
    // DisableAlarmActions (CloudWatch API Reference): the named alarms stop acting.
    // DescribeAlarms without AlarmNames lists every alarm of the account: none of ours here.
    on(cw, "cloudwatch", DescribeAlarmsCommand, (input) => ({
      MetricAlarms: ((input.AlarmNames as string[] | undefined) ?? []).map((name) => ({
        AlarmName: name,
        ActionsEnabled: !s.alarmsDisabled.includes(name),
      })),
    }));
    on(cw, "cloudwatch", DisableAlarmActionsCommand, (input) => {
      if (s.alarmActionsRefused) throw named(new Error("refused"), s.alarmActionsRefused);
      s.alarmsDisabled.push(...(input.AlarmNames as string[]));
      return {};
    });
    on(cw, "cloudwatch", GetMetricDataCommand, () => ({
      MetricDataResults: [{ Id: "lag", Values: [...s.lagValues] }],
    }));
    const sns = stub(SNSClient);
    on(sns, "sns", PublishCommand, (input) => {
      s.messages.push({ subject: input.Subject as string, message: input.Message as string });
      return { MessageId: `m-${s.messages.length}` };
    });
    const r53 = stub(Route53Client);
    on(r53, "route53", GetHealthCheckStatusCommand, () => {
      if (s.route53.fail)
        throw named(new Error("connect ETIMEDOUT route53.amazonaws.com"), "TimeoutError");
      return {
        HealthCheckObservations: (s.route53.observations ?? []).map((status, i) => ({
          Region: `checker-${i}`,
          IPAddress: `192.0.2.${i}`,
          StatusReport: { Status: status, CheckedTime: new Date() },
        })),
      };
    });
    on(r53, "route53", ChangeResourceRecordSetsCommand, () => ({ ChangeInfo: {} }));
    return this;
  }

  /** The clock the event filter uses; tests with a fake clock set it. */
  now: () => number = Date.now;

  private sourceEventsFor(input: Record<string, unknown>) {
    const since = this.now() - Number(input.Duration ?? 60) * 60_000;
    const categories = input.EventCategories as string[] | undefined;
    return this.state.sourceEvents.filter(
      (e) =>
        e.source === input.SourceIdentifier &&
        e.at >= since &&
        (!categories || (e.category !== undefined && categories.includes(e.category))),
    );
  }

  restore() {
    for (const s of this.stubs) s.restore();
    this.stubs = [];
    for (const release of this.hung) release();
    this.hung = [];
  }

  /** The state a test compares between runs: everything but the call log. */
  snapshot() {
    const { metrics, messages, ...rest } = structuredClone(this.state);
    return {
      ...rest,
      gateClosed: metrics.some((m) => m.name === "FailoverActive" && m.value === 1),
      capacityAlarm: metrics.some((m) => m.name === "PromotionCapacityNotReached"),
      notified: messages.length > 0,
    };
  }

  /**
   * DescribeReplicationGroups (ElastiCache API Reference): "Returns information about a particular
   * replication group. If no identifier is specified, DescribeReplicationGroups returns
   * information about all replication groups"; an unknown one is ReplicationGroupNotFoundFault.
   * Without one, another group of the account comes first here (pessimistic: no order is
   * documented).
   */
  private describeCache(identifier: string | undefined) {
    if (identifier !== undefined && identifier !== SIM_IDS.cacheGroup) {
      throw named(
        new Error(`Replication group ${identifier} not found`),
        "ReplicationGroupNotFoundFault",
      );
    }
    const other = {
      ReplicationGroupId: "reporting-cache",
      Status: "available",
      NodeGroups: [
        { NodeGroupId: "0001", PrimaryEndpoint: { Address: "reporting-cache.local", Port: 6379 } },
      ],
    };
    const c = this.state.cache;
    if (c.failoverHangs && c.pendingRole === "PRIMARY" && c.failoverAbandonAfter !== undefined) {
      if (c.failoverAbandonAfter-- <= 0) {
        c.pending = 0;
        c.pendingRole = undefined;
        c.status = "available";
        c.globalStatus = "available";
      }
    }
    if (c.pending > 0 && --c.pending === 0 && c.pendingRole) {
      c.role = c.pendingRole;
      c.status = "available";
      c.globalStatus = c.role === "standalone" ? "primary-only" : "available";
      if (c.role === "PRIMARY" && this.state.remote.replicating) {
        // A planned failover swaps roles with the data set intact.
        c.data = [...new Set([...c.data, ...this.state.remote.cacheData])];
      }
    }
    return {
      ReplicationGroups: [
        ...(identifier === undefined ? [other] : []),
        {
          ReplicationGroupId: SIM_IDS.cacheGroup,
          Status: c.status,
          GlobalReplicationGroupInfo:
            c.role === "standalone"
              ? undefined
              : {
                  GlobalReplicationGroupId: SIM_IDS.globalGroup,
                  GlobalReplicationGroupMemberRole: c.role,
                },
          NodeGroups: [
            {
              NodeGroupId: "0001",
              PrimaryEndpoint: { Address: SIM_IDS.cacheEndpoint, Port: 6379 },
            },
          ],
        },
      ],
    };
  }

  /**
   * DescribeDBInstances (RDS API Reference): with an identifier, that instance or
   * DBInstanceNotFound; without one, every instance of the account in the region, here another
   * instance first (pessimistic: the order is not documented).
   */
  private describeDb(identifier: string | undefined) {
    if (identifier !== undefined && identifier !== SIM_IDS.dbInstance) {
      throw named(new Error(`DBInstance ${identifier} not found`), "DBInstanceNotFoundFault");
    }
    const db = this.state.db;
    if (db.backingUp > 0) {
      db.backingUp--;
      db.status = db.backingUp > 0 ? "backing-up" : "available";
    } else if (db.pending > 0 && --db.pending === 0) {
      db.source = undefined;
      db.status = "available";
    }
    const other = {
      DBInstanceIdentifier: "reporting-db",
      DBInstanceStatus: "available",
      Endpoint: { Address: "reporting-db.abc.eu-west-1.rds.amazonaws.com", Port: 3306 },
    };
    return {
      DBInstances: [
        ...(identifier === undefined ? [other] : []),
        {
          DBInstanceIdentifier: SIM_IDS.dbInstance,
          DBInstanceStatus: db.status,
          ReadReplicaSourceDBInstanceIdentifier: db.source,
          Endpoint: { Address: SIM_IDS.dbEndpoint, Port: 3306 },
        },
      ],
    };
  }
}
