import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

import { AUTOMATION_OWNED_PARAMETERS, type ParameterKey } from "../functions/contract";

export { AUTOMATION_OWNED_PARAMETERS };

export interface MagentoEndpointsArgs {
  /** `/<project>/<stack>/` */
  path: string;
  /** Parameter name (relative to `path`, one of the contract's: functions/contract.ts) to value. */
  values: Partial<Record<ParameterKey, pulumi.Input<string>>>;
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
    for (const [key, value] of Object.entries(args.values) as [
      ParameterKey,
      pulumi.Input<string>,
    ][]) {
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
