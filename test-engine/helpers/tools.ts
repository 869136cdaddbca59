// Finds the Pulumi CLI for the engine tests: scripts/pulumi-tools.sh (the developer's own CLI when
// it is recent enough, else the one built from the Go module proxy). Its last stdout line is the
// folder that holds `pulumi`; a missing language host is reported there, on stderr, with exit 3.
import { spawnSync } from "child_process";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");

export interface Tools {
  bin: string;
  version: string;
  /** Why TypeScript programs and policy packs cannot run through the CLI, when they cannot. */
  languageHostMissing?: string;
}

export function findTools(): Tools {
  const run = spawnSync(path.join(REPO, "scripts", "pulumi-tools.sh"), [], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = run.stdout.trim().split("\n");
  if (run.status !== 0 && run.status !== 3) {
    throw new Error(`scripts/pulumi-tools.sh failed (${run.status}):\n${run.stderr}`);
  }
  return {
    bin: lines[lines.length - 1],
    version: lines.find((l) => /^v\d+\.\d+\.\d+/.test(l)) ?? "?",
    languageHostMissing: run.status === 3 ? run.stderr.trim() : undefined,
  };
}
