// The Automation API drives the Pulumi CLI found on PATH. Without one, its errors read as if the
// stack did not exist; say what is actually missing, once, before any stack is touched.
import { spawnSync } from "child_process";
import { UsageError } from "./errors";

/** A setup problem, reported like bad usage: exit 2, nothing changed. */
export class PulumiCliMissing extends UsageError {}

/** The `pulumi version` on PATH; throws PulumiCliMissing naming how to get one. */
export function requirePulumiCli(env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync("pulumi", ["version"], { env, encoding: "utf8", timeout: 30_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? (result.error as NodeJS.ErrnoException).code : result.stderr.trim();
    throw new PulumiCliMissing(
      `the Pulumi CLI is not usable from PATH (${why}): install it, or build the pinned one with ` +
        "scripts/pulumi-tools.sh and put its bin folder first on PATH (docs/engine.md), then log in " +
        "to the stacks' backend",
    );
  }
  return result.stdout.trim();
}
