// Entry point of the simulated provider plugins: `serve.ts <aws|awsx|random> <engine address>`.
// Started by the engine through engine/plugins/pulumi-resource-<name>; prints only the port
// (Pulumi's provider.main), which the engine reads from stdout.
// Each provider is loaded only when asked for: @pulumi/aws (which awsx needs) takes seconds to load.
import * as provider from "@pulumi/pulumi/provider";
import { pluginConfig, requestedPluginVersion } from "./pluginVersion";
import { servePreviews } from "./previewSupport";

function providerFor(name: string): provider.Provider {
  const version = requestedPluginVersion(name);
  switch (name) {
    case "aws": {
      // The engine passes the stack's config of the plugin's own namespace, keys without it.
      const region = pluginConfig().region;
      if (!region) throw new Error("simulated aws: the provider has no aws:region configured");
      const { SimulatedAws } = require("./aws") as typeof import("./aws");
      const aws = new SimulatedAws(version, region);
      servePreviews(aws);
      return aws;
    }
    case "awsx": {
      const { SimulatedAwsx } = require("./awsx") as typeof import("./awsx");
      return new SimulatedAwsx(version);
    }
    case "random": {
      const { SimulatedRandom } = require("./random") as typeof import("./random");
      const random = new SimulatedRandom(version);
      servePreviews(random);
      return random;
    }
    default:
      throw new Error(`no simulated provider named ${name}`);
  }
}

const [name, ...args] = process.argv.slice(2);
provider.main(providerFor(name), args).catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
