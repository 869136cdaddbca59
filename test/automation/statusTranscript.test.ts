// `status` as the operator reads it, line for line: the authority (lease, last promotion, serving
// lease, hold, an incomplete promotion), each region's tiers and signals, the lag into the
// successor and what a failover would do. Only what changes between runs is normalized
// (helpers/transcript.ts); status.test.ts covers the dead-region and reader-failure paths.
import assert from "node:assert/strict";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AuthorityStore } from "../../functions/region/authority";
import { HoldStore } from "../../functions/region/hold";
import { HOME, STANDBY } from "./helpers/fakeAws";
import { cliSuite, type Cli } from "./helpers/harness";
import { authorityVia, text, transcript } from "./helpers/transcript";

/** Each region's lines in the steady state: eu-west-1 replicating, us-east-1 serving. */
const EUW1_STANDBY = text(
  "      shallow   https://eu-west-1.shop.example.com/dr-shallow: answering (HTTP 200)",
  "      deep      https://eu-west-1.shop.example.com/health_check.php: healthy (HTTP 200)",
  "      database  available, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1",
  "      cache     available, secondary",
  "      media     replica of fs-898c2e8978d42d1ec (ENABLED)",
  "      app tier  0 in service, desired 0, min 0, max 12",
);
const USE1_ACTIVE = text(
  "      shallow   https://us-east-1.shop.example.com/dr-shallow: answering (HTTP 200)",
  "      deep      https://us-east-1.shop.example.com/health_check.php: healthy (HTTP 200)",
  "      database  available, standalone writer",
  "      cache     available, primary",
  "      media     writable",
  "      app tier  3 in service, desired 3, min 2, max 12",
);

