// `hold`: an operator declares planned maintenance in the authority table (the automatic path
// pauses; functions/region/hold.ts), `status` shows it, `hold --clear` ends it; bad flags are
// refused with exit 2 and write nothing.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { cliSuite, type Cli } from "./helpers/harness";

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe("promote CLI: hold", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("sets a hold for the given time, status shows it, --clear ends it; no promotion is touched", async () => {
    c = await suite.start();
    const before = Date.now();
    assert.equal(
      await c.run(["hold", "--for", "2h", "--reason", "RDS minor upgrade"]),
      ExitCode.ok,
      c.output(),
    );
    const after = Date.now();
    const out = c.output();
    const set = new RegExp(
      `hold set in ${c.tableName} \\(us-west-2\\) until (${ISO.source}) by alice: RDS minor upgrade`,
    ).exec(out);
    assert.ok(set, out);
    const until = Date.parse(set[1]);
    assert.ok(until >= before + 7_200_000 && until <= after + 7_200_000, set[1]);
    assert.match(
      out,
      /the detector keeps probing and alerting but promotes nothing, resumes nothing/,
    );
    // The authority item itself is untouched: a hold pauses, it does not move anything.
    const authority = await c.authority();
    assert.deepEqual([authority.activeRegion, authority.epoch], ["us-east-1", 0]);

    c.lines.length = 0;
    assert.equal(await c.run(["status"]), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      new RegExp(
        `OPERATOR HOLD until ${set[1].replace(/\./g, "\\.")} by alice: RDS minor upgrade \\(automatic failover paused\\)`,
      ),
    );

    c.lines.length = 0;
    assert.equal(await c.run(["hold", "--clear"]), ExitCode.ok, c.output());
    assert.match(
      c.output(),
      new RegExp(
        `hold cleared in ${c.tableName} \\(us-west-2\\): the automatic path is armed again`,
      ),
    );
    c.lines.length = 0;
    assert.equal(await c.run(["status"]), ExitCode.ok);
    assert.match(c.output(), /no operator hold: automatic failover armed/);
  });

  it("refuses bad flags with exit 2 and writes no hold", async () => {
    c = await suite.start();
    for (const [argv, message] of [
      [["hold", "--for", "25h", "--reason", "x"], /--for "25h": expected a duration up to 24h/],
      [["hold", "--for", "0m", "--reason", "x"], /--for "0m": expected a duration up to 24h/],
      [["hold", "--for", "2d", "--reason", "x"], /--for "2d": expected a duration up to 24h/],
      [["hold", "--reason", "x"], /hold needs --for <duration> \(e\.g\. 90m, 2h\) or --clear/],
      [["hold", "--for", "2h"], /hold needs --reason <text>/],
      [["hold", "--clear", "--for", "2h"], /hold --clear takes neither --for nor --reason/],
      [["hold", "--for", "2h", "--reason", "x", "--to", "prod-euw1"], /hold takes no --to/],
      [["status", "--for", "2h"], /--for, --reason and --clear belong to the hold mode/],
    ] as const) {
      c.lines.length = 0;
      assert.equal(await c.run([...argv]), ExitCode.usage, `${argv.join(" ")}: ${c.output()}`);
      assert.match(c.output(), message, argv.join(" "));
    }
    c.lines.length = 0;
    assert.equal(await c.run(["status"]), ExitCode.ok);
    assert.match(c.output(), /no operator hold: automatic failover armed/);
  });

  it("24h is the longest hold", async () => {
    c = await suite.start();
    assert.equal(await c.run(["hold", "--for", "24h", "--reason", "long window"]), ExitCode.ok);
    assert.match(c.output(), /hold set in .* by alice: long window/);
  });
});
