// The program of every region's stack: read and validate config (nothing is registered when it
// is wrong), read the home stack's outputs on a standby stack, build the region, export outputs.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { RegionStack } from "./components/regionStack";
import { readHomeOutputs, requiredHomeOutputs } from "./components/homeOutputs";

export = async () => {
  const config = loadConfig();
  for (const warning of config.warnings) void pulumi.log.warn(warning);
  let home;
  if (!config.isHome) {
    const homeStack = config.homeStack!;
    const reference = new pulumi.StackReference("home", { name: homeStack });
    home = await readHomeOutputs(
      reference,
      homeStack,
      requiredHomeOutputs(config.region, config.standbyRegion),
    );
  }
  const region = new RegionStack(config.stack, { config, home });
  return region.outputs;
};
