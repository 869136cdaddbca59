// `planned --to prod-euw1` end to end: the step order (lease, data tier, config, preview check,
// up), refusals that change nothing, the preview guard, and the program's URNs after promotion.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { planOf, urns } from "../helpers/plan";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";
import { assertNothingChanged, cliSuite, type Cli } from "./helpers/harness";

const PLANNED = ["planned", "--to", "prod-euw1"];
const DATA_TIER_WRITES = [
  "FailoverGlobalReplicationGroup",
  "PromoteReadReplica",
  "DeleteReplicationConfiguration",
  "UpdateAutoScalingGroup",
];

describe("promote CLI: planned switchover", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("takes the lease, promotes the data tier, then sets config, previews and runs up, in that order", async () => {
    c = await suite.start();
    const code = await c.run(PLANNED);
    assert.equal(code, ExitCode.ok, c.output());

    // The authority: the operator took the lease and completed the promotion.
    const authority = await c.authority();
    assert.equal(authority.activeRegion, STANDBY);
    assert.equal(authority.epoch, 1);
    assert.equal(authority.phase, "completed");
    assert.equal(authority.holder, undefined);

    // AWS: the planned APIs only, all in the standby region, none to the region being left.
    const writes = c.aws.writes();
    for (const command of DATA_TIER_WRITES) {
      assert.equal(writes.filter((w) => w.command === command).length, 1, command);
    }
    assert.equal(
      writes.filter((w) => w.command === "DisassociateGlobalReplicationGroup").length,
      0,
    );
    assert.deepEqual(c.aws.callsTo(HOME), []);
    assert.equal(c.aws.state.databases[IDS.standby.db].source, undefined);
    assert.equal(c.aws.state.caches[IDS.standby.cache].role, "PRIMARY");
    // The promoted copies: media backed up, the replica-lag alarm no longer acting.
    assert.equal(c.aws.state.backups[IDS.standby.fs], "ENABLED");
    assert.deepEqual(c.aws.state.alarmsDisabled, [
      { region: STANDBY, name: `${IDS.standby.db}-db-replica-lag` },
    ]);
    assert.deepEqual(
      c.aws.state.metrics.filter((m) => m.name === "FailoverActive"),
      [{ region: STANDBY, name: "FailoverActive", value: 1 }],
    );

    // Progress: lease -> quiesce -> data tier -> endpoints -> gate -> config -> refresh -> preview -> up.
    const steps = c.lines.filter((l) => / start /.test(l)).map((l) => l.split(/\s+/)[2]);
    const first = (name: string) => steps.indexOf(name);
    const order = [
      "lease",
      "quiesce",
      "database",
      "endpoints",
      "gate",
      "config",
      "refresh",
      "preview",
      "preview-check",
      "up",
    ];
    for (let i = 1; i < order.length; i++) {
      assert.ok(
        first(order[i - 1]) >= 0 && first(order[i - 1]) < first(order[i]),
        `${order[i - 1]} before ${order[i]}: ${steps}`,
      );
    }

    // IaC: config in every stack, refresh and preview of both, up of the new active only; and
    // every data-tier write happened before the first config write.
    const ops = c.stackOps.calls;
    assert.deepEqual(
      ops.map((o) => `${o.op} ${o.stack}${o.region ? ` ${o.region}` : ""}`),
      [
        "setActiveRegion prod-euw1 eu-west-1",
        "setActiveRegion prod-use1 eu-west-1",
        "refresh prod-use1",
        "refresh prod-euw1",
        "previewChanges prod-use1",
        "previewChanges prod-euw1",
        "up prod-euw1",
      ],
    );
    const lastDataWrite = Math.max(
      ...c.aws.calls.map((call, i) => (DATA_TIER_WRITES.includes(call.command) ? i : -1)),
    );
    assert.ok(
      lastDataWrite < ops[0].awsCallsBefore,
      "the data tier is promoted before any config write",
    );
    assert.match(c.output(), /up +\S+ .*succeeded: \{"same":412,"update":3\}/);
    assert.match(c.output(), /done: eu-west-1 \(prod-euw1\) is active, epoch 1/);
  });

  // The database's RPO is the heartbeat's (test/automation/rpo.test.ts); the cache's is its lag.
  it("refuses with exit 3 and changes nothing when the cache's lag is over the budget", async () => {
    const aws = new FakeAws();
    aws.state.lag.GlobalDatastoreReplicationLag = [4, 95];
    c = await suite.start(aws);
    const code = await c.run(PLANNED);
    assert.equal(code, ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: the RPO is not shown to hold.*: loss window \d(\.\d)? s within the 60 s budget .*; cache: max GlobalDatastoreReplicationLag 95 s \(budget 60 s\)/,
    );
    assert.match(c.output(), /next: wait for replication to catch up/);
    assertNothingChanged(c, await c.authority());
  });

  it("refuses with exit 3 and changes nothing when the target is unhealthy", async () => {
    const aws = new FakeAws();
    aws.state.caches[IDS.standby.cache].status = "modifying";
    aws.state.caches[IDS.standby.cache].pending = 99;
    c = await suite.start(aws);
    const code = await c.run(PLANNED);
    assert.equal(code, ExitCode.refused, c.output());
    assert.match(
      c.output(),
      /REFUSED: eu-west-1 is not ready to take over: cache: magento-dr-prod-euw1 modifying, secondary/,
    );
    assertNothingChanged(c, await c.authority());
  });

  it("refuses a target whose database is no longer a replica (nothing to promote)", async () => {
    const aws = new FakeAws();
    aws.state.databases[IDS.standby.db].source = undefined;
    c = await suite.start(aws);
    assert.equal(await c.run(PLANNED), ExitCode.refused);
    assert.match(c.output(), /database: magento-dr-prod-euw1 available, standalone/);
    assertNothingChanged(c, await c.authority());
  });

  it("stops before up when the preview would replace a stateful resource (exit 1, next step printed)", async () => {
    c = await suite.start();
    const urn =
      "urn:pulumi:prod-euw1::magento-dr::magento-dr:index:RegionStack$magento-dr:data:Database$aws:rds/instance:Instance::prod-euw1-db-replica";
    c.stackOps.previews["prod-euw1"] = [{ op: "replace", type: "aws:rds/instance:Instance", urn }];
    const code = await c.run(PLANNED);
    assert.equal(code, ExitCode.failed, c.output());
    assert.equal(c.stackOps.calls.filter((o) => o.op === "up").length, 0);
    assert.match(
      c.output(),
      new RegExp(
        `FAILED: the preview of prod-euw1 would replace aws:rds/instance:Instance ${escape(urn)}`,
      ),
    );
    assert.match(c.output(), /state: .*authority names eu-west-1 active.*up did not run/);
    assert.match(c.output(), /next: do NOT run `pulumi up -s prod-euw1`/);
    // The promotion itself is complete and consistent; a rerun goes straight to IaC.
    assert.equal((await c.authority()).phase, "completed");
    c.stackOps.previews = {};
    c.stackOps.calls = [];
    const writesBefore = c.aws.writes().length;
    assert.equal(await c.run(PLANNED), ExitCode.ok, c.output());
    assert.equal(c.aws.writes().length, writesBefore, "the rerun promotes nothing again");
    assert.deepEqual(
      c.stackOps.calls.filter((o) => o.op === "up").map((o) => o.stack),
      ["prod-euw1"],
    );
  });

  it("leaves the program's URNs unchanged for the activeRegion the promotion set", async () => {
    c = await suite.start();
    assert.equal(await c.run(PLANNED), ExitCode.ok, c.output());
    const set = c.stackOps.calls.filter((o) => o.op === "setActiveRegion");
    assert.equal(set.length, 2);
    for (const { stack, region } of set) {
      const after = await planOf(stack, [`activeRegion=${region}`]);
      assert.equal(after.activeRegion, region);
      assert.deepEqual(urns(after), urns(await planOf(stack)), `URNs of ${stack}`);
    }
  });
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
