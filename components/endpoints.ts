import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * Parameters the failover automation rewrites after deployment (epoch bumps, the active region,
 * the maintenance switch the promotion and the fence flip, the cache primary after an in-region
 * failover, the search endpoint after the health checker moves it). Pulumi sets their first
 * value; a later deploy must not put back a stale one: a standby's `maintenance` is "on" in its
 * stack until the stack files are reconciled, and putting it back would take the promoted region
 * down. The one list: the component's ignoreChanges and the README's ownership section (a test
 * compares them) come from it.
 */
export const AUTOMATION_OWNED_PARAMETERS = [
  "epoch",
  "active-region",
  "maintenance",
  "cache/primary-host",
  "search/endpoint",
  // Written by the promotion's search step (the lease epoch) when the indices need a reindex.
  "search/reindex-requested",
];

export interface MagentoEndpointsArgs {
  /** `/<project>/<stack>/` */
  path: string;
  /** Parameter name (relative to `path`) to value. */
  values: Record<string, pulumi.Input<string>>;
}

/**
 * Every endpoint Magento needs, as SSM parameters under `/<project>/<stack>/`: what the instance
 * bootstrap renders env.php from, and what the failover automation rewrites.
 */
export class MagentoEndpoints extends pulumi.ComponentResource {
  public readonly parameterArns: Record<string, pulumi.Output<string>> = {};
  public readonly parameterNames: Record<string, string> = {};

  constructor(name: string, args: MagentoEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:MagentoEndpoints", name, {}, opts);
    if (!/^\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/$/.test(args.path)) {
      throw new Error(
        `MagentoEndpoints ${name}: path "${args.path}" must look like /<project>/<stack>/`,
      );
    }
    for (const [key, value] of Object.entries(args.values)) {
      const parameterName = `${args.path}${key}`;
      const parameter = new aws.ssm.Parameter(
        `${name}-${key.replace(/\//g, "-")}`,
        {
          name: parameterName,
          type: "String",
          value,
          tier: "Standard",
          description: `Magento endpoint ${key}`,
        },
        {
          parent: this,
          ignoreChanges: AUTOMATION_OWNED_PARAMETERS.includes(key) ? ["value"] : [],
        },
      );
      this.parameterArns[key] = parameter.arn;
      this.parameterNames[key] = parameterName;
    }
    this.registerOutputs({ parameterNames: this.parameterNames });
  }
}
