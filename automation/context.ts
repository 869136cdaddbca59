// Everything a mode needs from the outside world, in one place, so cli.ts wires the real things
// and tests wire fakes: settings, Pulumi, AWS, the operator, the clock.
import type { ControlPlaneStatus } from "./controlPlanes";
import type { Logger } from "../functions/region/log";
import type { ProbeResult } from "../functions/region/probes";
import type { ParsedArgs } from "./args";
import type { AwsFactory } from "./aws";
import type { QuiesceTimings } from "./cliSteps";
import type { Progress, Print } from "./progress";
import type { Confirm } from "./prompt";
import type { SettingsSource } from "./settings/source";
import type { StackOps } from "./stackOps";
import type { Topology } from "./topology";

export interface CliTimings {
  /** Bound on each read-only observation (a dead region answers "unreachable"). */
  observeTimeoutMs: number;
  quiesce: QuiesceTimings;
}

export interface CliDeps {
  topology: Topology;
  settings: SettingsSource;
  stackOps: StackOps;
  aws: AwsFactory;
  confirm: Confirm;
  print: Print;
  now: () => number;
  /** The step library's JSON log lines (stderr in the real CLI). */
  log: Logger;
  /** The operator's AWS principal ARN (sts:GetCallerIdentity), for the lease holder and audit. */
  user: string;
  timings: CliTimings;
  /** HTTP probe of a region's public health URL (status only). */
  probe: (url: string) => Promise<ProbeResult>;
  /** Whether us-east-1's IAM and Route 53 control planes answer (IaC needs both). */
  controlPlanes: () => Promise<ControlPlaneStatus>;
}

/** One run: the deps, the parsed command line and its progress. */
export interface Run {
  deps: CliDeps;
  args: ParsedArgs;
  progress: Progress;
}

/** The command that repeats this run: what "next step" lines tell the operator to type. */
export function rerunCommand(args: ParsedArgs, mode = args.mode, to = args.to): string {
  const parts = ["npm run promote --", mode];
  if (to) parts.push("--to", to);
  if (args.settings !== "deployed") parts.push("--settings", args.settings);
  return parts.join(" ");
}
