// The command line: `promote <mode> [options]`. Parsing is strict (an unknown flag, a missing
// value or a stray argument is an error, never ignored) because a typo at 3 a.m. must not turn a
// dry run into a real one.
import { UsageError } from "./errors";
import { stackNamed, type Topology } from "./topology";

export const MODES = ["status", "planned", "unplanned", "failback", "drill"] as const;
export type Mode = (typeof MODES)[number];

export type SettingsChoice = "deployed" | "plan";

export interface ParsedArgs {
  mode: Mode;
  /** The stack to make active; absent only for status (and drill, which defaults it). */
  to?: string;
  dryRun: boolean;
  yes: boolean;
  user?: string;
  settings: SettingsChoice;
}

export type ParseResult = { kind: "help" } | { kind: "run"; args: ParsedArgs };

const NEEDS_TARGET: Mode[] = ["planned", "unplanned", "failback"];
const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

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
        args.user = take();
        if (!USER_NAME.test(args.user)) {
          throw new UsageError(`--user "${args.user}": expected 1-64 of A-Z a-z 0-9 . _ @ -`);
        }
        break;
      case "--settings": {
        const value = take();
        if (value !== "deployed" && value !== "plan") {
          throw new UsageError(`--settings "${value}": expected "deployed" or "plan"`);
        }
        args.settings = value;
        break;
      }
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
  return eq < 0 ? [token, undefined] : [token.slice(0, eq), token.slice(eq + 1)];
}

function noValue(flag: string, inline: string | undefined): true {
  if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
  return true;
}