describe("promote CLI: status, line for line", function () {
  this.timeout(60_000);
  const suite = cliSuite();

  /** An orchestrator's promotion to eu-west-1 taken and not finished (its lease and serving lease for `ttlMs`). */
  async function promotionTaken(c: Cli, ttlMs: number) {
    await new AuthorityStore({
      client: suite.dynamo().client(STANDBY),
      tableName: c.tableName,
      initialActiveRegion: HOME,
    }).takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:eu-west-1:req-7",
      incidentId: "auto-eu-west-1-x",
      ttlMs,
      mode: "unplanned",
      fromRegion: HOME,
      servingTtlMs: ttlMs,
    });
  }

  it("steady state: exit 0, both regions, the heartbeat's window, every tier's lag, would proceed", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["status"]), 0);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: status, operator alice, settings from the offline plan (test deadlines)",
        "authority (<table>, us-west-2): us-east-1 active, epoch 0, phase steady, no lease held",
        "  no operator hold: automatic failover armed",
        "stacks:",
        "  prod-euw1    eu-west-1    standby    standby (fenced)",
        EUW1_STANDBY,
        "  prod-use1    us-east-1    home       ACTIVE",
        USE1_ACTIVE,
        "RPO of us-east-1's data on eu-west-1, measured by the heartbeat:",
        "  loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>)",
        "replication lag into eu-west-1 (prod-euw1):",
        "  database  0 s       budget 60 s  ok  (max ReplicaLag 0 s)",
        "  cache     0.4 s     budget 60 s  ok  (max GlobalDatastoreReplicationLag 0.4 s)",
        "  media     <n> s     budget 900 s  ok  (last sync <n> s ago)",
        "a failover now:",
        "  planned --to prod-euw1:   would proceed: quiesce, promote cache/database/media and scale up, endpoints, then the gate moves traffic",
        "  unplanned --to prod-euw1: would promote after confirmation, losing up to writes after <iso> (loss window 0 s, measured), database 0 s, cache 0.4 s, media <n> s",
        "  the exact steps: npm run promote -- planned --to prod-euw1 --dry-run",
      ),
    );
  });

  it("a promotion in progress: the lease holder, the serving lease, the hold, INCOMPLETE, target not ready", async () => {
    const c = await suite.start();
    await promotionTaken(c, 600_000);
    await new HoldStore({ client: suite.dynamo().client(STANDBY), tableName: c.tableName }).set({
      forMs: 3_600_000,
      reason: "RDS minor upgrade",
      by: "bob",
    });
    assert.equal(await c.run(["status"]), 0);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: status, operator alice, settings from the offline plan (test deadlines)",
        "authority (<table>, us-west-2): eu-west-1 active, epoch 1, phase promoting, lease held by orchestrator:eu-west-1:req-7 until <iso>",
        "  last promotion: auto-eu-west-1-x (unplanned, from us-east-1)",
        "  serving lease: eu-west-1 until <iso>",
        "  OPERATOR HOLD until <iso> by bob: RDS minor upgrade (automatic failover paused)",
        "  A PROMOTION IS INCOMPLETE: rerun it (see the README runbook) before anything else",
        "stacks:",
        "  prod-euw1    eu-west-1    standby    ACTIVE",
        "      stack file says activeRegion us-east-1: IaC not reconciled yet (rerun the last promotion)",
        EUW1_STANDBY,
        "  prod-use1    us-east-1    home       standby (fenced)",
        "      stack file says activeRegion us-east-1: IaC not reconciled yet (rerun the last promotion)",
        USE1_ACTIVE,
        "RPO of eu-west-1's data on us-east-1, measured by the heartbeat:",
        "  loss window UNKNOWN, falling back to the lag metric: no heartbeat of eu-west-1 on this replica (no magento_dr_heartbeat table: no heartbeat ever reached this database)",
        "replication lag into us-east-1 (prod-use1):",
        "  database  unknown   budget 60 s  OVER BUDGET  (no ReplicaLag datapoints in the window)",
        "  cache     unknown   budget 60 s  OVER BUDGET  (no GlobalDatastoreReplicationLag datapoints in the window)",
        "  media     unknown   budget 900 s  OVER BUDGET  (nothing replicates into fs-898c2e8978d42d1ec)",
        "a failover now:",
        "  planned --to prod-use1:   REFUSED, target not ready: database magento-dr-prod-use1 available, standalone (not a replica: it holds no replicated data to promote); cache magento-dr-prod-use1 available, primary",
        "  unplanned --to prod-use1: REFUSED, target not ready",
        "  the exact steps: npm run promote -- planned --to prod-use1 --dry-run",
      ),
    );
  });

  it("an expired lease is no lease, an expired serving lease says so, an unreadable hold too", async () => {
    const c = await suite.start();
    await promotionTaken(c, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const table = suite.dynamo().client(STANDBY);
    const holdUnreadable = {
      send: async (command: { input?: { Key?: { pk?: { S?: string } } } }, options: unknown) => {
        if (command.input?.Key?.pk?.S === "hold") {
          throw new Error("Throughput exceeds the current capacity of your table");
        }
        return table.send(command as never, options as never);
      },
    } as unknown as DynamoDBClient;
    assert.equal(await c.run(["status"], authorityVia(holdUnreadable)), 0);
    assert.equal(
      transcript(c).split("\nstacks:")[0],
      text(
        "magento-dr promote: status, operator alice, settings from the offline plan (test deadlines)",
        "authority (<table>, us-west-2): eu-west-1 active, epoch 1, phase promoting, no lease held",
        "  last promotion: auto-eu-west-1-x (unplanned, from us-east-1)",
        "  serving lease: eu-west-1 EXPIRED at <iso>",
        "  operator hold: UNREADABLE: Throughput exceeds the current capacity of your table",
        "  A PROMOTION IS INCOMPLETE: rerun it (see the README runbook) before anything else",
      ),
    );
  });

  it("an unreadable authority: exit 1, the regions still shown with no role, no outlook", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["status"], authorityVia()), 1);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: status, operator alice, settings from the offline plan (test deadlines)",
        "authority (<table>, us-west-2): UNREADABLE: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:GetItem",
        "stacks:",
        "  prod-euw1    eu-west-1    standby    ?",
        EUW1_STANDBY,
        "  prod-use1    us-east-1    home       ?",
        USE1_ACTIVE,
      ),
    );
  });

  it("after a planned switchover: the last promotion, the stack files not reconciled, the way back refused", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 0, c.output());
    c.lines.length = 0;
    assert.equal(await c.run(["status"]), 0);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: status, operator alice, settings from the offline plan (test deadlines)",
        "authority (<table>, us-west-2): eu-west-1 active, epoch 1, phase completed, no lease held",
        "  last promotion: operator-planned-eu-west-1-<stamp> (planned, from us-east-1)",
        "  serving lease: eu-west-1 until <iso>",
        "  no operator hold: automatic failover armed",
        "stacks:",
        "  prod-euw1    eu-west-1    standby    ACTIVE",
        "      stack file says activeRegion us-east-1: IaC not reconciled yet (rerun the last promotion)",
        "      shallow   https://eu-west-1.shop.example.com/dr-shallow: answering (HTTP 200)",
        "      deep      https://eu-west-1.shop.example.com/health_check.php: healthy (HTTP 200)",
        "      database  available, standalone writer",
        "      cache     available, primary",
        "      media     writable",
        "      app tier  3 in service, desired 3, min 2, max 12",
        "  prod-use1    us-east-1    home       standby (fenced)",
        "      stack file says activeRegion us-east-1: IaC not reconciled yet (rerun the last promotion)",
        "      shallow   https://us-east-1.shop.example.com/dr-shallow: answering (HTTP 200)",
        "      deep      https://us-east-1.shop.example.com/health_check.php: healthy (HTTP 200)",
        "      database  available, standalone writer",
        "      cache     available, secondary",
        "      media     writable",
        "      app tier  3 in service, desired 3, min 2, max 12",
        "RPO of eu-west-1's data on us-east-1, measured by the heartbeat:",
        "  loss window UNKNOWN, falling back to the lag metric: no heartbeat of eu-west-1 on this replica (no magento_dr_heartbeat table: no heartbeat ever reached this database)",
        "replication lag into us-east-1 (prod-use1):",
        "  database  unknown   budget 60 s  OVER BUDGET  (no ReplicaLag datapoints in the window)",
        "  cache     0.4 s     budget 60 s  ok  (max GlobalDatastoreReplicationLag 0.4 s)",
        "  media     unknown   budget 900 s  OVER BUDGET  (nothing replicates into fs-898c2e8978d42d1ec)",
        "a failover now:",
        "  planned --to prod-use1:   REFUSED, target not ready: database magento-dr-prod-use1 available, standalone (not a replica: it holds no replicated data to promote)",
        "  unplanned --to prod-use1: REFUSED, target not ready",
        "  the exact steps: npm run promote -- planned --to prod-use1 --dry-run",
      ),
    );
  });
});
