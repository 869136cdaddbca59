import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { HEALTH_PORT } from "./healthPaths";

/** Ports each tier listens on; the security groups open exactly these, tier to tier. */
export const TIER_PORTS = {
  http: 80,
  https: 443,
  mysql: 3306,
  redis: 6379,
  nfs: 2049,
} as const;

/**
 * AWS APIs the failover Lambdas and the instances call from private subnets. Interface endpoints
 * keep those calls inside the region: a failover must not depend on a NAT gateway path to the
 * public service endpoints.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ssm",
  "sts",
  "logs",
  "monitoring",
  "sns",
  "elasticache",
  "rds",
  "autoscaling",
  "elasticfilesystem",
  "ec2",
] as const;

export interface RegionalNetworkArgs {
  /** The VPC's /16; plain because it decides the subnet layout. */
  cidrBlock: string;
  /** Region of the VPC, for the endpoint service names. */
  region: string;
  /**
   * Number of availability zones.
   * @default 3
   */
  availabilityZones?: number;
  /**
   * Where the Magento instances may open HTTPS besides the stack's own data stores and VPC
   * endpoints (payment and shipping integrations): IPv4 CIDRs and managed prefix list ids.
   * @default { cidrs: ["0.0.0.0/0"], prefixListIds: [] }
   */
  appEgressHttps?: { cidrs: string[]; prefixListIds: string[] };
}

