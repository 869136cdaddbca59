// Dispatch and exit codes: parse, run the mode, turn every way a run can end into one exit code
// and a message that says what happened and what to do next. Nothing here touches the outside
// world except through CliDeps.
import { parseArgs, type ParsedArgs } from "./args";
import type { CliDeps, Run } from "./context";
import { drill } from "./drill";
import { ExitCode, Refused, StepFailed, UsageError } from "./errors";
import { failback } from "./failback";
import { HELP } from "./help";
import { hold } from "./hold";
import { Progress, type Print } from "./progress";
import { status } from "./status";
import { switchover } from "./switchover";
import type { Topology } from "./topology";

/** Parses argv; prints help or the usage error. Returns the args, or the exit code to end with. */
export function parseOrExit(
  argv: string[],
  topology: () => Topology,
  print: Print,
  printError: Print,
): ParsedArgs | number {
  try {
    const parsed = parseArgs(argv, topology());
    if (parsed.kind === "help") {
      print(HELP);
      return ExitCode.ok;
    }
    return parsed.args;
  } catch (error) {
    if (error instanceof UsageError || (error as Error)?.name === "ConfigError") {
      printError(`error: ${(error as Error).message}`);
      printError(
        "usage: npm run promote -- <status|planned|unplanned|failback|drill|hold> [--to <stack>] [--dry-run] [--yes] [--for <duration> --reason <text> | --clear] (--help for more)",
      );
      return ExitCode.usage;
    }
    throw error;
  }
}

export async function runMode(args: ParsedArgs, deps: CliDeps): Promise<number> {
  const run: Run = { deps, args, progress: new Progress(deps.print, deps.now) };
  deps.print(
    `magento-dr promote: ${args.mode}${args.to ? ` --to ${args.to}` : ""}${args.dryRun ? " (dry run)" : ""}, operator ${deps.user}, settings from ${deps.settings.description}`,
  );
  try {
    switch (args.mode) {
      case "status":
        return await status(run);
      case "planned":
      case "unplanned":
        await switchover(run, args.mode);
        return ExitCode.ok;
      case "failback":
        await failback(run);
        return ExitCode.ok;
      case "drill":
        await drill(run);
        return ExitCode.ok;
      case "hold":
        return await hold(run);
    }
  } catch (error) {
    return report(error, deps.print);
  }
}

function report(error: unknown, print: Print): number {
  if (error instanceof Refused) {
    print(`REFUSED: ${error.message}`);
    if (error.changed.length > 0) print(`changed by this run: ${error.changed.join("; ")}`);
    print(`next: ${error.nextStep}`);
    return ExitCode.refused;
  }
  if (error instanceof StepFailed) {
    print(`FAILED: ${error.message}`);
    print(`state: ${error.state}`);
    print(`next: ${error.nextStep}`);
    return ExitCode.failed;
  }
  if (error instanceof UsageError) {
    print(`error: ${error.message}`);
    return ExitCode.usage;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  print(`FAILED (unexpected): ${message}`);
  print("state: unknown from here; every step the CLI runs is idempotent");
  print("next: `npm run promote -- status` to see where things stand, then rerun the same command");
  return ExitCode.failed;
}
