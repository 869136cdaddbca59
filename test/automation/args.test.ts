// The command line: every bad usage exits 2 with a message that says what is wrong, and changes
// nothing (parsing happens before any settings, AWS or Pulumi access).
import assert from "node:assert/strict";
import { parseArgs } from "../../automation/args";
import { ExitCode } from "../../automation/errors";
import { HELP } from "../../automation/help";
import { parseOrExit } from "../../automation/main";
import { readTopology } from "../../automation/topology";

const topology = readTopology();

function usage(argv: string[]): { code: number | object; errors: string[] } {
  const errors: string[] = [];
  const code = parseOrExit(
    argv,
    () => topology,
    () => undefined,
    (line) => errors.push(line),
  );
  return { code, errors };
}

describe("promote CLI: arguments", () => {
  const bad: [string, string[], RegExp][] = [
    ["no mode", [], /missing mode: expected one of status, planned, unplanned, failback, drill/],
    ["an unknown mode", ["promote", "--to", "prod-euw1"], /unknown mode "promote"/],
    ["an unknown flag", ["planned", "--to", "prod-euw1", "--force"], /unknown option --force/],
    ["a misspelt dry run", ["planned", "--to", "prod-euw1", "--dryrun"], /unknown option --dryrun/],
    [
      "planned without --to",
      ["planned"],
      /planned needs --to <stack> \(known stacks: prod-euw1, prod-use1\)/,
    ],
    ["unplanned without --to", ["unplanned", "--yes"], /unplanned needs --to <stack>/],
    ["failback without --to", ["failback"], /failback needs --to <stack>/],
    ["--to without a value", ["planned", "--to"], /--to needs a value/],
    ["--to followed by a flag", ["planned", "--to", "--dry-run"], /--to needs a value/],
    [
      "an unknown stack",
      ["planned", "--to", "prod-usw2"],
      /unknown stack "prod-usw2" \(known stacks, from Pulumi\.\*\.yaml: prod-euw1, prod-use1\)/,
    ],
    [
      "a stray argument",
      ["planned", "prod-euw1"],
      /unexpected argument "prod-euw1" \(did you mean --to prod-euw1\?\)/,
    ],
    ["--to on status", ["status", "--to", "prod-euw1"], /status takes no --to/],
    [
      "a flag given twice",
      ["planned", "--to", "prod-euw1", "--to", "prod-use1"],
      /--to given twice/,
    ],
    ["a value on --yes", ["unplanned", "--to", "prod-euw1", "--yes=no"], /--yes takes no value/],
    [
      "a bad settings source",
      ["status", "--settings", "cache"],
      /--settings "cache": expected "deployed" or "plan"/,
    ],
    ["a self-declared user name", ["status", "--user", "bob"], /--user is not accepted/],
  ];
  for (const [what, argv, message] of bad) {
    it(`exits 2 on ${what}`, () => {
      const { code, errors } = usage(argv);
      assert.equal(code, ExitCode.usage);
      assert.match(errors[0], message);
      assert.match(errors[1], /^usage: npm run promote -- /);
    });
  }

  it("accepts every mode with its options, inline values included", () => {
    assert.deepEqual(parseArgs(["planned", "--to=prod-euw1", "--dry-run"], topology), {
      kind: "run",
      args: { mode: "planned", to: "prod-euw1", dryRun: true, yes: false, settings: "deployed" },
    });
    const drill = parseArgs(["drill", "--settings", "plan", "--yes"], topology);
    assert.deepEqual(drill, {
      kind: "run",
      args: { mode: "drill", dryRun: false, yes: true, settings: "plan" },
    });
  });

  it("--help exits 0 and documents every mode, option and exit code", () => {
    const printed: string[] = [];
    const code = parseOrExit(
      ["planned", "--help"],
      () => topology,
      (l) => printed.push(l),
      () => undefined,
    );
    assert.equal(code, ExitCode.ok);
    assert.equal(printed[0], HELP);
    for (const word of [
      "status",
      "planned",
      "unplanned",
      "failback",
      "drill",
      "--to",
      "--dry-run",
      "--yes",
      "--settings",
    ]) {
      assert.match(HELP, new RegExp(`\\n  ${word}\\b`), `help documents ${word}`);
    }
    for (const code of ["0", "1", "2", "3"]) assert.match(HELP, new RegExp(`\\n  ${code}  `));
  });
});
