// What a config change would change in a stack, resource by resource and property by property:
// the view an operator wants before a promotion (`--diff activeRegion=eu-west-1`).
import { PlannedResource } from "./runProgram";

export interface PropertyChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface ResourceChange {
  urn: string;
  kind: "create" | "delete" | "update";
  properties: PropertyChange[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Leaf-level differences between two input trees, with dotted paths (`tags.Role`, `rules[2]`). */
export function diffValues(before: unknown, after: unknown, path = ""): PropertyChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffValues(b, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

/** Resource changes from one plan to another, by URN, in URN order. */
export function diffPlans(before: PlannedResource[], after: PlannedResource[]): ResourceChange[] {
  const old = new Map(before.map((r) => [r.urn, r]));
  const now = new Map(after.map((r) => [r.urn, r]));
  const urns = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: ResourceChange[] = [];
  for (const urn of urns) {
    const a = old.get(urn);
    const b = now.get(urn);
    if (!a) changes.push({ urn, kind: "create", properties: [] });
    else if (!b) changes.push({ urn, kind: "delete", properties: [] });
    else {
      const properties = diffValues(a.inputs, b.inputs);
      if (properties.length > 0) changes.push({ urn, kind: "update", properties });
    }
  }
  return changes;
}

const SYMBOL = { create: "+", delete: "-", update: "~" } as const;

function short(value: unknown): string {
  const text = value === undefined ? "(unset)" : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function renderDiff(changes: ResourceChange[], overrides: string[]): string {
  const lines = [`Changes if ${overrides.join(", ")}: ${changes.length} resource(s)`];
  for (const c of changes) {
    const [, , qualifiedType = "", name = ""] = c.urn.split("::");
    lines.push(`  ${SYMBOL[c.kind]} ${qualifiedType.split("$").pop()}  ${name}`);
    for (const p of c.properties) {
      lines.push(`      ${p.path}: ${short(p.before)} => ${short(p.after)}`);
    }
  }
  return lines.join("\n");
}
