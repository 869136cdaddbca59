// A small simulated AWS behind aws-sdk-client-mock: the REAL SDK clients are used, their `send`
// is answered from the state below, and every call is recorded with the region of the client
// that made it. Faults are queued per command ("the next DescribeDBInstances hangs").
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  DeleteReplicationConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  ReplicationNotFound,
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
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
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
    /** "available" lets FailoverGlobalReplicationGroup through; anything else refuses it. */
    globalStatus: string;
    data: string[];
  };
  db: {
    source?: string;
    status: string;
    pending: number;
    /** Describes left while a backup runs. */
    backingUp: number;
    data: string[];
  };
  efs: {
    replication?: { source: string; status: string };
    localOnlyWorks: boolean;
    bothSidesWork: boolean;
  };
  ssm: Record<string, string>;
  asg: { min: number; desired: number; max: number; inService: number; bootsPerDescribe: number };
  /** Runs before each DescribeAutoScalingGroups: lets a test change the group meanwhile. */
  beforeAsgDescribe?: (asg: SimState["asg"]) => void;
  metrics: { name: string; value: number; dimensions: Record<string, string> }[];
  messages: { subject: string; message: string }[];
  /** ReplicaLag datapoints returned by GetMetricData. */
  lagValues: number[];
  route53: { observations?: string[]; fail?: boolean };
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
      localOnlyWorks: true,
      bothSidesWork: true,
    },
    ssm: {},
    asg: { min: 0, desired: 0, max: 12, inService: 0, bootsPerDescribe: 2 },
    metrics: [],
    messages: [],
    lagValues: [2],
    route53: { observations: ["Success: HTTP Status Code 200", "Success: HTTP Status Code 200"] },
    remote: { cacheData: [], dbData: [], replicating: true },
  };
}

const named = (error: Error, name: string) => Object.assign(error, { name });

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
      handler: (input: Record<string, unknown>) => unknown,
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
        if (fault === "pass") return handler(input);
        if (fault === "hang") return new Promise((resolve) => this.hung.push(() => resolve({})));
        if (fault instanceof Error) throw fault;
        if (typeof fault === "function") return fault(input);
        return handler(input);
      });
    };
    const stub = <T>(client: T) => {
      const s: AnyStub = mockClient(client as AnyStub);
      this.stubs.push(s);
      return s;
    };
    const s = this.state;
    const ec = stub(ElastiCacheClient);
    on(ec, "elasticache", DescribeReplicationGroupsCommand, () => this.describeCache());
    on(ec, "elasticache", FailoverGlobalReplicationGroupCommand, () => {
      if (s.cache.globalStatus !== "available" || s.cache.status !== "available") {
        throw new InvalidGlobalReplicationGroupStateFault({
          message: "The Global datastore is not available",
          $metadata: {},
        });
      }
      s.cache.status = "modifying";
      s.cache.pending = 1;
      s.cache.pendingRole = "PRIMARY";
      return { GlobalReplicationGroup: {} };
    });
    on(ec, "elasticache", DisassociateGlobalReplicationGroupCommand, () => {
      s.cache.status = "modifying";
      s.cache.pending = 1;
      s.cache.pendingRole = "standalone";
      s.remote.replicating = false;
      return { GlobalReplicationGroup: {} };
    });
    const rds = stub(RDSClient);
    on(rds, "rds", DescribeDBInstancesCommand, () => this.describeDb());
    on(rds, "rds", PromoteReadReplicaCommand, () => {
      if (!s.db.source || s.db.status !== "available") {
        throw new InvalidDBInstanceStateFault({
          message: `instance is ${s.db.status}`,
          $metadata: {},
        });
      }
      s.db.status = "modifying";
      s.db.pending = 2;
      return { DBInstance: {} };
    });
    const efs = stub(EFSClient);
    on(efs, "efs", DescribeReplicationConfigurationsCommand, () => {
      const r = s.efs.replication;
      if (!r) throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
      if (r.status === "DELETING") s.efs.replication = undefined; // finishes after one look
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
    on(efs, "efs", DeleteReplicationConfigurationCommand, (input) => {
      if (!s.efs.replication)
        throw new ReplicationNotFound({ message: "no replication", $metadata: {} });
      const localOnly = input.DeletionMode === "LOCAL_CONFIGURATION_ONLY";
      if (localOnly ? !s.efs.localOnlyWorks : !s.efs.bothSidesWork) {
        throw named(new Error("source region unreachable"), "InternalServerError");
      }
      s.efs.replication.status = "DELETING";
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
      s.ssm[input.Name as string] = input.Value as string;
      return { Version: 1 };
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
      a.inService = Math.min(a.desired, a.inService + a.bootsPerDescribe);
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
        Dimensions?: { Name: string; Value: string }[];
      }[]) {
        s.metrics.push({
          name: m.MetricName,
          value: m.Value,
          dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])),
        });
      }
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

  private describeCache() {
    const c = this.state.cache;
    if (c.pending > 0 && --c.pending === 0 && c.pendingRole) {
      c.role = c.pendingRole;
      c.status = "available";
      if (c.role === "PRIMARY" && this.state.remote.replicating) {
        // A planned failover swaps roles with the data set intact.
        c.data = [...new Set([...c.data, ...this.state.remote.cacheData])];
      }
    }
    return {
      ReplicationGroups: [
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

  private describeDb() {
    const db = this.state.db;
    if (db.backingUp > 0) {
      db.backingUp--;
      db.status = db.backingUp > 0 ? "backing-up" : "available";
    } else if (db.pending > 0 && --db.pending === 0) {
      db.source = undefined;
      db.status = "available";
    }
    return {
      DBInstances: [
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
