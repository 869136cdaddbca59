import * as pulumi from "@pulumi/pulumi";

// A region's resource tree, grouped for reading (`pulumi stack --show-urns`, the console):
//   RegionStack
//   ├─ RegionalNetwork                          the VPC and security groups
//   ├─ DataTier           <region>-data-tier    key, database, cache, media, search, sessions, secrets
//   ├─ Serving            <region>-serving      ALB + instances, DNS records, Magento's endpoints
//   ├─ Operations         <region>-operations   notifications, alarms, the fence, tier automation,
//   │                                           the RPO heartbeat's reader
//   └─ StandbyAutomation  <region>-standby      (standby only) authority table, failover functions
// The parts were added after the first deployments: every resource moved into one names the
// region stack as its former parent (an alias), and its children follow it, so no deployed URN
// changes (test/deployedUrns.test.ts).

/**
 * The tree as it was before the parts (every resource directly under the region stack). Only the
 * engine tests set it: they deploy that tree, then preview this one and see no change.
 */
export const FORMER_TREE = { flat: false };

export type RegionPartKind = "DataTier" | "Serving" | "Operations" | "StandbyAutomation";

export class RegionPart extends pulumi.ComponentResource {
  constructor(kind: RegionPartKind, name: string, opts: pulumi.ComponentResourceOptions) {
    super(`magento-dr:region:${kind}`, name, {}, opts);
    this.registerOutputs({});
  }

  /** Options for a resource moved here from `formerParent`: the alias keeps its deployed URN. */
  adopt(formerParent: pulumi.Resource): pulumi.CustomResourceOptions {
    if (FORMER_TREE.flat) return { parent: formerParent };
    return { parent: this, aliases: [{ parent: formerParent }] };
  }
}
