// Prints the pack as a Markdown table for docs/policies.md, from the policy objects themselves:
//   npx ts-node --transpile-only policies/docs.ts
import * as fs from "fs";
import * as path from "path";
import { allPolicies, Concern, CONCERN_TITLES, policiesByConcern } from "./all";
import { PolicyPackConfig, resolvePolicyConfig } from "./lib/packConfig";

export const PROD_CONFIG_PATH = path.join(__dirname, "prod.json");

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

/** One row a policy: name, concern, default and production enforcement, description. */
export function policyTable(prodConfig?: PolicyPackConfig): string {
  const prod =
    prodConfig ?? (JSON.parse(fs.readFileSync(PROD_CONFIG_PATH, "utf8")) as PolicyPackConfig);
  const resolved = resolvePolicyConfig(allPolicies, prod);
  const rows = [
    "| Policy | Concern | Default | Production | Description |",
    "|---|---|---|---|---|",
  ];
  for (const [concern, policies] of Object.entries(policiesByConcern) as [
    Concern,
    typeof policiesByConcern.DR,
  ][]) {
    for (const p of policies) {
      const level = resolved.get(p.name)!.enforcementLevel;
      rows.push(
        `| \`${p.name}\` | ${CONCERN_TITLES[concern]} | ${p.enforcementLevel ?? "advisory"} | ${level} | ${cell(p.description)} |`,
      );
    }
  }
  return rows.join("\n");
}

if (require.main === module) {
  console.log(policyTable());
}
