// What AWS would answer, offline: the outputs a provider returns for each resource type the
// program creates and for each invoke it makes. Values are deterministic (derived from the
// resource's name) so two runs of the same program produce the same plan. An invoke this file
// does not know is an error: a new data-source call must be mocked on purpose, not by accident.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

export const MOCK_ACCOUNT_ID = "123456789012";

/** Route 53 hosted zone ids of Application Load Balancers, per region (AWS General Reference). */
const ALB_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-central-1": "Z215JYRZR1TBD5",
};

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Outputs of peer stacks, keyed by fully-qualified stack name, for `StackReference`s. */
export type PeerOutputs = Record<string, Record<string, unknown>>;

/**
 * `preview`: the first `pulumi preview` of a new stack, where nothing exists yet; `deployed`: the
 * stack as it stands after `pulumi up`, every value AWS assigns known.
 */
export type PlanMode = "preview" | "deployed";

/**
 * The engine's marker for a value not known until the resource exists (Pulumi's
 * `plugin.UnknownStringValue`); the runtime reads it back as unknown during a preview.
 */
export const UNKNOWN_MARKER: string = pulumi.runtime.unknownValue;

const RULE_TYPES = new Set([
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
]);
const RULE_DESTINATIONS = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];

/**
 * EC2 refuses a security group rule that does not name exactly one peer: "You must specify exactly
 * one of the following destinations: an IPv4 address range, an IPv6 address range, a prefix list,
 * or a security group" (AWS::EC2::SecurityGroupEgress, CloudFormation reference; the same for
 * ingress). A rule whose peer resolved to nothing would otherwise plan cleanly and fail at `up`.
 * In a preview a peer not yet known (the unknown marker) counts as named.
 */
function assertOneRuleDestination(name: string, inputs: Record<string, unknown>): void {
  const named = RULE_DESTINATIONS.filter((k) => inputs[k] !== undefined && inputs[k] !== "");
  if (named.length !== 1) {
    throw new Error(
      `offline plan: security group rule "${name}" names ${named.length === 0 ? "no" : named.join(" and ")} ` +
        `destination; EC2 needs exactly one of ${RULE_DESTINATIONS.join(", ")}`,
    );
  }
}

export class MockCloud implements pulumi.runtime.Mocks {
  constructor(
    private readonly stackRegion: string,
    private readonly peerStacks: PeerOutputs,
    private readonly mode: PlanMode = "deployed",
  ) {}

