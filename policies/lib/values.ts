// Reading resource properties that may not be known yet.
//
// During `pulumi preview` an input computed from another resource's output is unknown. The policy
// server hands rules a proxy that throws `UnknownValueError` when such a value is read, and turns
// that error into an *advisory* "can't run policy during preview" note: a mandatory rule would then
// pass silently. Every rule here reads through `known()` and decides explicitly what an unknown
// value means for it (see `Subject` in ./subject.ts).
import * as pulumi from "@pulumi/pulumi";
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;
/** A value read from a resource: the value itself, or UNKNOWN during preview. */
export type Maybe<T> = T | Unknown;

/**
 * The engine's wire sentinels for unknown values (string, number, boolean, array, asset, archive,
 * object). The policy proxy throws on them; they are listed here so a raw, unproxied copy of the
 * inputs is recognised too.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** True for the engine's sentinels and for the Pulumi runtime's own `unknown` marker. */
export function isUnknownValue(value: unknown): boolean {
  return (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) || pulumi.isUnknown(value);
}

/** The error @pulumi/policy's proxy throws when a rule reads an unknown value. */
export function isUnknownValueError(e: unknown): e is Error {
  // By class name too: a pack installed next to another copy of @pulumi/policy throws that copy's.
  return (
    e instanceof UnknownValueError ||
    (e instanceof Error && e.constructor.name === "UnknownValueError")
  );
}

/** Reads a property; UNKNOWN instead of an exception when it, or an object on its path, is unknown. */
export function known<T>(read: () => T): Maybe<T> {
  try {
    const value = read();
    return value === UNKNOWN || isUnknownValue(value) ? UNKNOWN : value;
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
}

/**
 * A plain copy of a property tree with UNKNOWN in place of every unknown value, so that rules can
 * walk documents (IAM policies, environment maps) without tripping the proxy at each step.
 */
export function snapshot(read: () => unknown): unknown {
  const value = known(read);
  if (value === UNKNOWN || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    return Array.from({ length: value.length }, (_, i) => snapshot(() => value[i]));
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = snapshot(() => (value as Record<string, unknown>)[key]);
  }
  return copy;
}

/** The elements of a list property: UNKNOWN for the whole list or per element, undefined if unset. */
export function knownList<T>(
  read: () => readonly T[] | undefined | null,
): Maybe<Maybe<T>[]> | undefined {
  const list = known(read);
  if (list === UNKNOWN || list === undefined || list === null) return list ?? undefined;
  return Array.from({ length: list.length }, (_, i) => known(() => list[i]));
}

/**
 * Presence, for requirements of the form "X is set". An unknown value counts as set: the program
 * wired an output into it (a health check id, a KMS key ARN, a subnet group name), and the value the
 * engine resolves is that output, not nothing.
 */
export function isSet(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** How a value reads in a message. */
export function show(value: unknown): string {
  if (value === UNKNOWN) return "unknown during preview";
  if (value === undefined || value === null) return "not set";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object")
    return JSON.stringify(value, (_, v) => (v === UNKNOWN ? "<unknown>" : v));
  return String(value);
}
