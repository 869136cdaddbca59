// How a run ends when something outside the modes' own refusals and failures is thrown: a usage
// problem found during the run (exit 2), an unexpected error with its stack or message, or a
// thrown non-error (exit 1, the state unknown, status and the same command to rerun); and a stack
// file's ConfigError while reading the topology is bad usage, anything else is not swallowed.
import assert from "node:assert/strict";
import type { CliDeps } from "../../automation/context";
import { UsageError } from "../../automation/errors";
import { parseOrExit, runMode } from "../../automation/main";
import { readTopology } from "../../automation/topology";

const topology = readTopology();

/** Runs `status` with a settings source that throws `thrown`; the printed lines and exit code. */
async function statusThrowing(thrown: unknown) {
  const lines: string[] = [];
  const deps = {
    topology,
    settings: {
      description: "a broken source",
      settingsFor: async () => {
        throw thrown;
      },
    },
    print: (line: string) => lines.push(line),
    user: "alice",
    now: () => 0,
  } as unknown as CliDeps;
  const code = await runMode({ mode: "status", dryRun: false, yes: false, settings: "plan" }, deps);
  return { code, lines };
}

const UNEXPECTED_END = [
  "state: unknown from here; every step the CLI runs is idempotent",
  "next: `npm run promote -- status` to see where things stand, then rerun the same command",
];

describe("promote CLI: how an unexpected end is reported", () => {
  it("an unexpected error: its stack, exit 1, the state unknown and what to run", async () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'tableName')");
    error.stack =
      "TypeError: Cannot read properties of undefined (reading 'tableName')\n    at settingsFor (source.ts:42:7)";
    assert.deepEqual(await statusThrowing(error), {
      code: 1,
      lines: [
        "magento-dr promote: status, operator alice, settings from a broken source",
        "FAILED (unexpected): TypeError: Cannot read properties of undefined (reading 'tableName')\n    at settingsFor (source.ts:42:7)",
        ...UNEXPECTED_END,
      ],
    });
  });

  it("an error without a stack: its message; a thrown string: the string", async () => {
    const error = new Error("socket hang up");
    error.stack = undefined;
    assert.deepEqual((await statusThrowing(error)).lines.slice(1), [
      "FAILED (unexpected): socket hang up",
      ...UNEXPECTED_END,
    ]);
    assert.deepEqual((await statusThrowing("ECONNRESET")).lines.slice(1), [
      "FAILED (unexpected): ECONNRESET",
      ...UNEXPECTED_END,
    ]);
  });

  it("a usage problem found during the run (no Pulumi CLI, say): exit 2 with its message", async () => {
    assert.deepEqual(
      await statusThrowing(new UsageError("the Pulumi CLI is not usable from PATH (ENOENT)")),
      {
        code: 2,
        lines: [
          "magento-dr promote: status, operator alice, settings from a broken source",
          "error: the Pulumi CLI is not usable from PATH (ENOENT)",
        ],
      },
    );
  });

  it("a stack file's ConfigError while reading the topology is bad usage; any other error is thrown", () => {
    const errors: string[] = [];
    const configError = Object.assign(
      new Error("Pulumi.prod-euw1.yaml: magento-dr:homeRegion is required"),
      {
        name: "ConfigError",
      },
    );
    const code = parseOrExit(
      ["status"],
      () => {
        throw configError;
      },
      () => undefined,
      (line) => errors.push(line),
    );
    assert.equal(code, 2);
    assert.deepEqual(errors.slice(0, 1), [
      "error: Pulumi.prod-euw1.yaml: magento-dr:homeRegion is required",
    ]);
    const broken = new Error("EACCES: permission denied, open 'Pulumi.prod-euw1.yaml'");
    assert.throws(
      () =>
        parseOrExit(
          ["status"],
          () => {
            throw broken;
          },
          () => undefined,
          () => undefined,
        ),
      broken,
    );
    assert.throws(
      () =>
        parseOrExit(
          ["status"],
          () => {
            throw undefined;
          },
          () => undefined,
          () => undefined,
        ),
      (thrown: unknown) => thrown === undefined,
    );
  });
});