  /**
   * What a preview of a create shows: the provider's Check result, i.e. the inputs plus the
   * autonamed `name` (pulumi-aws assigns it in Check, so it is known), and nothing AWS assigns.
   * Top-level properties left out resolve as unknown (the runtime does that for every output
   * missing during a dry run, and an empty id is unknown too); computed properties nested in an
   * input object are marked explicitly.
   */
  private previewOf(args: pulumi.runtime.MockResourceArgs, physicalName: string) {
    const inputs = args.inputs ?? {};
    const state: Record<string, unknown> = { ...inputs };
    if (args.custom !== false && typeof inputs.name !== "string") state.name = physicalName;
    if (args.type === "aws:efs/replicationConfiguration:ReplicationConfiguration") {
      const destination = (inputs.destination ?? {}) as Record<string, unknown>;
      state.destination = {
        ...destination,
        fileSystemId: destination.fileSystemId ?? UNKNOWN_MARKER,
        status: UNKNOWN_MARKER,
      };
    }
    return { id: undefined, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const region = (args.inputs?.region as string | undefined) ?? this.stackRegion;
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT_ID,
          arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-plan`,
          userId: "AIDAOFFLINEPLAN",
          id: MOCK_ACCOUNT_ID,
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      case "aws:index/getRegion:getRegion":
        return { name: region, region, id: region };
      case "aws:ec2/getRouteTables:getRouteTables":
        return {
          ids: [0, 1, 2, 3, 4, 5].map((i) => `rtb-${hex(`${region}-rtb-${i}`, 17)}`),
          id: region,
        };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        // Three zones: every region this project deploys to has at least three (the simulator
        // offers the fewest a supported region has, so a program needing more fails here).
        return {
          names: ["a", "b", "c"].map((zone) => `${region}${zone}`),
          zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "").slice(0, 4)}-az${n}`),
          id: region,
        };
      case "aws:elb/getServiceAccount:getServiceAccount":
        return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
      default:
        throw new Error(
          `offline plan: invoke ${args.token} is not mocked; add it to plan/mockCloud.ts on purpose`,
        );
    }
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    const inputs = args.inputs ?? {};
    const region = (inputs.region as string | undefined) ?? this.stackRegion;
    const seed = `${region}/${args.type}/${args.name}`;
    const physicalName = (inputs.name as string | undefined) ?? `${args.name}-${hex(seed, 7)}`;
    const [, moduleAndType = ""] = args.type.split(":");
    const service = moduleAndType.split("/")[0].toLowerCase();
    const arn = `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${args.name}/${physicalName}`;
    const base = { ...inputs, arn, name: physicalName };
    const id = (prefix: string, length = 17) => `${prefix}${hex(seed, length)}`;
    if (RULE_TYPES.has(args.type)) assertOneRuleDestination(args.name, inputs);
    // A StackReference reads a stack that exists (the home stack is deployed first): known.
    if (this.mode === "preview" && args.type !== "pulumi:pulumi:StackReference") {
      return this.previewOf(args, physicalName);
    }

    switch (args.type) {
      case "pulumi:pulumi:StackReference": {
        const stackName = (inputs.name as string) ?? args.id;
        const outputs = this.peerStacks[stackName];
        if (!outputs) {
          throw new Error(`offline plan: no outputs known for peer stack "${stackName}"`);
        }
        return { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
      }
      case "awsx:ec2:Vpc": {
        const subnets = (tier: string) =>
          [0, 1, 2].map((i) => `subnet-${hex(`${seed}-${tier}-${i}`, 17)}`);
        return {
          id: undefined,
          state: {
            vpcId: id("vpc-"),
            publicSubnetIds: subnets("public"),
            privateSubnetIds: subnets("private"),
            isolatedSubnetIds: subnets("isolated"),
          },
        };
      }
      case "aws:lb/loadBalancer:LoadBalancer":
        return {
          id: arn,
          state: {
            ...base,
            dnsName: `${physicalName}-${hex(seed, 8)}.${region}.elb.amazonaws.com`,
            zoneId: ALB_ZONE_IDS[region] ?? "Z00000000000000ALB",
            arnSuffix: `app/${physicalName}/${hex(seed, 16)}`,
          },
        };
      case "aws:lb/targetGroup:TargetGroup":
        return {
          id: arn,
          state: { ...base, arnSuffix: `targetgroup/${physicalName}/${hex(seed, 16)}` },
        };
      case "aws:acm/certificate:Certificate":
        return {
          id: arn,
          state: {
            ...base,
            domainValidationOptions: [
              inputs.domainName,
              ...((inputs.subjectAlternativeNames as string[]) ?? []),
            ].map((domainName) => ({
              domainName,
              resourceRecordName: `_${hex(String(domainName), 32)}.${domainName}.`,
              resourceRecordType: "CNAME",
              resourceRecordValue: `_${hex(`${domainName}-v`, 32)}.acm-validations.aws.`,
            })),
          },
        };
      case "aws:ec2/securityGroup:SecurityGroup":
        return { id: id("sg-"), state: { ...base } };
      // The VPC resources awsx's Vpc registers (the engine tests construct it for real).
      case "aws:ec2/vpc:Vpc":
        return { id: id("vpc-"), state: { ...base } };
      case "aws:ec2/subnet:Subnet":
        return { id: id("subnet-"), state: { ...base } };
      case "aws:ec2/routeTable:RouteTable":
        return { id: id("rtb-"), state: { ...base } };
      case "aws:ec2/internetGateway:InternetGateway":
        return { id: id("igw-"), state: { ...base } };
      case "aws:ec2/natGateway:NatGateway":
        return { id: id("nat-"), state: { ...base } };
      case "aws:ec2/eip:Eip":
        return {
          id: id("eipalloc-"),
          state: {
            ...base,
            allocationId: id("eipalloc-"),
            publicIp: `198.51.100.${parseInt(hex(seed, 2), 16) % 254 || 1}`,
          },
        };
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return { id: id("lt-"), state: { ...base, latestVersion: 1 } };
      case "aws:ec2/vpcEndpoint:VpcEndpoint":
        // A gateway endpoint exposes its service's AWS-managed prefix list (`prefix_list_id`,
        // computed: "The prefix list ID of the exposed AWS service", provider schema); one list
        // per service and region, so the id is seeded by the service name, not the resource.
        return {
          id: id("vpce-"),
          state: {
            ...base,
            ...(inputs.vpcEndpointType === "Gateway"
              ? { prefixListId: `pl-${hex(String(inputs.serviceName), 8)}` }
              : {}),
          },
        };
      case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return { id: id("sgr-"), state: { ...base } };
      case "aws:efs/fileSystem:FileSystem":
        return {
          id: id("fs-"),
          state: { ...base, dnsName: `${id("fs-")}.efs.${region}.amazonaws.com` },
        };
      case "aws:efs/replicationConfiguration:ReplicationConfiguration": {
        const destination = (inputs.destination ?? {}) as Record<string, unknown>;
        return {
          id: String(inputs.sourceFileSystemId),
          state: {
            ...base,
            destination: {
              ...destination,
              fileSystemId: destination.fileSystemId ?? `fs-${hex(`${seed}-replica`, 17)}`,
              status: "ENABLED",
            },
          },
        };
      }
      case "aws:efs/accessPoint:AccessPoint":
        return { id: id("fsap-"), state: { ...base } };
      case "aws:rds/instance:Instance": {
        const identifier = (inputs.identifier as string | undefined) ?? physicalName;
        const address = `${identifier}.${hex(seed, 12)}.${region}.rds.amazonaws.com`;
        return {
          id: identifier,
          state: {
            ...base,
            identifier,
            address,
            endpoint: `${address}:3306`,
            port: 3306,
            arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT_ID}:db:${identifier}`,
            masterUserSecrets: inputs.manageMasterUserPassword
              ? [
                  {
                    secretArn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:rds!db-${hex(seed, 8)}`,
                    secretStatus: "active",
                  },
                ]
              : [],
          },
        };
      }
      case "aws:elasticache/replicationGroup:ReplicationGroup": {
        const groupId = (inputs.replicationGroupId as string | undefined) ?? physicalName;
        return {
          id: groupId,
          state: {
            ...base,
            replicationGroupId: groupId,
            arn: `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:replicationgroup:${groupId}`,
            primaryEndpointAddress: `master.${groupId}.${hex(seed, 6)}.${region}.cache.amazonaws.com`,
            readerEndpointAddress: `replica.${groupId}.${hex(seed, 6)}.${region}.cache.amazonaws.com`,
            port: 6379,
          },
        };
      }
      case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": {
        // ElastiCache prefixes the suffix with a fixed per-account-and-region string.
        const globalId = `ldgnf-${inputs.globalReplicationGroupIdSuffix}`;
        return {
          id: globalId,
          state: {
            ...base,
            globalReplicationGroupId: globalId,
            arn: `arn:aws:elasticache::${MOCK_ACCOUNT_ID}:globalreplicationgroup:${globalId}`,
          },
        };
      }
      case "aws:opensearch/domain:Domain": {
        const domainName = (inputs.domainName as string | undefined) ?? physicalName;
        return {
          id: domainName,
          state: {
            ...base,
            domainName,
            arn: `arn:aws:es:${region}:${MOCK_ACCOUNT_ID}:domain/${domainName}`,
            endpoint: `vpc-${domainName}-${hex(seed, 26)}.${region}.es.amazonaws.com`,
          },
        };
      }
      case "aws:dynamodb/table:Table":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:dynamodb:${region}:${MOCK_ACCOUNT_ID}:table/${physicalName}`,
            streamArn: `arn:aws:dynamodb:${region}:${MOCK_ACCOUNT_ID}:table/${physicalName}/stream/2026-01-01T00:00:00.000`,
          },
        };
      case "aws:kms/key:Key": {
        const keyId = `${hex(seed, 8)}-${hex(seed + 1, 4)}-${hex(seed + 2, 4)}-${hex(seed + 3, 4)}-${hex(seed + 4, 12)}`;
        return {
          id: keyId,
          state: { ...base, keyId, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${keyId}` },
        };
      }
      case "aws:iam/role:Role":
      case "aws:iam/instanceProfile:InstanceProfile":
      case "aws:iam/policy:Policy": {
        const kind = args.type.split(":")[2].replace(/^./, (c) => c.toLowerCase());
        const iamKind = kind === "instanceProfile" ? "instance-profile" : kind;
        return {
          id: physicalName,
          state: { ...base, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:${iamKind}/${physicalName}` },
        };
      }
      case "aws:lambda/function:Function":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:lambda:${region}:${MOCK_ACCOUNT_ID}:function:${physicalName}`,
            invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${MOCK_ACCOUNT_ID}:function:${physicalName}/invocations`,
          },
        };
      case "aws:sns/topic:Topic":
        return {
          id: `arn:aws:sns:${region}:${MOCK_ACCOUNT_ID}:${physicalName}`,
          state: { ...base, arn: `arn:aws:sns:${region}:${MOCK_ACCOUNT_ID}:${physicalName}` },
        };
      case "aws:sqs/queue:Queue":
        return {
          id: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physicalName}`,
          state: { ...base, arn: `arn:aws:sqs:${region}:${MOCK_ACCOUNT_ID}:${physicalName}` },
        };
      case "aws:ssm/parameter:Parameter":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:ssm:${region}:${MOCK_ACCOUNT_ID}:parameter${physicalName}`,
          },
        };
      case "aws:cloudwatch/logGroup:LogGroup":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${physicalName}`,
          },
        };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:cloudwatch:${region}:${MOCK_ACCOUNT_ID}:alarm:${physicalName}`,
          },
        };
      case "aws:cloudwatch/eventRule:EventRule":
        return {
          id: physicalName,
          state: {
            ...base,
            arn: `arn:aws:events:${region}:${MOCK_ACCOUNT_ID}:rule/${physicalName}`,
          },
        };
      case "aws:route53/record:Record": {
        // The provider computes fqdn (the record's name without the trailing dot); the id is
        // <zone id>_<name>_<type>[_<set identifier>] (terraform-provider-aws route53 record).
        const recordName = String(inputs.name ?? args.name)
          .replace(/\.$/, "")
          .toLowerCase();
        const setId = inputs.setIdentifier ? `_${inputs.setIdentifier}` : "";
        return {
          id: `${inputs.zoneId}_${recordName}_${inputs.type}${setId}`,
          state: { ...base, fqdn: recordName },
        };
      }
      case "aws:route53/healthCheck:HealthCheck":
        return {
          id: `${hex(seed, 8)}-${hex(seed + "a", 4)}-${hex(seed + "b", 4)}-${hex(seed + "c", 12)}`,
          state: { ...base },
        };
      case "aws:s3/bucket:Bucket":
      case "aws:s3/bucketV2:BucketV2": {
        const bucket = (inputs.bucket as string | undefined) ?? physicalName;
        return { id: bucket, state: { ...base, bucket, arn: `arn:aws:s3:::${bucket}` } };
      }
      case "random:index/randomPassword:RandomPassword":
        return {
          id: args.name,
          state: { ...inputs, result: hex(`${seed}-password`, Number(inputs.length ?? 32)) },
        };
      case "aws:secretsmanager/secret:Secret":
        return {
          id: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${physicalName}-${hex(seed, 6)}`,
          state: {
            ...base,
            arn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${physicalName}-${hex(seed, 6)}`,
          },
        };
      case "aws:secretsmanager/secretVersion:SecretVersion": {
        // The provider computes the version's id; a new value is a new version (what the search
        // users' deployment check is re-run on, components/searchReplicationAutomation.ts).
        const versionId = hex(`${seed}-${JSON.stringify(inputs.secretString ?? "")}`, 32);
        return { id: `${String(inputs.secretId)}|${versionId}`, state: { ...base, versionId } };
      }
      default:
        return { id: id(`${args.name}-`, 8), state: base };
    }
  }
}
