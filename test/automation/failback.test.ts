// `failback --to prod-use1` after production moved to eu-west-1: refused (nothing changed) until
// the database replicates back; starts the EFS replication back itself; switches once every tier
// is in sync, reopening the home region's gate; then `up` on every stack, home first.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";
import {
  backAfterUnplanned,
  homeReplicationDeleting,
  rebuildHomeReplica,
  switchedOver as switchedOverFrom,
} from "./helpers/failback";
import { cliSuite, type Cli } from "./helpers/harness";

const FAILBACK = ["failback", "--to", "prod-use1"];

describe("promote CLI: failback", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  const switchedOver = (aws?: FakeAws) => switchedOverFrom(suite.start, aws);

  /** The search replication function's invocations, as "<region> <action>". */
  function searchActions(x: Cli): string[] {
    return x.aws.calls
      .filter(
        (call) =>
          call.command === "Invoke" &&
          x.aws.state.functions[call.input.FunctionName]?.kind === "search",
      )
      .map(
        (call) => `${call.region} ${JSON.parse(Buffer.from(call.input.Payload).toString()).action}`,
      );
  }

  it("refuses with exit 3, printing the rebuild, while the home database is not a replica", async () => {
    c = await switchedOver();
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /aws rds modify-db-instance --region us-east-1 --db-instance-identifier magento-dr-prod-use1 --new-db-instance-identifier magento-dr-prod-use1-before-failback/,
    );
    assert.match(
      c.output(),
      /REFUSED: replication towards us-east-1 is not established for: database/,
    );
    assert.deepEqual(c.aws.writes(), [], "refused before anything, the prompt included");
    assert.deepEqual(c.questions, []);
    assert.equal(c.stackOps.calls.length, 0);
    assert.equal((await c.authority()).activeRegion, STANDBY);
  });

  it("starts the media replication back, waits for its sync across runs, then switches back", async () => {
    c = await switchedOver();
    rebuildHomeReplica(c);
    homeReplicationDeleting(c);

    // Run 0: EFS is still deleting the replication the switchover removed.
    assert.equal(await c.run(FAILBACK), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: replication towards us-east-1 is not established for: media/,
    );
    assert.match(c.output(), /still being deleted/);
    assert.equal(c.aws.writes().length, 0);
    c.lines.length = 0;

    // Run 1: confirms, starts EFS replication eu-west-1 -> us-east-1, refuses while it syncs.
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.refused, c.output());
    assert.match(c.questions[0], /Media in fs-898c2e8978d42d1ec \(us-east-1\) will be OVERWRITTEN/);
    assert.deepEqual(
      c.aws.writes().map((w) => `${w.command} ${w.region}`),
      [
        "UpdateFileSystemProtection us-east-1",
        "CreateReplicationConfiguration eu-west-1",
        // Search: the home domain's stale indices make way for a fresh copy (docs/search.md).
        "Invoke us-east-1",
      ],
    );
    assert.match(
      c.output(),
      /REFUSED: the RPO is not shown to hold, a planned switchover would lose data: media replication ENABLING: no sync yet/,
    );
    assert.match(
      c.output(),
      /changed by this run: disabled replication overwrite protection .*; started replication fs-12f6a083c1eab83af \(eu-west-1\) -> fs-898c2e8978d42d1ec \(us-east-1\)/,
    );
    assert.equal((await c.authority()).activeRegion, STANDBY, "nothing switched");
    assert.equal(c.stackOps.calls.length, 0);

    // Run 2: everything replicates back; the switch runs.
    c.aws.calls = [];
    c.lines.length = 0;
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.ok, c.output());
    // The home stack's own heartbeat reader measures what the failback could lose, and proves
    // the quiesce with a beat the standby wrote after the fence.
    assert.match(
      c.output(),
      /RPO of eu-west-1's data, measured by the heartbeat \(docs\/rpo\.md\):\n +loss window \d+(\.\d)? s +budget 60 s +ok/,
    );
    assert.match(c.output(), /done +quiesce +[\d.]+ s +heartbeat of eu-west-1 written at /);
    const writes = c.aws.writes().map((w) => `${w.command} ${w.region}`);
    assert.ok(!writes.includes("CreateReplicationConfiguration eu-west-1"), "not started twice");
    for (const expected of [
      "FailoverGlobalReplicationGroup us-east-1",
      "PromoteReadReplica us-east-1",
      "DeleteReplicationConfiguration us-east-1",
      "UpdateAutoScalingGroup us-east-1",
    ]) {
      assert.ok(writes.includes(expected), `${expected} in ${writes}`);
    }
    // The home region's PRIMARY record is reopened where its gate alarm lives.
    assert.deepEqual(c.aws.state.metrics.filter((m) => m.name === "FailoverActive").slice(-1), [
      { region: STANDBY, name: "FailoverActive", value: 0 },
    ]);
    const authority = await c.authority();
    assert.equal(authority.activeRegion, HOME);
    assert.equal(authority.phase, "completed");
    assert.equal(c.aws.state.caches[IDS.home.cache].role, "PRIMARY");
    assert.equal(c.aws.state.databases[IDS.home.db].source, undefined);
    // Search: resynced at home, promoted there, then the region left follows afresh.
    assert.deepEqual(searchActions(c), [
      "us-east-1 resync",
      "us-east-1 promote",
      "eu-west-1 resync",
    ]);
    // IaC on every stack, home first, each up after a clean preview.
    assert.deepEqual(
      c.stackOps.calls.filter((o) => o.op !== "setActiveRegion").map((o) => `${o.op} ${o.stack}`),
      [
        "refresh prod-use1",
        "refresh prod-euw1",
        "previewChanges prod-use1",
        "previewChanges prod-euw1",
        "up prod-use1",
        "previewChanges prod-euw1",
        "up prod-euw1",
      ],
    );
    assert.match(
      c.output(),
      /left to do by hand .*\n.*prod-euw1: its database served during the failover/,
    );
  });

  it("waits for the search copy at home: refused (nothing switched) while indices still copy", async () => {
    c = await switchedOver();
    rebuildHomeReplica(c);
    c.aws.state.replications.push({
      source: IDS.standby.fs,
      sourceRegion: STANDBY,
      destination: IDS.home.fs,
      destinationRegion: HOME,
      status: "ENABLED",
      syncAfter: 0,
      lastReplicated: new Date(),
    });
    c.aws.state.search[HOME] = { problems: [], bootstrapping: 2 };
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.refused, c.output());
    assert.match(c.questions[0] ?? "", /Search indices in us-east-1 .* will be DROPPED/);
    assert.match(
      c.output(),
      /REFUSED: search in us-east-1 is not a complete copy of eu-west-1 yet: 2 index\(es\) still copying/,
    );
    assert.deepEqual(searchActions(c), ["us-east-1 resync"]);
    assert.equal((await c.authority()).activeRegion, STANDBY, "nothing switched");
  });

  it("after an unplanned failover: removes the old outbound replication and accepts the stale cache", async () => {
    c = await backAfterUnplanned(suite.start);

    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /accept +cache +primary of a Global Datastore nothing replicates into/,
    );
    assert.match(
      c.questions[0],
      /The cache in us-east-1 holds data from before the failover: flush it/,
    );
    assert.deepEqual(
      c.aws
        .writes()
        .map(
          (w) => `${w.command} ${w.region} ${w.input.SourceFileSystemId ?? w.input.FileSystemId}`,
        ),
      [
        `DeleteReplicationConfiguration us-east-1 ${IDS.home.fs}`,
        `UpdateFileSystemProtection us-east-1 ${IDS.home.fs}`,
        `CreateReplicationConfiguration eu-west-1 ${IDS.standby.fs}`,
        "Invoke us-east-1 undefined",
      ],
    );

    c.lines.length = 0;
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), ExitCode.ok, c.output());
    assert.equal((await c.authority()).activeRegion, HOME);
    assert.match(c.output(), /flush the cache in us-east-1 now/);
  });
});
