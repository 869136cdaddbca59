// The IaC half of a promotion as the operator reads it when it fails: the failed step's line,
// what failed, the state (the data tier promoted, which stack files and stacks are done) and the
// rerun that goes straight back to the IaC steps; a preview that would replace a stateful
// resource stops before up with the property to look for. And a target whose tiers cannot even be
// read is refused naming each. Only what changes between runs is normalized
// (helpers/transcript.ts).
import assert from "node:assert/strict";
import type { StackCall } from "./helpers/harness";
import { FakeAws, IDS } from "./helpers/fakeAws";
import { cliSuite } from "./helpers/harness";
import { text, transcript } from "./helpers/transcript";

/** The failed step's line, any notice, and the three closing lines. */
const ending = (output: string) => {
  const lines = output.split("\n");
  return text(
    ...lines.filter((l) => l.startsWith("<t>  failed") || l.startsWith("<t>  skipped  notice")),
    ...lines.slice(-3),
  );
};

describe("promote CLI: the IaC steps failing, line for line", function () {
  this.timeout(60_000);
  const suite = cliSuite();

  const failures: [StackCall["op"], string, string][] = [
    [
      "setActiveRegion",
      "prod-use1",
      text(
        "<t>  failed   config         <d> s  setActiveRegion exploded",
        "FAILED: setting activeRegion in prod-use1: setActiveRegion exploded",
        "state: the data tier is promoted and the authority names eu-west-1 active; some stack files are not updated yet",
        "next: fix the cause, then `npm run promote -- planned --to prod-euw1` (the promotion is done; a rerun goes straight to the IaC steps)",
      ),
    ],
    [
      "refresh",
      "prod-euw1",
      text(
        "<t>  failed   refresh        <d> s  refresh exploded",
        "FAILED: refreshing prod-euw1: refresh exploded",
        "state: the data tier is promoted and the authority names eu-west-1 active; every stack file names the new active region; nothing was applied with up",
        "next: fix the cause, then `npm run promote -- planned --to prod-euw1` (the promotion is done; a rerun goes straight to the IaC steps)",
      ),
    ],
    [
      "previewChanges",
      "prod-use1",
      text(
        "<t>  failed   preview        <d> s  previewChanges exploded",
        "FAILED: previewing prod-use1: previewChanges exploded",
        "state: the data tier is promoted and the authority names eu-west-1 active; every stack file names the new active region; nothing was applied with up",
        "next: fix the cause, then `npm run promote -- planned --to prod-euw1` (the promotion is done; a rerun goes straight to the IaC steps)",
      ),
    ],
    [
      "up",
      "prod-euw1",
      text(
        "<t>  failed   up             <d> s  up exploded",
        "FAILED: pulumi up of prod-euw1: up exploded",
        "state: the data tier is promoted and the authority names eu-west-1 active; every stack file names the new active region; nothing was applied with up to prod-euw1",
        "next: fix the cause, then `npm run promote -- planned --to prod-euw1` (the promotion is done; a rerun goes straight to the IaC steps)",
      ),
    ],
  ];
  for (const [op, stack, expected] of failures) {
    it(`${op} of ${stack} failing: exit 1, the state and the rerun`, async () => {
      const c = await suite.start();
      c.stackOps.failOn = { op, stack, error: new Error(`${op} exploded`) };
      assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 1);
      assert.equal(ending(transcript(c)), expected);
      // Only the failed up itself was attempted: no up after a failed earlier step.
      assert.equal(c.stackOps.calls.filter((call) => call.op === "up").length, op === "up" ? 1 : 0);
    });
  }

  it("a preview replacing a stateful resource: stops before up, says what to fix; other changes are notices", async () => {
    const c = await suite.start();
    c.stackOps.previews["prod-euw1"] = [
      {
        op: "replace",
        type: "aws:rds/instance:Instance",
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:rds/instance:Instance::db",
      },
      {
        op: "delete",
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:cloudwatch/metricAlarm:MetricAlarm::lag",
      },
      {
        op: "same",
        type: "aws:s3/bucket:Bucket",
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:s3/bucket:Bucket::b",
      },
    ];
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 1);
    const lines = transcript(c).split("\n");
    assert.equal(
      lines.find((l) => l.startsWith("<t>  done     preview        <d> s  2")),
      "<t>  done     preview        <d> s  2 change(s)",
    );
    assert.equal(
      ending(transcript(c)),
      text(
        "<t>  skipped  notice         delete aws:cloudwatch/metricAlarm:MetricAlarm urn:pulumi:prod-euw1::magento-dr::aws:cloudwatch/metricAlarm:MetricAlarm::lag",
        "<t>  failed   preview-check  <d> s  1 stateful resource(s) would be lost",
        "FAILED: the preview of prod-euw1 would replace aws:rds/instance:Instance urn:pulumi:prod-euw1::magento-dr::aws:rds/instance:Instance::db",
        "state: the data tier is promoted and the authority names eu-west-1 active; every stack file names the new active region; nothing was applied with up; up did not run",
        "next: do NOT run `pulumi up -s prod-euw1`: it would destroy data. Find the property the failover changed that the program does not ignore (components/: ignoreChanges), fix the program, check with `npm run plan -- --stack prod-euw1 --config activeRegion=<region>`, then rerun this command",
      ),
    );
    assert.deepEqual(
      c.stackOps.calls.filter((call) => call.op === "up"),
      [],
    );
  });

  it("a target whose tiers cannot be read: refused naming each, exit 3", async () => {
    const aws = new FakeAws();
    delete aws.state.databases[IDS.standby.db];
    delete aws.state.caches[IDS.standby.cache];
    delete aws.state.asgs["magento-dr-prod-euw1-magento"];
    const c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 3);
    assert.deepEqual(c.aws.writes(), []);
    const lines = transcript(c).split("\n");
    assert.equal(
      text(...lines.filter((l) => l.startsWith("  NOT ")), ...lines.slice(-2)),
      text(
        "  NOT  database  unreadable: DBInstance magento-dr-prod-euw1 not found",
        "  NOT  cache     unreadable: group magento-dr-prod-euw1 not found",
        "  NOT  capacity  unreadable: Auto Scaling group magento-dr-prod-euw1-magento not found",
        "REFUSED: eu-west-1 is not ready to take over: database: unreadable: DBInstance magento-dr-prod-euw1 not found; cache: unreadable: group magento-dr-prod-euw1 not found; capacity: unreadable: Auto Scaling group magento-dr-prod-euw1-magento not found",
        'next: fix the target first (README runbook, "When a step fails"), then rerun; nothing was changed',
      ),
    );
  });
});
