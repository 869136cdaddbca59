// IAM policy documents as the rules see them: a JSON string or an object, possibly with unknown
// parts during preview, normalised into statements.
import { Maybe, snapshot, UNKNOWN } from "./values";

export interface Statement {
  /** Position in the document, for messages. */
  index: number;
  sid?: string;
  allow: boolean;
  /** `NotAction` grants everything but the listed actions: it is treated as a wildcard. */
  actions: Maybe<string>[];
  notAction: boolean;
  resources: Maybe<string>[];
  notResource: boolean;
  /** Principals of a resource or trust policy; `*` for `"Principal": "*"`. */
  principals: Maybe<string>[];
  /** `NotPrincipal`: with Allow it grants every principal but the listed ones, anonymous included. */
  notPrincipal: boolean;
}

export type ParsedDocument =
  | { kind: "statements"; statements: Statement[] }
  | { kind: "unknown" }
  | { kind: "invalid"; reason: string };

function list(value: unknown): Maybe<string>[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => (v === UNKNOWN ? UNKNOWN : String(v)));
}

function principals(value: unknown): Maybe<string>[] {
  if (value === undefined || value === null) return [];
  if (value === UNKNOWN || typeof value === "string") return [value];
  if (typeof value !== "object") return [String(value)];
  return Object.values(value as Record<string, unknown>).flatMap(list);
}

/** Parses the document read by `read`; an unknown document (or statement list) is `unknown`. */
export function parseDocument(read: () => unknown): ParsedDocument {
  let document = snapshot(read);
  if (document === UNKNOWN) return { kind: "unknown" };
  if (typeof document === "string") {
    try {
      document = JSON.parse(document);
    } catch (e) {
      return { kind: "invalid", reason: `it is not valid JSON (${(e as Error).message})` };
    }
  }
  if (document === undefined || document === null || document === "") {
    return { kind: "statements", statements: [] };
  }
  if (typeof document !== "object") return { kind: "invalid", reason: "it is not an object" };
  const raw = (document as Record<string, unknown>)["Statement"];
  if (raw === UNKNOWN) return { kind: "unknown" };
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (entries.some((s) => s === UNKNOWN)) return { kind: "unknown" };
  const statements = entries.map((entry, index): Statement => {
    const s = (entry ?? {}) as Record<string, unknown>;
    return {
      index,
      sid: typeof s["Sid"] === "string" ? s["Sid"] : undefined,
      allow: s["Effect"] !== "Deny",
      actions: list(s["Action"] ?? s["NotAction"]),
      notAction: s["NotAction"] !== undefined,
      resources: list(s["Resource"] ?? s["NotResource"]),
      notResource: s["NotResource"] !== undefined,
      principals: principals(s["Principal"] ?? s["NotPrincipal"]),
      notPrincipal: s["NotPrincipal"] !== undefined,
    };
  });
  return { kind: "statements", statements };
}

export function describeStatement(s: Statement): string {
  return s.sid ? `statement ${s.index} ("${s.sid}")` : `statement ${s.index}`;
}

/** `*` or a whole service (`s3:*`); a verb family such as `s3:Get*` is not. */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[\w-]+:\*$/.test(action);
}

// Verbs that only read. Anything else (including `*` and unknown verbs) counts as mutating, so a
// new verb is judged strictly until someone adds it here.
const READ_ONLY_VERB = /^(Describe|Get|List|BatchGet|Query|Scan|Search|Lookup|View|Select)/;

export function isMutatingAction(action: string): boolean {
  if (action === "*") return true;
  const verb = action.split(":")[1] ?? "";
  return !READ_ONLY_VERB.test(verb);
}

/** `*`, or an ARN whose resource part is only `*` (`arn:aws:rds:us-east-1:123456789012:*`). */
export function isWildcardResource(resource: string): boolean {
  return resource === "*" || /^arn:[\w-]+:[\w-]*:[^:]*:[^:]*:\*$/.test(resource);
}

/** Whether an action matches a pattern with IAM's `*` and `?` wildcards, case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(action);
}
