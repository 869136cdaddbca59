// Each failover function's package as the program builds it, next to what `CallbackFunction`
// would package by default: the same serialized closure plus every non-@pulumi dependency of
// package.json and their dependencies (pulumi.runtime.computeCodePaths with no exclusions).
import * as pulumi from "@pulumi/pulumi";
import { functionsOf, planStack } from "../plan/plan";
import { measureArchive } from "../plan/packages";

export interface LambdaPackageFigure {
  name: string;
  packageBytes: number;
  defaultPackageBytes: number;
}

export async function benchLambdaPackages(stack = "prod-use1"): Promise<LambdaPackageFigure[]> {
  const plan = await planStack(stack);
  const defaults = await pulumi.runtime.computeCodePaths({});
  const dependencies = await measureArchive(
    new pulumi.asset.AssetArchive(Object.fromEntries(defaults)),
  );
  return functionsOf(plan.run).map((f) => ({
    name: f.name,
    packageBytes: f.packageBytes,
    defaultPackageBytes: f.packageBytes + dependencies.bytes,
  }));
}

if (require.main === module) {
  benchLambdaPackages().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
