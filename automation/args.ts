// The command line: `promote <mode> [options]`. Parsing is strict (an unknown flag, a missing
// value or a stray argument is an error, never ignored) because a typo at 3 a.m. must not turn a
// dry run into a real one.
import { UsageError } from "./errors";
import { stackNamed, type Topology } from "./topology";

export const MODES = ["status", "planned", "unplanned", "failback", "drill", "hold"] as const;
export type Mode = (typeof MODES)[number];

export type SettingsChoice = "deployed" | "plan";

export interface ParsedArgs {
  mode: Mode;
  /** The stack to make active; absent only for status (and drill, which defaults it). */
  to?: string;
  dryRun: boolean;
  yes: boolean;
  settings: SettingsChoice;
  /** hold: how long (ms), why, or clear the hold in force. */
  hold?: { forMs: number; reason: string } | { clear: true };
}

export type ParseResult = { kind: "help" } | { kind: "run"; args: ParsedArgs };

const NEEDS_TARGET: Mode[] = ["planned", "unplanned", "failback"];

/** Parses argv (without node and the script). `topology` validates stack names. */
export function parseArgs(argv: string[], topology: Topology): ParseResult {
  if (argv.length === 0) {
    throw new UsageError(`missing mode: expected one of ${MODES.join(", ")} (see --help)`);
  }
  if (argv.includes("--help") || argv.includes("-h")) return { kind: "help" };

  const [first, ...rest] = argv;
  if (!(MODES as readonly string[]).includes(first)) {
    throw new UsageError(`unknown mode "${first}": expected one of ${MODES.join(", ")}`);
  }
  const mode = first as Mode;
  const args: ParsedArgs = { mode, dryRun: false, yes: false, settings: "deployed" };
  const seen = new Set<string>();
  const valueOf = (flag: string, index: number): string => {
    const value = rest[index + 1];
    if (value === undefined || value.startsWith("--")) {
      throw new UsageError(`${flag} needs a value`);
    }
    return value;
  };

  let holdFor: number | undefined;
  let holdReason: string | undefined;
  let holdClear = false;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    const [flag, inline] = token.startsWith("--") ? splitInline(token) : [token, undefined];
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    const take = () => {
      if (inline !== undefined) return inline;
      const value = valueOf(flag, i);
      i++;
      return value;
    };
    switch (flag) {
      case "--to":
        args.to = take();
        break;
      case "--user":
        // A name the operator types is self-declared; the lease holder and the audit name the
        // AWS principal the CLI's requests are signed as (sts:GetCallerIdentity).
        throw new UsageError(
          "--user is not accepted: the operator is the AWS identity the CLI runs as (sts:GetCallerIdentity)",
        );
      case "--settings": {
        const value = take();
        if (value !== "deployed" && value !== "plan") {
          throw new UsageError(`--settings "${value}": expected "deployed" or "plan"`);
        }
        args.settings = value;
        break;
      }
      case "--for":
        holdFor = parseDuration(take());
        break;
      case "--reason":
        holdReason = take();
        if (!/^[\x20-\x7e]{1,200}$/.test(holdReason)) {
          throw new UsageError("--reason: expected 1-200 printable ASCII characters");
        }
        break;
      case "--clear":
        holdClear = noValue(flag, inline);
        break;
      case "--dry-run":
        args.dryRun = noValue(flag, inline);
        break;
      case "--yes":
        args.yes = noValue(flag, inline);
        break;
      default:
        throw new UsageError(
          token.startsWith("-")
            ? `unknown option ${flag} (see --help)`
            : `unexpected argument "${token}" (did you mean --to ${token}?)`,
        );
    }
  }

  const holdFlags = holdFor !== undefined || holdReason !== undefined || holdClear;
  if (mode !== "hold" && holdFlags) {
    throw new UsageError("--for, --reason and --clear belong to the hold mode");
  }
  if (mode === "hold") {
    if (args.to !== undefined)
      throw new UsageError("hold takes no --to: it pauses the automatic path");
    if (holdClear) {
      if (holdFor !== undefined || holdReason !== undefined) {
        throw new UsageError("hold --clear takes neither --for nor --reason");
      }
      args.hold = { clear: true };
    } else {
      if (holdFor === undefined)
        throw new UsageError("hold needs --for <duration> (e.g. 90m, 2h) or --clear");
      if (holdReason === undefined) throw new UsageError("hold needs --reason <text>");
      args.hold = { forMs: holdFor, reason: holdReason };
    }
  }
  if (mode === "status" && args.to !== undefined) {
    throw new UsageError("status takes no --to: it reports every stack");
  }
  if (NEEDS_TARGET.includes(mode) && args.to === undefined) {
    throw new UsageError(
      `${mode} needs --to <stack> (known stacks: ${topology.stacks.map((s) => s.stack).join(", ")})`,
    );
  }
  if (args.to !== undefined) stackNamed(topology, args.to);
  return { kind: "run", args };
}

function splitInline(token: string): [string, string | undefined] {
  const eq = token.indexOf("=");
  return eq === -1 ? [token, undefined] : [token.slice(0, eq), token.slice(eq + 1)];
}

function noValue(flag: string, inline: string | undefined): true {
  if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
  return true;
}

/** "90s", "45m", "2h": at most 24 h (a hold must expire by itself; declare it again to extend). */
export function parseDuration(text: string): number {
  const m = /^([1-9][0-9]{0,5})(s|m|h)$/.exec(text);
  const ms = m
    ? Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"]
    : NaN;
  // No match is NaN, which fails the comparison too; the pattern admits no 0.
  if (!(ms <= 24 * 3_600_000)) {
    throw new UsageError(`--for "${text}": expected a duration up to 24h such as 90s, 45m or 2h`);
  }
  return ms;
}
