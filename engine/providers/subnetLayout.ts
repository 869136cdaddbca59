// Subnet CIDRs for the simulated awsx Vpc: each availability zone gets an equal, aligned share of
// the VPC's block, and inside it the specs are placed largest first, each aligned to its own size,
// so no two subnets overlap and every subnet lies inside the VPC. This is a valid layout of the
// requested masks, not necessarily the exact addresses awsx's "Auto" allocator picks.

export interface SubnetSpec {
  type: string;
  cidrMask?: number;
}

export interface PlannedSubnet {
  type: string;
  zone: number;
  cidrBlock: string;
}

function parse(cidr: string): { base: number; bits: number } {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) throw new Error(`simulated awsx: ${cidr} is not an IPv4 CIDR block`);
  const [a, b, c, d] = match.slice(1, 5).map(Number);
  return { base: ((a << 24) >>> 0) + (b << 16) + (c << 8) + d, bits: Number(match[5]) };
}

function format(address: number, bits: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}/${bits}`;
}

/** Subnets in the order awsx registers them: zone by zone, public, private, isolated. */
export function layoutSubnets(
  vpcCidr: string,
  zones: number,
  specs: SubnetSpec[],
): PlannedSubnet[] {
  const { base, bits } = parse(vpcCidr);
  const zoneBits = bits + Math.ceil(Math.log2(Math.max(zones, 1)));
  const zoneSize = 2 ** (32 - zoneBits);
  const order = ["public", "private", "isolated"];
  const result: PlannedSubnet[] = [];
  for (let zone = 0; zone < zones; zone++) {
    const zoneBase = base + zone * zoneSize;
    let cursor = 0;
    const placed = new Map<SubnetSpec, string>();
    for (const spec of [...specs].sort((x, y) => (x.cidrMask ?? 24) - (y.cidrMask ?? 24))) {
      const size = 2 ** (32 - (spec.cidrMask ?? 24));
      cursor = Math.ceil(cursor / size) * size;
      if (cursor + size > zoneSize) {
        throw new Error(`simulated awsx: the subnets of zone ${zone + 1} do not fit in ${vpcCidr}`);
      }
      placed.set(spec, format(zoneBase + cursor, spec.cidrMask ?? 24));
      cursor += size;
    }
    for (const spec of [...specs].sort(
      (x, y) => order.indexOf(x.type.toLowerCase()) - order.indexOf(y.type.toLowerCase()),
    )) {
      result.push({ type: spec.type, zone, cidrBlock: placed.get(spec)! });
    }
  }
  return result;
}
