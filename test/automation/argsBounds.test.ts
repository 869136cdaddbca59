// Every flag from both sides: each bad use exits 2 with the exact message naming the flag and the
// usage line (parsing runs before settings, AWS or Pulumi are touched, so nothing changes), and
// each good use parses to the exact arguments, the bounds of --for and --reason included.
import assert from "node:assert/strict";
import { parseArgs, type ParsedArgs } from "../../automation/args";
import { HELP } from "../../automation/help";
import { parseOrExit } from "../../automation/main";
import { readTopology } from "../../automation/topology";

const topology = readTopology();
const USAGE =
  "usage: npm run promote -- <status|planned|unplanned|failback|drill|hold> [--to <stack>] [--dry-run] [--yes] [--for <duration> --reason <text> | --clear] (--help for more)";

/** What parseOrExit prints and returns for `argv`. */
function parse(argv: string[]) {
  const printed: string[] = [];
  const errors: string[] = [];
  const result = parseOrExit(
    argv,
    () => topology,
    (line) => printed.push(line),
    (line) => errors.push(line),
  );
  return { result, printed, errors };
}

const run = (args: Partial<ParsedArgs> & Pick<ParsedArgs, "mode">): ParsedArgs => ({
  dryRun: false,
  yes: false,
  settings: "deployed",
  ...args,
});