/**
 * A region's network: a VPC over three AZs with public (ALB), private (application, Lambdas,
 * endpoints) and isolated (data tier) subnets, a NAT gateway per AZ so losing an AZ never cuts the
 * others off, VPC endpoints for the AWS APIs, and one security group per tier that admits only the
 * tier in front of it.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly isolatedSubnetIds: pulumi.Output<string[]>;
  public readonly albSecurityGroupId: pulumi.Output<string>;
  public readonly appSecurityGroupId: pulumi.Output<string>;
  public readonly lambdaSecurityGroupId: pulumi.Output<string>;
  public readonly databaseSecurityGroupId: pulumi.Output<string>;
  public readonly cacheSecurityGroupId: pulumi.Output<string>;
  public readonly searchSecurityGroupId: pulumi.Output<string>;
  public readonly fileSystemSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:network:RegionalNetwork", name, {}, opts);
    const availabilityZones = args.availabilityZones ?? 3;
    if (availabilityZones < 3) {
      throw new Error(
        `RegionalNetwork ${name}: availabilityZones = ${availabilityZones}; expected at least 3 ` +
          "(OpenSearch zone awareness and Multi-AZ data stores need three)",
      );
    }

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        numberOfAvailabilityZones: availabilityZones,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        natGateways: { strategy: awsx.ec2.NatGatewayStrategy.OnePerAz },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs: [
          { type: awsx.ec2.SubnetType.Public, cidrMask: 24 },
          { type: awsx.ec2.SubnetType.Private, cidrMask: 19 },
          { type: awsx.ec2.SubnetType.Isolated, cidrMask: 24 },
        ],
        tags: { Name: `${name}-vpc` },
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.isolatedSubnetIds = vpc.isolatedSubnetIds;

    const group = (
      tier: string,
      description: string,
      ingress: aws.types.input.ec2.SecurityGroupIngress[],
      egress: aws.types.input.ec2.SecurityGroupEgress[] | undefined,
    ) =>
      new aws.ec2.SecurityGroup(
        `${name}-${tier}`,
        { vpcId: vpc.vpcId, description, ingress, egress, tags: { Name: `${name}-${tier}` } },
        { parent: this },
      );
    const tcp = (port: number, description: string) => ({
      protocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
    const anywhere = { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] };
    const insideVpc = { cidrBlocks: [args.cidrBlock] };

    const alb = group(
      "alb",
      "Public HTTPS (and HTTP that only redirects) to the Magento load balancer",
      [
        { ...tcp(TIER_PORTS.https, "HTTPS from the internet"), ...anywhere },
        { ...tcp(TIER_PORTS.http, "HTTP from the internet, redirected to HTTPS"), ...anywhere },
      ],
      [
        { ...tcp(TIER_PORTS.http, "to the Magento instances"), ...insideVpc },
        { ...tcp(HEALTH_PORT, "to the instances' health server"), ...insideVpc },
      ],
    );
    const app = group(
      "app",
      "Magento instances: only the load balancer may connect",
      [
        { ...tcp(TIER_PORTS.http, "from the load balancer"), securityGroups: [alb.id] },
        // The health server (healthPaths.ts): nginx without PHP, for the shallow signal.
        { ...tcp(HEALTH_PORT, "health server, from the load balancer"), securityGroups: [alb.id] },
      ],
      // Rules of their own (appEgress below): they name the data tiers' groups, which name this one.
      undefined,
    );
    const lambda = group(
      "lambda",
      "Failover automation Lambdas: no inbound; AWS APIs, data stores and the peer region's health endpoint",
      [],
      [
        {
          ...tcp(TIER_PORTS.https, "AWS APIs, search and the peer region's health endpoint"),
          ...anywhere,
        },
        { ...tcp(TIER_PORTS.mysql, "database checks"), ...insideVpc },
        { ...tcp(TIER_PORTS.redis, "cache checks"), ...insideVpc },
      ],
    );
    const clients = [app.id, lambda.id];
    const dataTier = (tier: string, port: number, what: string) =>
      group(
        tier,
        `${what}: only the Magento instances and the failover Lambdas may connect`,
        [
          {
            ...tcp(port, `${what} from the application tier and the failover Lambdas`),
            securityGroups: clients,
          },
        ],
        [],
      );
    const database = dataTier("db", TIER_PORTS.mysql, "MySQL");
    const cache = dataTier("cache", TIER_PORTS.redis, "Redis");
    const search = dataTier("search", TIER_PORTS.https, "OpenSearch");
    const fileSystem = group(
      "efs",
      "EFS mount targets: only the Magento instances may mount",
      [{ ...tcp(TIER_PORTS.nfs, "NFS from the application tier"), securityGroups: [app.id] }],
      [],
    );
    const endpoints = group(
      "endpoints",
      "Interface VPC endpoints: HTTPS from inside the VPC",
      [{ ...tcp(TIER_PORTS.https, "AWS API calls from the VPC"), ...insideVpc }],
      [],
    );

    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId: vpc.vpcId,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: vpc.privateSubnetIds,
          securityGroupIds: [endpoints.id],
          tags: { Name: `${name}-${service}` },
        },
        { parent: this },
      );
    }
    // A gateway endpoint is attached to route tables; awsx creates them inside the VPC component,
    // so they are looked up once the VPC exists.
    const routeTables = aws.ec2.getRouteTablesOutput({ vpcId: vpc.vpcId }, { parent: this });
    const dynamodb = new aws.ec2.VpcEndpoint(
      `${name}-dynamodb`,
      {
        vpcId: vpc.vpcId,
        serviceName: `com.amazonaws.${args.region}.dynamodb`,
        vpcEndpointType: "Gateway",
        routeTableIds: routeTables.ids,
        tags: { Name: `${name}-dynamodb` },
      },
      { parent: this },
    );

    this.appEgress(name, app, {
      targets: [
        [TIER_PORTS.mysql, "db", { referencedSecurityGroupId: database.id }],
        [TIER_PORTS.redis, "cache", { referencedSecurityGroupId: cache.id }],
        [TIER_PORTS.nfs, "efs", { referencedSecurityGroupId: fileSystem.id }],
        [TIER_PORTS.https, "search", { referencedSecurityGroupId: search.id }],
        [TIER_PORTS.https, "endpoints", { referencedSecurityGroupId: endpoints.id }],
        [TIER_PORTS.https, "dynamodb", { prefixListId: dynamodb.prefixListId }],
      ],
      https: args.appEgressHttps ?? { cidrs: ["0.0.0.0/0"], prefixListIds: [] },
    });

    this.albSecurityGroupId = alb.id;
    this.appSecurityGroupId = app.id;
    this.lambdaSecurityGroupId = lambda.id;
    this.databaseSecurityGroupId = database.id;
    this.cacheSecurityGroupId = cache.id;
    this.searchSecurityGroupId = search.id;
    this.fileSystemSecurityGroupId = fileSystem.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
    });
  }

  /**
   * What a Magento instance may open: each data tier on its own port, the VPC endpoints, the
   * DynamoDB gateway endpoint, and HTTPS to the configured integrations. Every other destination
   * and port is closed, so a redirected endpoint parameter cannot reach a host of its writer's
   * choosing on the Redis, MySQL or NFS ports. (A security group created by the provider loses
   * AWS's default allow-all egress rule; these rules are then all there is.)
   */
  private appEgress(
    name: string,
    app: aws.ec2.SecurityGroup,
    args: {
      targets: [
        number,
        string,
        { referencedSecurityGroupId?: pulumi.Input<string>; prefixListId?: pulumi.Input<string> },
      ][];
      https: { cidrs: string[]; prefixListIds: string[] };
    },
  ): void {
    const rule = (
      suffix: string,
      port: number,
      description: string,
      to: {
        referencedSecurityGroupId?: pulumi.Input<string>;
        prefixListId?: pulumi.Input<string>;
        cidrIpv4?: string;
      },
    ) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-app-to-${suffix}`,
        {
          securityGroupId: app.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description,
          ...to,
        },
        { parent: this },
      );
    for (const [port, tier, to] of args.targets) rule(tier, port, `Magento to ${tier}`, to);
    args.https.cidrs.forEach((cidrIpv4, i) =>
      rule(`https-${i}`, TIER_PORTS.https, "HTTPS to integrations (payments, shipping)", {
        cidrIpv4,
      }),
    );
    args.https.prefixListIds.forEach((prefixListId, i) =>
      rule(`https-pl-${i}`, TIER_PORTS.https, "HTTPS to integrations (payments, shipping)", {
        prefixListId,
      }),
    );
  }
}
