// The switchover as the operator reads it, line for line: the checks before anything changes,
// every step's progress with what it calls where, the result and what to verify; and each way
// it refuses (not confirmed, not ready, the RPO not shown to hold, the authority unreadable) with
// its exit code and next step. Only what changes between runs is normalized
// (helpers/transcript.ts); planned.test.ts checks the order of the steps and what AWS saw.
import assert from "node:assert/strict";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";
import { assertNothingChanged, cliSuite } from "./helpers/harness";
import { authorityVia, questionsAsked, text, transcript } from "./helpers/transcript";

/** What the CLI checks and prints before a switchover to prod-euw1 in the steady state. */
const STEADY_CHECKS = text(
  "target prod-euw1 (eu-west-1):",
  "  ok   database  magento-dr-prod-euw1 available, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1",
  "  ok   cache     magento-dr-prod-euw1 available, secondary",
  "  ok   capacity  magento-dr-prod-euw1-magento 0 in service (desired 0, max 12)",
  "RPO of us-east-1's data, measured by the heartbeat (docs/rpo.md):",
  "  loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>)",
  "replication lag into the target (the database's secondary):",
  "  database  0 s       budget 60 s  ok  (max ReplicaLag 0 s)",
  "  cache     0.4 s     budget 60 s  ok  (max GlobalDatastoreReplicationLag 0.4 s)",
  "  media     <n> s     budget 900 s  ok  (last sync <n> s ago)",
);

/** What a successful switchover to prod-euw1 ends with. */
const VERIFY_EUW1 = text(
  "verify:",
  "  npm run promote -- status          (roles, epoch, lag; the target must be ACTIVE)",
  "  curl -sI https://eu-west-1.shop.example.com/health_check.php   (200 from the new active region's ALB)",
  "  git diff Pulumi.*.yaml            (activeRegion changed in every stack file: commit it)",
);

/** The progress lines, capacity to lease in name order, both switchovers to prod-euw1 print. */
const STEPS_CAPACITY_TO_LEASE = text(
  "<t>  start    capacity       autoscaling:UpdateAutoScalingGroup [eu-west-1] magento-dr-prod-euw1-magento min 2 desired 3 max 12",
  "<t>  already-done capacity       <d> s  3 of 3 instances in service",
  "<t>  start    config         prod-euw1: magento-dr:activeRegion = eu-west-1 (Pulumi.prod-euw1.yaml)",
  "<t>  done     config         <d> s",
  "<t>  start    config         prod-use1: magento-dr:activeRegion = eu-west-1 (Pulumi.prod-use1.yaml)",
  "<t>  done     config         <d> s",
  "<t>  start    control-planes IAM and Route 53 APIs (us-east-1) answer",
  "<t>  done     control-planes <d> s  IAM: HTTP 403; Route 53: HTTP 403",
  "<t>  start    database       rds:PromoteReadReplica [eu-west-1] magento-dr-prod-euw1; cloudwatch:DisableAlarmActions (once standalone, if still acting; best effort) [eu-west-1] magento-dr-prod-euw1-db-replica-lag",
  "<t>  done     database       <d> s  replica promoted; standby-only alarm actions off (magento-dr-prod-euw1-db-replica-lag)",
  "<t>  start    endpoints      ssm:PutParameter (only values that differ; epoch last) [eu-west-1] /magento-dr/prod-euw1/db/writer-host, /magento-dr/prod-euw1/cache/primary-host, /magento-dr/prod-euw1/search/endpoint, /magento-dr/prod-euw1/active-region, /magento-dr/prod-euw1/maintenance, /magento-dr/prod-euw1/epoch",
  "<t>  done     endpoints      <d> s  updated /magento-dr/prod-euw1/db/writer-host, /magento-dr/prod-euw1/cache/primary-host, /magento-dr/prod-euw1/search/endpoint, /magento-dr/prod-euw1/active-region, /magento-dr/prod-euw1/maintenance, epoch 1",
  "<t>  start    gate           cloudwatch:PutMetricData [eu-west-1] magento-dr/RegionGate/FailoverActive = 1 (trips the PRIMARY record's health check)",
  "<t>  done     gate           <d> s  magento-dr/RegionGate/FailoverActive = 1",
  "<t>  start    lease          take the authority lease at epoch 0 for eu-west-1",
  "<t>  done     lease          <d> s  epoch 1, operator:alice",
);