describe("promote CLI: every flag, both sides", () => {
  const rejected: [string[], string][] = [
    [["hold"], "hold needs --for <duration> (e.g. 90m, 2h) or --clear"],
    [["hold", "--reason", "upgrade"], "hold needs --for <duration> (e.g. 90m, 2h) or --clear"],
    [["hold", "--for", "2h"], "hold needs --reason <text>"],
    [["hold", "--clear", "--for", "2h"], "hold --clear takes neither --for nor --reason"],
    [["hold", "--clear", "--reason", "x"], "hold --clear takes neither --for nor --reason"],
    [["hold", "--to", "prod-euw1", "--clear"], "hold takes no --to: it pauses the automatic path"],
    [
      ["planned", "--to", "prod-euw1", "--for", "2h"],
      "--for, --reason and --clear belong to the hold mode",
    ],
    [["status", "--reason", "x"], "--for, --reason and --clear belong to the hold mode"],
    [
      ["failback", "--to", "prod-use1", "--clear"],
      "--for, --reason and --clear belong to the hold mode",
    ],
    [["hold", "--clear=yes"], "--clear takes no value"],
    [["planned", "--to", "prod-euw1", "--dry-run=false"], "--dry-run takes no value"],
    [["status", "--settings"], "--settings needs a value"],
    [["status", "--settings", "--yes"], "--settings needs a value"],
    [["status", "--settings=plan", "--settings=deployed"], "--settings given twice"],
    [["status", "--settings="], '--settings "": expected "deployed" or "plan"'],
    [["hold", "--for"], "--for needs a value"],
    [["hold", "--for", "2h", "--reason"], "--reason needs a value"],
    [["status", "-x"], "unknown option -x (see --help)"],
    [["status", "-x=1"], "unknown option -x=1 (see --help)"],
    [["status", "--x=1"], "unknown option --x (see --help)"],
    [["planned", "--to=prod-euw1", "a=b"], 'unexpected argument "a=b" (did you mean --to a=b?)'],
    [
      ["planned", "--to="],
      'unknown stack "" (known stacks, from Pulumi.*.yaml: prod-euw1, prod-use1)',
    ],
    [
      ["drill", "--to", "prod-euw2"],
      'unknown stack "prod-euw2" (known stacks, from Pulumi.*.yaml: prod-euw1, prod-use1)',
    ],
    [
      ["status", "--user=bob"],
      "--user is not accepted: the operator is the AWS identity the CLI runs as (sts:GetCallerIdentity)",
    ],
    [
      ["Status"],
      'unknown mode "Status": expected one of status, planned, unplanned, failback, drill, hold',
    ],
    [
      [],
      "missing mode: expected one of status, planned, unplanned, failback, drill, hold (see --help)",
    ],
  ];
  for (const [argv, message] of rejected) {
    it(`exits 2 on \`${argv.join(" ")}\`: ${message}`, () => {
      const { result, printed, errors } = parse(argv);
      assert.equal(result, 2);
      assert.deepEqual(errors, [`error: ${message}`, USAGE]);
      assert.deepEqual(printed, []);
    });
  }

  // --for: 1-6 digits and one unit, from 1 s to 24 h; anything else, or a space, is refused.
  const badDurations = [
    "0s",
    "0h",
    "25h",
    "1441m",
    "86401s",
    "1000000s",
    "2d",
    "1.5h",
    "h",
    "2",
    "-2h",
    "02h",
    "x2h",
    "2hx",
    " 2h",
    "2h ",
    "2H",
  ];
  for (const duration of badDurations) {
    it(`exits 2 on --for ${JSON.stringify(duration)}`, () => {
      const { result, errors } = parse(["hold", "--for", duration, "--reason", "x"]);
      assert.equal(result, 2);
      assert.equal(
        errors[0],
        `error: --for "${duration}": expected a duration up to 24h such as 90s, 45m or 2h`,
      );
    });
  }

  const goodDurations: [string, number][] = [
    ["1s", 1_000],
    ["90s", 90_000],
    ["120s", 120_000],
    ["86400s", 86_400_000],
    ["45m", 2_700_000],
    ["1440m", 86_400_000],
    ["1h", 3_600_000],
    ["24h", 86_400_000],
  ];
  for (const [duration, forMs] of goodDurations) {
    it(`--for ${duration} is ${forMs} ms`, () => {
      assert.deepEqual(parseArgs(["hold", "--for", duration, "--reason", "upgrade"], topology), {
        kind: "run",
        args: run({ mode: "hold", hold: { forMs, reason: "upgrade" } }),
      });
    });
  }

  // --reason: 1 to 200 printable ASCII characters (it lands in the authority table and pages).
  const badReasons = ["", "x".repeat(201), "café", "éa", "aé", "two\nlines", "tab\there"];
  for (const reason of badReasons) {
    it(`exits 2 on --reason ${JSON.stringify(reason.slice(0, 12))} (${reason.length} characters)`, () => {
      const { result, errors } = parse(["hold", "--for", "2h", `--reason=${reason}`]);
      assert.equal(result, 2);
      assert.deepEqual(errors, [
        "error: --reason: expected 1-200 printable ASCII characters",
        USAGE,
      ]);
    });
  }

  it("--reason takes 1 to 200 printable characters, spaces and ~ included", () => {
    for (const reason of ["x", "y".repeat(200), " RDS minor upgrade, ticket #42 ~ok "]) {
      assert.deepEqual(parseArgs(["hold", "--reason", reason, "--for=2h"], topology), {
        kind: "run",
        args: run({ mode: "hold", hold: { forMs: 7_200_000, reason } }),
      });
    }
  });

  it("hold --clear; each mode with its flags, separate or inline", () => {
    const cases: [string[], ParsedArgs][] = [
      [["hold", "--clear"], run({ mode: "hold", hold: { clear: true } })],
      [["status"], run({ mode: "status" })],
      [["status", "--settings", "deployed"], run({ mode: "status" })],
      [["status", "--settings=plan"], run({ mode: "status", settings: "plan" })],
      [["drill", "--dry-run"], run({ mode: "drill", dryRun: true })],
      [["drill", "--to", "prod-euw1"], run({ mode: "drill", to: "prod-euw1" })],
      [
        ["unplanned", "--yes", "--to", "prod-euw1"],
        run({ mode: "unplanned", to: "prod-euw1", yes: true }),
      ],
      [
        ["failback", "--settings", "plan", "--dry-run", "--yes", "--to=prod-use1"],
        run({ mode: "failback", to: "prod-use1", dryRun: true, yes: true, settings: "plan" }),
      ],
    ];
    for (const [argv, args] of cases) {
      assert.deepEqual(parseArgs(argv, topology), { kind: "run", args }, argv.join(" "));
      assert.deepEqual(parse(argv).result, args, argv.join(" "));
    }
  });

  it("--help or -h anywhere prints the help, exit 0, whatever else is wrong", () => {
    for (const argv of [["--help"], ["-h"], ["status", "-h"], ["planned", "--bogus", "--help"]]) {
      const { result, printed, errors } = parse(argv);
      assert.equal(result, 0, argv.join(" "));
      assert.deepEqual(printed, [HELP]);
      assert.deepEqual(errors, []);
    }
  });
});
