// Generates, from configSchema.ts's table, the two places that must repeat it: Pulumi.yaml's
// `config:` declarations (read by the Pulumi CLI) and docs/configuration.md.
//   npm run gen:config
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_TABLE, ConfigKeyDeclaration } from "../configSchema";
import { DEFAULT_THRESHOLDS } from "../config";
import { PROJECT_DIR } from "./stackConfig";

export const PROJECT_FILE = path.join(PROJECT_DIR, "Pulumi.yaml");
export const CONFIG_DOC = path.join(PROJECT_DIR, "docs", "configuration.md");

/** One key as Pulumi.yaml declares it (the CLI's project schema: type, items, default, description). */
function declaration(entry: ConfigKeyDeclaration): Record<string, unknown> {
  return {
    type: entry.type,
    ...(entry.items ? { items: { type: entry.items } } : {}),
    ...(entry.default !== undefined ? { default: entry.default } : {}),
    description: entry.description,
  };
}

export function projectConfigDeclarations(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(CONFIG_TABLE.map((e) => [e.key, declaration(e)]));
}

/** Pulumi.yaml with its `config:` section replaced by the table's declarations. */
export function renderProjectFile(current: string): string {
  const project = yaml.load(current) as Record<string, unknown>;
  return yaml.dump({ ...project, config: projectConfigDeclarations() }, { lineWidth: -1 });
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

function shownDefault(entry: ConfigKeyDeclaration): string {
  if (entry.default === undefined) return "**required**";
  if (entry.default === "") return "(none)";
  return `\`${typeof entry.default === "string" ? entry.default : JSON.stringify(entry.default)}\``;
}

export function renderConfigDoc(): string {
  const rows = CONFIG_TABLE.map(
    (e) =>
      `| \`magento-dr:${e.key}\` | ${e.type}${e.items ? ` of ${e.items}` : ""} | ${shownDefault(e)} | ${cell(e.description)} |`,
  );
  const thresholds = Object.entries(DEFAULT_THRESHOLDS).map(
    ([name, value]) => `| \`${name}\` | ${value} |`,
  );
  return [
    "# Configuration",
    "",
    "<!-- Generated from configSchema.ts by `npm run gen:config`; a test keeps it current. -->",
    "",
    "Each stack file (`Pulumi.<stack>.yaml`) sets `aws:region` and the keys below; a key with a",
    "default may be left out, a **required** one may not (the Pulumi CLI refuses to run the program,",
    "and `npm run plan` exits 2 with the CLI's own message). `config.ts` is the only code that reads",
    "config: it validates every value before any resource is registered and names the key, the bad",
    "value and what it expects. Adding a key: one entry in `configSchema.ts`, its parsing in",
    "`config.ts`, then `npm run gen:config` rewrites `Pulumi.yaml` and this page.",
    "",
    "| Key | Type | Default | Meaning |",
    "|---|---|---|---|",
    "| `aws:region` | string | **required** | The region this stack deploys to (one of `config.KNOWN_REGIONS`). |",
    ...rows,
    "",
    "## Alarm thresholds",
    "",
    '`alarmThresholds` overrides any of these fields, e.g. `{"dbReplicaLagSeconds": 30}`; each must be a',
    "positive number.",
    "",
    "| Field | Default |",
    "|---|---|",
    ...thresholds,
    "",
  ].join("\n");
}

if (require.main === module) {
  fs.writeFileSync(PROJECT_FILE, renderProjectFile(fs.readFileSync(PROJECT_FILE, "utf8")));
  fs.mkdirSync(path.dirname(CONFIG_DOC), { recursive: true });
  fs.writeFileSync(CONFIG_DOC, renderConfigDoc());
  console.log(
    `wrote ${path.relative(PROJECT_DIR, PROJECT_FILE)} and ${path.relative(PROJECT_DIR, CONFIG_DOC)}`,
  );
}