describe("promote CLI: switchover, line for line", function () {
  this.timeout(60_000);
  const suite = cliSuite();

  /** A dry run's transcript, once it is shown to have asked and changed nothing. */
  async function dryRunOf(argv: string[]): Promise<string> {
    const c = await suite.start();
    assert.equal(await c.run(argv), 0);
    assertNothingChanged(c, await c.authority());
    assert.deepEqual(c.questions, []);
    return transcript(c);
  }

  it("planned: exit 0; the checks, each step's calls and result, the RPO audited, what to verify", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 0);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: planned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        STEADY_CHECKS,
        "<t>  start    app-tier       autoscaling:UpdateAutoScalingGroup [eu-west-1] magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "<t>  done     app-tier       <d> s  2 instances in service (2 needed to serve)",
        "<t>  start    cache          elasticache:FailoverGlobalReplicationGroup [eu-west-1] ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-euw1",
        "<t>  done     cache          <d> s  failed over; local group is primary",
        STEPS_CAPACITY_TO_LEASE,
        "<t>  start    media          elasticfilesystem:DeleteReplicationConfiguration, until DescribeFileSystems says ReplicationOverwriteProtection ENABLED [eu-west-1] replication into fs-12f6a083c1eab83af; elasticfilesystem:PutBackupPolicy ENABLED (once writable) [eu-west-1] fs-12f6a083c1eab83af",
        "<t>  done     media          <d> s  file system writable after deleting the replication (ALL_CONFIGURATIONS), backups on",
        "<t>  start    preview        prod-use1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview        prod-euw1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview-check  prod-use1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    preview-check  prod-euw1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    quiesce        lambda:Invoke (poll until a heartbeat written after the fence is on the replica) [eu-west-1] prod-euw1-heartbeat-reader-fn-fn-71eb997; cloudwatch:GetMetricData (poll until 0; decides only where the heartbeat cannot) [eu-west-1] AWS/RDS ReplicaLag of magento-dr-prod-euw1, measured after the fence",
        "<t>  done     quiesce        <d> s  heartbeat of us-east-1 written at <iso>, after the fence settled (fence at <iso> (the replica's clock)), is on the replica: every write before it is there",
        "<t>  start    refresh        prod-use1",
        "<t>  done     refresh        <d> s",
        "<t>  start    refresh        prod-euw1",
        "<t>  done     refresh        <d> s",
        '<t>  start    search         lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents) [eu-west-1] prod-euw1-search-replication-fn-fn-41d484a; ssm:PutParameter (only if the indices are missing or empty) [eu-west-1] /magento-dr/prod-euw1/search/reindex-requested = the lease epoch',
        "<t>  done     search         <d> s  stopped replication on 0 index(es); magento2_product_1 -> magento2_product_1_v1 (10 docs)",
        "<t>  start    up             prod-euw1 with policy pack policies (policies/prod.json)",
        '<t>  done     up             <d> s  succeeded: {"same":412,"update":3}',
        "done: eu-west-1 (prod-euw1) is active, epoch 1.",
        "  RPO: loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>); recorded in the audit of operator-planned-eu-west-1-<stamp>",
        VERIFY_EUW1,
      ),
    );
  });

  it("unplanned --yes: exit 0, no quiesce, the data tier and the gate at once, no refresh of the region left", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["unplanned", "--to", "prod-euw1", "--yes"]), 0);
    assert.deepEqual(c.questions, []);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: unplanned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        STEADY_CHECKS,
        "<t>  start    app-tier       autoscaling:UpdateAutoScalingGroup [eu-west-1] magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "<t>  done     app-tier       <d> s  2 instances in service (2 needed to serve)",
        "<t>  start    cache          elasticache:FailoverGlobalReplicationGroup [eu-west-1] ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-euw1; elasticache:DisassociateGlobalReplicationGroup (after 2 refusals or 2 errors; asked again while the datastore is modifying) [eu-west-1] magento-dr-prod-euw1",
        "<t>  done     cache          <d> s  failed over; local group is primary",
        STEPS_CAPACITY_TO_LEASE,
        "<t>  start    media          elasticfilesystem:DeleteReplicationConfiguration (LOCAL_CONFIGURATION_ONLY if refused or stuck in DELETING), until DescribeFileSystems says ReplicationOverwriteProtection ENABLED [eu-west-1] replication into fs-12f6a083c1eab83af; elasticfilesystem:PutBackupPolicy ENABLED (once writable) [eu-west-1] fs-12f6a083c1eab83af",
        "<t>  done     media          <d> s  file system writable after deleting the replication (ALL_CONFIGURATIONS), backups on",
        "<t>  start    preview        prod-euw1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview-check  prod-euw1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  skipped  refresh        prod-use1: us-east-1 is the region being failed away from; refresh it when it is back",
        "<t>  start    refresh        prod-euw1",
        "<t>  done     refresh        <d> s",
        '<t>  start    search         lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents) [eu-west-1] prod-euw1-search-replication-fn-fn-41d484a; ssm:PutParameter (only if the indices are missing or empty) [eu-west-1] /magento-dr/prod-euw1/search/reindex-requested = the lease epoch',
        "<t>  done     search         <d> s  stopped replication on 0 index(es); magento2_product_1 -> magento2_product_1_v1 (10 docs)",
        "<t>  start    up             prod-euw1 with policy pack policies (policies/prod.json)",
        '<t>  done     up             <d> s  succeeded: {"same":412,"update":3}',
        "done: eu-west-1 (prod-euw1) is active, epoch 1.",
        "  RPO: loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>); recorded in the audit of operator-unplanned-eu-west-1-<stamp>",
        VERIFY_EUW1,
      ),
    );
  });

  it("unplanned, a wrong answer: the question names the loss, exit 3, nothing changed", async () => {
    const c = await suite.start();
    c.answers.push("eu-west");
    assert.equal(await c.run(["unplanned", "--to", "prod-euw1"]), 3);
    assertNothingChanged(c, await c.authority());
    assert.deepEqual(questionsAsked(c), [
      text(
        "UNPLANNED FAILOVER of production to eu-west-1 (prod-euw1), away from us-east-1.",
        "Writes not yet replicated are lost: writes after <iso> (loss window 0 s, measured); lag now: database 0 s, cache 0.4 s, media <n> s.",
        "RPO budget 60 s: holds (loss window 0 s within the 60 s budget (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>)).",
        "us-east-1 is fenced from now on and stays so; coming back is a failback (README runbook).",
      ),
    ]);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: unplanned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        STEADY_CHECKS,
        "REFUSED: not confirmed",
        'next: rerun and type "eu-west-1" at the prompt, or pass --yes; nothing was changed',
      ),
    );
  });

  it("planned to the region already active: no AWS write, no lease; the stacks are reconciled", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-use1"]), 0);
    assert.deepEqual(c.aws.writes(), []);
    assert.equal((await c.authority()).epoch, 0);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: planned --to prod-use1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        "<t>  start    config         prod-euw1: magento-dr:activeRegion = us-east-1 (Pulumi.prod-euw1.yaml)",
        "<t>  done     config         <d> s",
        "<t>  start    config         prod-use1: magento-dr:activeRegion = us-east-1 (Pulumi.prod-use1.yaml)",
        "<t>  done     config         <d> s",
        "<t>  start    control-planes IAM and Route 53 APIs (us-east-1) answer",
        "<t>  done     control-planes <d> s  IAM: HTTP 403; Route 53: HTTP 403",
        "<t>  start    preview        prod-use1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview        prod-euw1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview-check  prod-use1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    preview-check  prod-euw1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  skipped  promotion      us-east-1 is already active (epoch 0): straight to IaC",
        "<t>  start    refresh        prod-use1",
        "<t>  done     refresh        <d> s",
        "<t>  start    refresh        prod-euw1",
        "<t>  done     refresh        <d> s",
        "<t>  start    up             prod-use1 with policy pack policies (policies/prod.json)",
        '<t>  done     up             <d> s  succeeded: {"same":412,"update":3}',
        "done: us-east-1 (prod-use1) is active.",
        "verify:",
        "  npm run promote -- status          (roles, epoch, lag; the target must be ACTIVE)",
        "  curl -sI https://us-east-1.shop.example.com/health_check.php   (200 from the new active region's ALB)",
        "  git diff Pulumi.*.yaml            (activeRegion changed in every stack file: commit it)",
      ),
    );
  });

  it("the authority unreadable: exit 1, nothing changed, what to check", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-euw1"], authorityVia()), 1);
    assert.deepEqual(c.aws.writes(), []);
    assert.deepEqual(c.stackOps.calls, []);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: planned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "FAILED: cannot read the authority table <table> in us-west-2: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:GetItem",
        "state: nothing was changed",
        'next: check credentials and reachability of us-west-2; without the authority no promotion can be decided (it is the fence), see the README runbook, "When a step fails"',
      ),
    );
  });

  it("a dry run with the authority unreadable goes on from the stack files' view", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-euw1", "--dry-run"], authorityVia()), 0);
    const lines = transcript(c).split("\n");
    assert.equal(
      text(...lines.slice(0, 3)),
      text(
        "magento-dr promote: planned --to prod-euw1 (dry run), operator alice, settings from the offline plan (test deadlines)",
        "authority unreadable (cannot read the authority table <table> in us-west-2: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:GetItem); assuming the stack files' view",
        "authority: us-east-1 active, epoch 0, phase steady",
      ),
    );
    assert.equal(lines.at(-1), "preconditions now: met, a real run would proceed");
  });

  it("a target not ready: each tier marked, the refusal names them all, exit 3, nothing changed", async () => {
    const aws = new FakeAws();
    aws.state.databases[IDS.standby.db].status = "storage-full";
    aws.state.caches[IDS.standby.cache].status = "modifying";
    const c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 3);
    assertNothingChanged(c, await c.authority());
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: planned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        "target prod-euw1 (eu-west-1):",
        "  NOT  database  magento-dr-prod-euw1 storage-full, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1",
        "  NOT  cache     magento-dr-prod-euw1 modifying, secondary",
        "  ok   capacity  magento-dr-prod-euw1-magento 0 in service (desired 0, max 12)",
        "RPO of us-east-1's data, measured by the heartbeat (docs/rpo.md):",
        "  loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>)",
        "replication lag into the target (the database's secondary):",
        "  database  0 s       budget 60 s  ok  (max ReplicaLag 0 s)",
        "  cache     0.4 s     budget 60 s  ok  (max GlobalDatastoreReplicationLag 0.4 s)",
        "  media     <n> s     budget 900 s  ok  (last sync <n> s ago)",
        "REFUSED: eu-west-1 is not ready to take over: database: magento-dr-prod-euw1 storage-full, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1; cache: magento-dr-prod-euw1 modifying, secondary",
        'next: fix the target first (README runbook, "When a step fails"), then rerun; nothing was changed',
      ),
    );
  });

  it("planned with the cache's lag over budget: refused naming the lag and the way out, exit 3", async () => {
    const aws = new FakeAws();
    aws.state.lag.GlobalDatastoreReplicationLag = [75];
    const c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 3);
    assertNothingChanged(c, await c.authority());
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: planned --to prod-euw1, operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        "target prod-euw1 (eu-west-1):",
        "  ok   database  magento-dr-prod-euw1 available, replica of arn:aws:rds:us-east-1:123456789012:db:magento-dr-prod-use1",
        "  ok   cache     magento-dr-prod-euw1 available, secondary",
        "  ok   capacity  magento-dr-prod-euw1-magento 0 in service (desired 0, max 12)",
        "RPO of us-east-1's data, measured by the heartbeat (docs/rpo.md):",
        "  loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>)",
        "replication lag into the target (the database's secondary):",
        "  database  0 s       budget 60 s  ok  (max ReplicaLag 0 s)",
        "  cache     75 s      budget 60 s  OVER BUDGET  (max GlobalDatastoreReplicationLag 75 s)",
        "  media     <n> s     budget 900 s  ok  (last sync <n> s ago)",
        "REFUSED: the RPO is not shown to hold, a planned switchover would lose data: loss window 0 s within the 60 s budget (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>); cache: max GlobalDatastoreReplicationLag 75 s (budget 60 s)",
        "next: wait for replication to catch up (`npm run promote -- status`), or, if the active region is failing, accept the loss with `npm run promote -- unplanned --to prod-euw1` (it shows the loss window and asks for confirmation); nothing was changed",
      ),
    );
    // The dry run says what a real run would do now.
    c.lines.length = 0;
    assert.equal(await c.run(["planned", "--to", "prod-euw1", "--dry-run"]), 0);
    assert.equal(
      transcript(c).split("\n").at(-1),
      "preconditions now: a real run would be REFUSED: the RPO is not shown to hold, a planned switchover would lose data: loss window 0 s within the 60 s budget (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>); cache: max GlobalDatastoreReplicationLag 75 s (budget 60 s)",
    );
  });

  it("a planned switchover stuck in quiesce: exit 1, what is incomplete, the state, the rerun; failback waits for it", async () => {
    const aws = new FakeAws();
    aws.state.lag.ReplicaLag = [3];
    aws.state.heartbeats[STANDBY][HOME] = Date.now() - 3_000; // nothing after the fence arrives
    const c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 1);
    assert.equal(
      text(...transcript(c).split("\n").slice(-3)),
      text(
        "FAILED: the promotion of eu-west-1 is incomplete (the shop is still in maintenance): quiesce (quiesce did not finish within 500 ms)",
        "state: the authority names eu-west-1 active (epoch 1), so the old region is fenced; steps that finished stay finished, the lease is released and the incident operator-planned-eu-west-1-<stamp> is resumable",
        "next: fix the cause above, then `npm run promote -- planned --to prod-euw1` (it resumes from the observed state); the detector in eu-west-1 does not resume a planned switchover (it pages you)",
      ),
    );
    c.lines.length = 0;
    assert.equal(await c.run(["failback", "--to", "prod-use1"]), 3);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: failback --to prod-use1, operator alice, settings from the offline plan (test deadlines)",
        "authority: eu-west-1 active, epoch 1, phase promoting",
        "REFUSED: a promotion of eu-west-1 (incident operator-planned-eu-west-1-<stamp>, epoch 1) is incomplete",
        "next: finish it first (rerun it with --to the stack of eu-west-1), then decide again",
      ),
    );
  });

  it("an unplanned failover whose cache track fails: exit 1, the shop takes orders, the orchestrator resumes it", async () => {
    const aws = new FakeAws();
    // The old primary stays busy: the Global Datastore neither fails over nor lets go.
    aws.state.caches[IDS.home.cache].status = "modifying";
    const c = await suite.start(aws);
    assert.equal(await c.run(["unplanned", "--to", "prod-euw1", "--yes"]), 1);
    assert.equal(
      text(...transcript(c).split("\n").slice(-3)),
      text(
        "FAILED: the promotion of eu-west-1 is incomplete (the shop takes orders (maintenance is off); the tracks listed alarmed and paged): cache (cache did not finish within 2000 ms)",
        "state: the authority names eu-west-1 active (epoch 1), so the old region is fenced; steps that finished stay finished, the lease is released and the incident operator-unplanned-eu-west-1-<stamp> is resumable",
        "next: fix the cause above, then `npm run promote -- unplanned --to prod-euw1` (it resumes from the observed state); the orchestrator in eu-west-1 also resumes it on its next detector run",
      ),
    );
  });

  it("a capacity shortage: done, exit 0, the capacity track short and a warning to watch the group", async () => {
    const aws = new FakeAws();
    aws.state.asgs["magento-dr-prod-euw1-magento"].bootLimit = 2;
    const c = await suite.start(aws);
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), 0);
    const lines = transcript(c).split("\n");
    assert.deepEqual(
      lines.filter((l) => l.startsWith("<t>  capacity-not-reached")),
      [
        "<t>  capacity-not-reached capacity       <d> s  2 of 3 instances in service at the deadline",
      ],
    );
    assert.equal(
      text(...lines.slice(lines.indexOf("done: eu-west-1 (prod-euw1) is active, epoch 1."))),
      text(
        "done: eu-west-1 (prod-euw1) is active, epoch 1.",
        "  RPO: loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of us-east-1 at <iso> (ip-10-0-1-23.us-east-1), 0 s before <iso>); recorded in the audit of operator-planned-eu-west-1-<stamp>",
        "  warning: the application tier did not reach its size in time (2 of 3 instances in service at the deadline); the capacity alarm fired, watch the ASG",
        VERIFY_EUW1,
      ),
    );
  });

  it("planned --dry-run: exit 0, nothing written; every call with its region and resource, the tracks, config, stacks, the verdict", async () => {
    assert.equal(
      await dryRunOf(["planned", "--to", "prod-euw1", "--dry-run"]),
      text(
        "magento-dr promote: planned --to prod-euw1 (dry run), operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        STEADY_CHECKS,
        "DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.",
        "promotion of eu-west-1 (prod-euw1), planned, new incident operator-planned-eu-west-1-<stamp> at epoch 0:",
        "  1   lease      dynamodb:UpdateItem (conditional on the epoch)",
        '                   in us-west-2: <table> item "authority": epoch +1, activeRegion eu-west-1, holder operator',
        "  2   quiesce    lambda:Invoke (poll until a heartbeat written after the fence is on the replica)",
        "                   in eu-west-1: prod-euw1-heartbeat-reader-fn-fn-71eb997",
        "  2   quiesce    cloudwatch:GetMetricData (poll until 0; decides only where the heartbeat cannot)",
        "                   in eu-west-1: AWS/RDS ReplicaLag of magento-dr-prod-euw1, measured after the fence",
        "  3a-3c run in parallel:",
        "  3a  cache      elasticache:FailoverGlobalReplicationGroup",
        "                   in eu-west-1: ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-euw1",
        "  3b  database   rds:PromoteReadReplica",
        "                   in eu-west-1: magento-dr-prod-euw1",
        "  3b  database   cloudwatch:DisableAlarmActions (once standalone, if still acting; best effort)",
        "                   in eu-west-1: magento-dr-prod-euw1-db-replica-lag",
        "  3c  app-tier   autoscaling:UpdateAutoScalingGroup",
        "                   in eu-west-1: magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "  4   endpoints  ssm:PutParameter (only values that differ; epoch last)",
        "                   in eu-west-1: /magento-dr/prod-euw1/db/writer-host, /magento-dr/prod-euw1/cache/primary-host, /magento-dr/prod-euw1/search/endpoint, /magento-dr/prod-euw1/active-region, /magento-dr/prod-euw1/maintenance, /magento-dr/prod-euw1/epoch",
        "  5   gate       cloudwatch:PutMetricData",
        "                   in eu-west-1: magento-dr/RegionGate/FailoverActive = 1 (trips the PRIMARY record's health check)",
        "  the shop takes orders after 5: maintenance off. Alongside, each with its own deadline, alarm and page (never maintenance):",
        "  t   media      elasticfilesystem:DeleteReplicationConfiguration, until DescribeFileSystems says ReplicationOverwriteProtection ENABLED",
        "                   in eu-west-1: replication into fs-12f6a083c1eab83af",
        "  t   media      elasticfilesystem:PutBackupPolicy ENABLED (once writable)",
        "                   in eu-west-1: fs-12f6a083c1eab83af",
        "                   after database; if not done: the media file system is still read-only (replication overwrite protection not ENABLED), or writable without automatic backups (the error says which): uploads fail while it is read-only, existing media is served; the next run retries",
        "  t   capacity   autoscaling:UpdateAutoScalingGroup",
        "                   in eu-west-1: magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "                   after app-tier; if not done: the app tier serves with fewer instances than desired; the next run keeps raising it",
        '  t   search     lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents)',
        "                   in eu-west-1: prod-euw1-search-replication-fn-fn-41d484a",
        "  t   search     ssm:PutParameter (only if the indices are missing or empty)",
        "                   in eu-west-1: /magento-dr/prod-euw1/search/reindex-requested = the lease epoch",
        "                   after database; if not done: search still follows the old region or its indices are not ready: the catalog search and layered navigation are degraded, checkout works; the next run retries (docs/search.md)",
        "  6   audit      dynamodb:UpdateItem",
        '                   in us-west-2: <table> item "incident#<id>": the run and its step timings',
        "  6   audit      sns:Publish",
        "                   in eu-west-1: arn:aws:sns:eu-west-1:123456789012:prod-euw1-notify-alerts-20bbf00",
        "config changes:",
        "  Pulumi.prod-euw1.yaml  magento-dr:activeRegion  us-east-1 -> eu-west-1",
        "  Pulumi.prod-use1.yaml  magento-dr:activeRegion  us-east-1 -> eu-west-1",
        "stack updates:",
        "  refresh  prod-use1, prod-euw1",
        "  preview  prod-use1, prod-euw1 (stop if a stateful resource would be replaced or deleted)",
        "  up       prod-euw1 --policy-pack policies --policy-pack-config policies/prod.json",
        "preconditions now: met, a real run would proceed",
      ),
    );
  });

  it("unplanned --dry-run: no quiesce, the detach fallback, no refresh of the region left, no prompt", async () => {
    assert.equal(
      await dryRunOf(["unplanned", "--to", "prod-euw1", "--dry-run"]),
      text(
        "magento-dr promote: unplanned --to prod-euw1 (dry run), operator alice, settings from the offline plan (test deadlines)",
        "authority: us-east-1 active, epoch 0, phase steady",
        STEADY_CHECKS,
        "DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.",
        "promotion of eu-west-1 (prod-euw1), unplanned, new incident operator-unplanned-eu-west-1-<stamp> at epoch 0:",
        "  1   lease      dynamodb:UpdateItem (conditional on the epoch)",
        '                   in us-west-2: <table> item "authority": epoch +1, activeRegion eu-west-1, holder operator',
        "  2a-2c run in parallel:",
        "  2a  database   rds:PromoteReadReplica",
        "                   in eu-west-1: magento-dr-prod-euw1",
        "  2a  database   cloudwatch:DisableAlarmActions (once standalone, if still acting; best effort)",
        "                   in eu-west-1: magento-dr-prod-euw1-db-replica-lag",
        "  2b  app-tier   autoscaling:UpdateAutoScalingGroup",
        "                   in eu-west-1: magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "  2c  gate       cloudwatch:PutMetricData",
        "                   in eu-west-1: magento-dr/RegionGate/FailoverActive = 1 (trips the PRIMARY record's health check)",
        "  3   endpoints  ssm:PutParameter (only values that differ; epoch last)",
        "                   in eu-west-1: /magento-dr/prod-euw1/db/writer-host, /magento-dr/prod-euw1/cache/primary-host, /magento-dr/prod-euw1/search/endpoint, /magento-dr/prod-euw1/active-region, /magento-dr/prod-euw1/maintenance, /magento-dr/prod-euw1/epoch",
        "  the shop takes orders after 3: maintenance off. Alongside, each with its own deadline, alarm and page (never maintenance):",
        "  t   cache      elasticache:FailoverGlobalReplicationGroup",
        "                   in eu-west-1: ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-euw1",
        "  t   cache      elasticache:DisassociateGlobalReplicationGroup (after 2 refusals or 2 errors; asked again while the datastore is modifying)",
        "                   in eu-west-1: magento-dr-prod-euw1",
        "                   from the start; if not done: the cache is not writable: Magento runs on its local file cache and database sessions (slower, per-instance caches); the next run retries the failover, then the detach, and points Magento back at the cache once it is writable",
        "  t   media      elasticfilesystem:DeleteReplicationConfiguration (LOCAL_CONFIGURATION_ONLY if refused or stuck in DELETING), until DescribeFileSystems says ReplicationOverwriteProtection ENABLED",
        "                   in eu-west-1: replication into fs-12f6a083c1eab83af",
        "  t   media      elasticfilesystem:PutBackupPolicy ENABLED (once writable)",
        "                   in eu-west-1: fs-12f6a083c1eab83af",
        "                   from the start; if not done: the media file system is still read-only (replication overwrite protection not ENABLED), or writable without automatic backups (the error says which): uploads fail while it is read-only, existing media is served; the next run retries",
        "  t   capacity   autoscaling:UpdateAutoScalingGroup",
        "                   in eu-west-1: magento-dr-prod-euw1-magento min 2 desired 3 max 12",
        "                   after app-tier; if not done: the app tier serves with fewer instances than desired; the next run keeps raising it",
        '  t   search     lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents)',
        "                   in eu-west-1: prod-euw1-search-replication-fn-fn-41d484a",
        "  t   search     ssm:PutParameter (only if the indices are missing or empty)",
        "                   in eu-west-1: /magento-dr/prod-euw1/search/reindex-requested = the lease epoch",
        "                   from the start; if not done: search still follows the old region or its indices are not ready: the catalog search and layered navigation are degraded, checkout works; the next run retries (docs/search.md)",
        "  4   audit      dynamodb:UpdateItem",
        '                   in us-west-2: <table> item "incident#<id>": the run and its step timings',
        "  4   audit      sns:Publish",
        "                   in eu-west-1: arn:aws:sns:eu-west-1:123456789012:prod-euw1-notify-alerts-20bbf00",
        "config changes:",
        "  Pulumi.prod-euw1.yaml  magento-dr:activeRegion  us-east-1 -> eu-west-1",
        "  Pulumi.prod-use1.yaml  magento-dr:activeRegion  us-east-1 -> eu-west-1",
        "stack updates:",
        "  refresh  prod-euw1",
        "  preview  prod-euw1 (stop if a stateful resource would be replaced or deleted)",
        "  up       prod-euw1 --policy-pack policies --policy-pack-config policies/prod.json",
        "  skipped  prod-use1: us-east-1 is the region being failed away from; refresh it when it is back",
        "preconditions now: met, a real run would proceed after the confirmation",
      ),
    );
  });
});
