// Text rendering of a plan: the resource tree (components and their children, as
// `pulumi preview` nests them) and the count of resources per type.
import * as pulumi from "@pulumi/pulumi";
import type { RecoveryBudget } from "../functions/region/recoveryBudget";
import { PlannedResource } from "./runProgram";
import { UNKNOWN_MARKER } from "./mockCloud";

/** True for a value not known until AWS creates the resource (runtime marker or wire sentinel). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_MARKER || pulumi.isUnknown(value);
}

/**
 * A copy for JSON: every unknown value becomes the engine's sentinel string, as in
 * `pulumi preview --json` (a serialized runtime marker would otherwise read as `{}`).
 */
export function forJson(value: unknown): unknown {
  if (isUnknown(value)) return UNKNOWN_MARKER;
  if (Array.isArray(value)) return value.map(forJson);
  if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forJson(v)]));
  }
  return value;
}

function label(resource: PlannedResource): string {
  const marks = [
    resource.protect ? "protected" : "",
    resource.ignoreChanges.length > 0 ? `ignoreChanges: ${resource.ignoreChanges.join(", ")}` : "",
    resource.region ? `region: ${resource.region}` : "",
  ].filter(Boolean);
  return `+ ${resource.type}  ${resource.name}${marks.length ? `  [${marks.join("; ")}]` : ""}`;
}

export function renderTree(resources: PlannedResource[]): string {
  const children = new Map<string | undefined, PlannedResource[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) =>
        Number(a.custom) - Number(b.custom) ||
        a.type.localeCompare(b.type) ||
        a.name.localeCompare(b.name),
    );
    for (const r of list) {
      lines.push(`${"    ".repeat(depth)}${label(r)}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

export function renderTypeCounts(resources: PlannedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const rows = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const width = Math.max(...rows.map(([t]) => t.length));
  return [
    `Resources: ${resources.length}`,
    ...rows.map(([type, n]) => `  ${type.padEnd(width)}  ${n}`),
  ].join("\n");
}

/** The stack's outputs as `pulumi preview` lists them, in key order; values shortened to a line. */
export function renderOutputs(outputs: Record<string, unknown>): string {
  const keys = Object.keys(outputs).sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  return [
    `Outputs: ${keys.length}`,
    ...keys.map((k) => {
      // An unknown value reads as `pulumi preview` prints it (a first preview has many).
      const text = isUnknown(outputs[k])
        ? "output<string>"
        : (JSON.stringify(outputs[k], (_, v) => (isUnknown(v) ? "output<string>" : v)) ??
          "undefined");
      return `  ${k.padEnd(width)}  ${text.length > 100 ? `${text.slice(0, 97)}...` : text}`;
    }),
  ].join("\n");
}

export function renderFunctions(
  functions: {
    name: string;
    runtime: string;
    packageBytes: number;
    role: string;
    region?: string;
    reservedConcurrency?: number | null;
  }[],
  reservations: Record<string, number> = {},
): string {
  const reserved = Object.entries(reservations)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, n]) => `${region} ${n}`);
  return [
    `Failover functions: ${functions.length}` +
      (reserved.length
        ? `; reserved concurrency by region: ${reserved.join(", ")} (each lowers the account's ` +
          "unreserved pool there, which Lambda keeps at 100 or more: docs/deploy.md)"
        : ""),
    ...functions.map(
      (f) =>
        `  ${f.name}  ${f.runtime}  ${(f.packageBytes / 1024).toFixed(1)} KiB  role ${isUnknown(f.role) ? "output<string>" : f.role}` +
        (f.reservedConcurrency ? `  reserved ${f.reservedConcurrency} in ${f.region}` : ""),
    ),
  ].join("\n");
}

export function renderRecovery(recovery: RecoveryBudget, rtoTargetSeconds: number): string {
  const verdict = recovery.rtoWorstSeconds <= rtoTargetSeconds ? "within" : "OVER";
  const onPath = new Set(recovery.criticalPath);
  return [
    `Recovery timeline (unplanned failover): RTO ${recovery.rtoSeconds} s typical, ${recovery.rtoWorstSeconds} s worst (${verdict} the ${rtoTargetSeconds} s target), RPO ${recovery.rpoSeconds} s`,
    `  critical path: ${recovery.criticalPath.join(" -> ")}`,
    `  ${"step".padEnd(22)} ${"typical".padStart(7)} ${"worst".padStart(7)}  after; source`,
    ...recovery.steps.map(
      (s) =>
        `${onPath.has(s.name) ? "* " : s.track ? "t " : "  "}${s.name.padEnd(22)} ${`${s.seconds} s`.padStart(7)} ${`${s.worstSeconds} s`.padStart(7)}  ${s.after.join(", ") || "-"}; ${s.source}`,
    ),
    "  (* on the critical path; t a track: finishes after the shop takes orders)",
  ].join("\n");
}

/** Policy results the way `pulumi preview --policy-pack` prints them. */
export function renderPolicies(results: {
  packName: string;
  configFile: string;
  policies: { name: string; enforcementLevel: string }[];
  violations: { policy: string; enforcementLevel: string; urn: string; message: string }[];
}): string {
  const mandatory = results.policies.filter((p) => p.enforcementLevel === "mandatory").length;
  const failed = results.violations.some((v) => v.enforcementLevel === "mandatory");
  const lines = [
    "Policies:",
    `    ${failed ? "❌" : "✅"} ${results.packName} (local: policies, config ${results.configFile.replace(/^.*\/policies\//, "policies/")})` +
      ` — ${results.policies.length} policies, ${mandatory} mandatory, ${results.violations.length} violation(s)`,
  ];
  for (const v of results.violations) {
    const [, , qualifiedType = "", name = ""] = v.urn.split("::");
    const type = qualifiedType.split("$").pop();
    lines.push(`        - [${v.enforcementLevel}]  ${v.policy}  (${type}: ${name})`);
    lines.push(...v.message.split("\n").map((l) => `          ${l}`));
  }
  return lines.join("\n");
}
