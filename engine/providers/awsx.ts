// The simulated awsx provider plugin ("awsx"): `awsx:ec2:Vpc` is a remote component, so on every
// preview and up the engine asks this plugin to construct it. Like the real awsx (pulumi-awsx
// awsx/ec2/vpc.ts), the component registers real aws children, which the engine sends to the
// (simulated) aws plugin: the VPC; its internet gateway; per availability zone and subnet spec a
// subnet `<vpc>-<type>-<az number>` with its route table and association; per public subnet (NAT
// strategy OnePerAz) an EIP and a NAT gateway `<vpc>-<az number>`; a default route to the internet
// gateway (public) or the zone's NAT gateway (private). The outputs hold resource references.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { layoutSubnets, type SubnetSpec } from "./subnetLayout";

export const VPC_TYPE = "awsx:ec2:Vpc";

interface VpcInputs {
  cidrBlock?: string;
  numberOfAvailabilityZones?: number;
  enableDnsHostnames?: boolean;
  enableDnsSupport?: boolean;
  natGateways?: { strategy?: string };
  subnetStrategy?: string;
  subnetSpecs?: SubnetSpec[];
  tags?: Record<string, string>;
}

/** A construct input's value (they arrive as Outputs); the Vpc's inputs are known in a preview too. */
function valueOf<T>(input: pulumi.Input<T> | undefined): Promise<pulumi.Unwrap<T> | undefined> {
  if (input === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    pulumi.output(input).apply((v) => resolve(v as pulumi.Unwrap<T>)),
  );
}

async function resolveInputs(inputs: pulumi.Inputs): Promise<VpcInputs> {
  const keys: (keyof VpcInputs)[] = [
    "cidrBlock",
    "numberOfAvailabilityZones",
    "enableDnsHostnames",
    "enableDnsSupport",
    "natGateways",
    "subnetStrategy",
    "subnetSpecs",
    "tags",
  ];
  const values = await Promise.all(keys.map((k) => valueOf(inputs[k])));
  return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as VpcInputs;
}

class Vpc extends pulumi.ComponentResource {
  /** The component's outputs, as awsx's schema names them (resource references included). */
  readonly outputs: pulumi.Inputs;

  constructor(name: string, args: VpcInputs, opts: pulumi.ComponentResourceOptions) {
    super(VPC_TYPE, name, {}, opts);
    const strategy = args.natGateways?.strategy ?? "OnePerAz";
    if (strategy !== "OnePerAz") {
      throw new Error(`simulated awsx: NAT gateway strategy ${strategy} is not simulated`);
    }
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const sharedTags = { Name: name, ...args.tags };
    const vpc = new aws.ec2.Vpc(
      name,
      {
        cidrBlock,
        enableDnsHostnames: args.enableDnsHostnames,
        enableDnsSupport: args.enableDnsSupport,
        tags: sharedTags,
      },
      { parent: this },
    );
    const igw = new aws.ec2.InternetGateway(
      name,
      { vpcId: vpc.id, tags: sharedTags },
      { parent: vpc, dependsOn: [vpc] },
    );
    const zones = aws.getAvailabilityZonesOutput({}, { parent: this }).names;
    const count = args.numberOfAvailabilityZones ?? 3;
    const specs = args.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }];
    const layout = layoutSubnets(cidrBlock, count, specs);

    const subnets: aws.ec2.Subnet[] = [];
    const byType: Record<string, aws.ec2.Subnet[]> = { public: [], private: [], isolated: [] };
    const routeTables: aws.ec2.RouteTable[] = [];
    const associations: aws.ec2.RouteTableAssociation[] = [];
    const routes: aws.ec2.Route[] = [];
    const natGateways: aws.ec2.NatGateway[] = [];
    const eips: aws.ec2.Eip[] = [];
    for (const planned of layout) {
      const type = planned.type.toLowerCase();
      const subnetName = `${name}-${type}-${planned.zone + 1}`;
      const tags = { ...sharedTags, Name: subnetName, SubnetType: planned.type };
      const subnet = new aws.ec2.Subnet(
        subnetName,
        {
          vpcId: vpc.id,
          availabilityZone: zones.apply((names) => names[planned.zone]),
          mapPublicIpOnLaunch: type === "public",
          cidrBlock: planned.cidrBlock,
          tags,
        },
        { parent: vpc, dependsOn: [vpc] },
      );
      subnets.push(subnet);
      byType[type].push(subnet);
      const routeTable = new aws.ec2.RouteTable(
        subnetName,
        { vpcId: vpc.id, tags },
        { parent: subnet, dependsOn: [subnet] },
      );
      routeTables.push(routeTable);
      associations.push(
        new aws.ec2.RouteTableAssociation(
          subnetName,
          { routeTableId: routeTable.id, subnetId: subnet.id },
          { parent: routeTable, dependsOn: [routeTable] },
        ),
      );
      if (type === "public") {
        const natName = `${name}-${planned.zone + 1}`;
        const eip = new aws.ec2.Eip(
          natName,
          { tags: { ...args.tags, Name: natName } },
          { parent: subnet, dependsOn: [subnet] },
        );
        eips.push(eip);
        natGateways.push(
          new aws.ec2.NatGateway(
            natName,
            {
              subnetId: subnet.id,
              allocationId: eip.allocationId,
              tags: { ...args.tags, Name: natName },
            },
            { parent: subnet, dependsOn: [subnet] },
          ),
        );
        routes.push(
          new aws.ec2.Route(
            subnetName,
            { routeTableId: routeTable.id, gatewayId: igw.id, destinationCidrBlock: "0.0.0.0/0" },
            { parent: routeTable, dependsOn: [routeTable] },
          ),
        );
      } else if (type === "private") {
        routes.push(
          new aws.ec2.Route(
            subnetName,
            {
              routeTableId: routeTable.id,
              natGatewayId: natGateways[planned.zone].id,
              destinationCidrBlock: "0.0.0.0/0",
            },
            { parent: routeTable, dependsOn: [routeTable] },
          ),
        );
      }
    }
    const ids = (list: aws.ec2.Subnet[]) => pulumi.all(list.map((s) => s.id));
    const state = {
      vpc,
      vpcId: vpc.id,
      internetGateway: igw,
      subnets,
      publicSubnets: byType.public,
      privateSubnets: byType.private,
      isolatedSubnets: byType.isolated,
      publicSubnetIds: ids(byType.public),
      privateSubnetIds: ids(byType.private),
      isolatedSubnetIds: ids(byType.isolated),
      routeTables,
      routeTableAssociations: associations,
      routes,
      natGateways,
      eips,
      vpcEndpoints: [],
      subnetLayout: specs,
    };
    this.outputs = state;
    this.registerOutputs(state);
  }
}

export class SimulatedAwsx implements provider.Provider {
  constructor(readonly version: string) {}

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    if (type !== VPC_TYPE) throw new Error(`simulated awsx: unknown component ${type}`);
    const vpc = new Vpc(name, await resolveInputs(inputs), options);
    return { urn: vpc.urn, state: vpc.outputs };
  }
}
