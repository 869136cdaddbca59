// The version a simulated plugin reports: the one the program's SDK package asks the engine for
// (package.json "pulumi.version"), so the engine matches it as it would the real plugin.
import * as fs from "fs";
import * as path from "path";

export function requestedPluginVersion(name: string): string {
  const file = path.join(__dirname, "..", "..", "node_modules", "@pulumi", name, "package.json");
  const version = (JSON.parse(fs.readFileSync(file, "utf8")) as { pulumi?: { version?: string } })
    .pulumi?.version;
  if (!version) throw new Error(`${file} declares no pulumi.version`);
  return version;
}

/**
 * Provider configuration, as the engine passes it to a plugin it launches: PULUMI_CONFIG holds the
 * stack's config keys of the plugin's namespace, without it (`{"region": "us-east-1"}` for aws;
 * pkg/host/host.go, defaultHost.Provider).
 */
export function pluginConfig(): Record<string, string> {
  return JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>;
}
