// `npm run promote -- <mode> [options]`: wires the real world (Pulumi Automation API, AWS SDK,
// the terminal) into main.ts and exits with its code. Progress goes to stdout; the step library's
// JSON log lines and Pulumi's engine output go to stderr, so `2> promote.log` keeps them.
import { LOG_COMPONENTS } from "../functions/contractLog";
import { createLogger } from "../functions/region/log";
import { probeOnce } from "../functions/region/probes";
import { controlPlanesAnswer, fetchStatus } from "./controlPlanes";
import { PROJECT_DIR } from "../plan/stackConfig";
import { sdkAwsFactory } from "./aws";
import { stsIdentity } from "./identity";
import { DEFAULT_QUIESCE } from "./cliSteps";
import type { CliDeps } from "./context";
import { parseOrExit, runMode } from "./main";
import { terminalConfirm } from "./prompt";
import { PulumiStacks } from "./pulumiStacks";
import { DeployedStackFacts } from "./settings/deployedFacts";
import { PlanStackFacts } from "./settings/planFacts";
import { DerivedSettingsSource } from "./settings/source";
import { readTopology } from "./topology";

async function main(): Promise<number> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const printError = (line: string) => process.stderr.write(`${line}\n`);
  let topology: ReturnType<typeof readTopology> | undefined;
  const parsed = parseOrExit(
    process.argv.slice(2),
    () => (topology ??= readTopology()),
    print,
    printError,
  );
  if (typeof parsed === "number") return parsed;

  let user: string;
  try {
    user = await stsIdentity(topology!.regions[0])();
  } catch (error) {
    printError(
      `FAILED: cannot establish who you are with sts:GetCallerIdentity (${(error as Error).message}); ` +
        "run with the AWS credentials you promote with",
    );
    return 1;
  }
  const pulumi = new PulumiStacks(PROJECT_DIR, (text) => process.stderr.write(text));
  const settings =
    parsed.settings === "plan"
      ? new DerivedSettingsSource(
          topology!,
          new PlanStackFacts(),
          "the offline plan of this checkout",
        )
      : new DerivedSettingsSource(
          topology!,
          new DeployedStackFacts(pulumi),
          "the deployed stacks' Pulumi state",
        );
  const deps: CliDeps = {
    topology: topology!,
    settings,
    stackOps: pulumi,
    aws: sdkAwsFactory(),
    confirm: terminalConfirm,
    print,
    now: Date.now,
    log: createLogger({ component: LOG_COMPONENTS.cli }, (fields) =>
      printError(JSON.stringify(fields)),
    ),
    user,
    timings: { observeTimeoutMs: 10_000, quiesce: DEFAULT_QUIESCE },
    probe: (url) => probeOnce(url, 5_000),
    controlPlanes: () => controlPlanesAnswer(fetchStatus(5_000)),
  };
  return runMode(parsed, deps);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`FAILED (unexpected): ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
