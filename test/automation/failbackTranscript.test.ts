// Failback as the operator reads it, line for line: the replication towards home per tier (ok,
// automatic, waiting, by hand with the commands), the confirmation naming what is overwritten,
// what a refused run changed, and the switch back with every stack's `up`, home first. Only
// what changes between runs is normalized (helpers/transcript.ts); failback.test.ts checks the
// calls AWS saw.
import assert from "node:assert/strict";
import { HOME, IDS } from "./helpers/fakeAws";
import {
  backAfterUnplanned,
  homeReplicationDeleting,
  rebuildHomeReplica,
  switchedOver,
} from "./helpers/failback";
import { cliSuite, type Cli } from "./helpers/harness";
import { questionsAsked, text, transcript } from "./helpers/transcript";

const FAILBACK = ["failback", "--to", "prod-use1"];
const HEADER = text(
  "magento-dr promote: failback --to prod-use1, operator alice, settings from the offline plan (test deadlines)",
  "authority: eu-west-1 active, epoch 1, phase completed",
);

/** The database rebuild failback prints while the home database is not a replica. */
const REBUILD = text(
  'database: magento-dr-prod-use1 (us-east-1) must become a read replica of arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1; RDS cannot convert it. Rebuild (README runbook, "Failback: rebuild the database replica"):',
  "  1. keep the old instance under another name (its data is from before the failover):",
  "     aws rds modify-db-instance --region us-east-1 --db-instance-identifier magento-dr-prod-use1 --new-db-instance-identifier magento-dr-prod-use1-before-failback --apply-immediately",
  "  2. create the replica with the program's identifier, reusing the old instance's subnet group, security group, parameter group and KMS key:",
  "     aws rds describe-db-instances --region us-east-1 --db-instance-identifier magento-dr-prod-use1-before-failback",
  "     aws rds create-db-instance-read-replica --region us-east-1 --db-instance-identifier magento-dr-prod-use1 --source-db-instance-identifier arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 --multi-az --kms-key-id <key> --db-subnet-group-name <group> --vpc-security-group-ids <sg> --db-parameter-group-name <params>",
  "  3. wait until it is available and its ReplicaLag is near 0 (npm run promote -- status), then rerun failback",
);

/** What failback checks on the target once everything replicates home (media aside). */
const HOME_CHECKS = text(
  "target prod-use1 (us-east-1):",
  "  ok   database  magento-dr-prod-use1 available, replica of arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1",
  "  ok   cache     magento-dr-prod-use1 available, secondary",
  "  ok   capacity  magento-dr-prod-use1-magento 0 in service (desired 0, max 12)",
  "RPO of eu-west-1's data, measured by the heartbeat (docs/rpo.md):",
  "  loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of eu-west-1 at <iso> (ip-10-0-1-23.eu-west-1), 0 s before <iso>)",
  "replication lag into the target (the database's secondary):",
  "  database  0 s       budget 60 s  ok  (max ReplicaLag 0 s)",
  "  cache     0.4 s     budget 60 s  ok  (max GlobalDatastoreReplicationLag 0.4 s)",
);

/** A new failback run, its question answered with the home region. */
function failbackConfirmed(c: Cli): Promise<number> {
  c.lines.length = 0;
  c.answers.push(HOME);
  return c.run(FAILBACK);
}

describe("promote CLI: failback, line for line", function () {
  this.timeout(60_000);
  const suite = cliSuite();

  it("the home database not a replica: the rebuild printed, exit 3, nothing changed; the dry run plans the rest", async () => {
    const c = await switchedOver(suite.start);
    assert.equal(await c.run(FAILBACK), 3);
    assert.deepEqual(c.aws.writes(), []);
    assert.deepEqual(c.questions, []);
    assert.equal(
      transcript(c),
      text(
        HEADER,
        "replication towards the failback target:",
        "  MANUAL database  magento-dr-prod-use1 is standalone, not a replica of arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1",
        "  ok     cache     Global Datastore secondary: fails over with no loss",
        "  auto   media     nothing replicates fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec: this run starts it (after the confirmation)",
        REBUILD,
        "REFUSED: replication towards us-east-1 is not established for: database",
        "next: do what is printed above, then rerun failback; nothing was changed",
      ),
    );
    c.lines.length = 0;
    assert.equal(await c.run([...FAILBACK, "--dry-run"]), 0);
    assert.deepEqual(c.aws.writes(), []);
    const lines = transcript(c).split("\n");
    assert.equal(
      text(...lines.slice(6, 14)),
      text(
        "DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.",
        REBUILD,
      ),
    );
    assert.equal(
      text(
        ...lines.slice(
          lines.indexOf("replication towards the target (after the confirmation):"),
          lines.indexOf("replication towards the target (after the confirmation):") + 3,
        ),
      ),
      text(
        "replication towards the target (after the confirmation):",
        "  elasticfilesystem:UpdateFileSystemProtection      region us-east-1: fs-898c2e8978d42d1ec ReplicationOverwriteProtection DISABLED",
        "  elasticfilesystem:CreateReplicationConfiguration  region eu-west-1: fs-12f6a083c1eab83af -> fs-898c2e8978d42d1ec (us-east-1)",
      ),
    );
    assert.equal(
      text(
        ...lines.slice(lines.indexOf('left to do by hand (README runbook, "After a failback"):')),
      ),
      text(
        'left to do by hand (README runbook, "After a failback"):',
        "  - prod-euw1: its database served during the failover and is standalone now; rebuild it as a replica of the new writer: pulumi state unprotect + `pulumi up -s prod-euw1 --replace <urn of the *-db-replica Instance>` (after disabling its deletion protection)",
        "  - prod-euw1: once its `up` mounted the new EFS replica, delete the file system it used while active (aws efs describe-file-systems --region eu-west-1)",
        "  - commit Pulumi.*.yaml (activeRegion changed in every stack file)",
      ),
    );
  });

  it("across runs: waits for a deletion, starts the media replication after the question, then switches back", async () => {
    const c = await switchedOver(suite.start);
    rebuildHomeReplica(c);
    homeReplicationDeleting(c);
    assert.equal(await c.run(FAILBACK), 3);
    assert.equal(
      transcript(c),
      text(
        HEADER,
        "replication towards the failback target:",
        "  ok     database  magento-dr-prod-use1 replicates arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 (available)",
        "  ok     cache     Global Datastore secondary: fails over with no loss",
        "  WAIT   media     the replication fs-898c2e8978d42d1ec -> fs-12f6a083c1eab83af is still being deleted",
        "media: EFS finishes deleting a replication within minutes; rerun failback then",
        "REFUSED: replication towards us-east-1 is not established for: media",
        "next: do what is printed above, then rerun failback; nothing was changed",
      ),
    );

    assert.equal(await failbackConfirmed(c), 3);
    assert.deepEqual(questionsAsked(c), [
      text(
        "FAILBACK of production to us-east-1 (prod-use1) from eu-west-1.",
        "Media in fs-898c2e8978d42d1ec (us-east-1) will be OVERWRITTEN with the current media.",
        "Search indices in us-east-1 that do not follow eu-west-1 will be DROPPED and copied afresh.",
        "Then a planned switchover runs (refused, with nothing switched, while replication lags).",
      ),
    ]);
    assert.equal(
      transcript(c),
      text(
        HEADER,
        "replication towards the failback target:",
        "  ok     database  magento-dr-prod-use1 replicates arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 (available)",
        "  ok     cache     Global Datastore secondary: fails over with no loss",
        "  auto   media     nothing replicates fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec: this run starts it (after the confirmation)",
        "<t>  start    media-reverse  replicate fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec",
        "<t>  done     media-reverse  <d> s  disabled replication overwrite protection of fs-898c2e8978d42d1ec (us-east-1); started replication fs-12f6a083c1eab83af (eu-west-1) -> fs-898c2e8978d42d1ec (us-east-1)",
        "<t>  start    search-resync  drop the stale search indices in us-east-1 and follow eu-west-1",
        "<t>  done     search-resync  <d> s  following 1 index(es)",
        HOME_CHECKS,
        "  media     unknown   budget 900 s  OVER BUDGET  (replication ENABLING: no sync yet)",
        "REFUSED: the RPO is not shown to hold, a planned switchover would lose data: media replication ENABLING: no sync yet (budget 900 s)",
        "changed by this run: disabled replication overwrite protection of fs-898c2e8978d42d1ec (us-east-1); started replication fs-12f6a083c1eab83af (eu-west-1) -> fs-898c2e8978d42d1ec (us-east-1)",
        "next: rerun failback once replication has caught up (`npm run promote -- status`)",
      ),
    );

    c.lines.length = 0;
    c.answers.push(HOME);
    assert.equal(await c.run(FAILBACK), 0);
    assert.equal(
      transcript(c),
      text(
        HEADER,
        "replication towards the failback target:",
        "  ok     database  magento-dr-prod-use1 replicates arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 (available)",
        "  ok     cache     Global Datastore secondary: fails over with no loss",
        "  ok     media     fs-12f6a083c1eab83af (eu-west-1) -> fs-898c2e8978d42d1ec ENABLED",
        "<t>  start    search-resync  drop the stale search indices in us-east-1 and follow eu-west-1",
        "<t>  done     search-resync  <d> s  following 1 index(es)",
        HOME_CHECKS,
        "  media     <n> s       budget 900 s  ok  (last sync <n> s ago)",
        "<t>  start    app-tier       autoscaling:UpdateAutoScalingGroup [us-east-1] magento-dr-prod-use1-magento min 2 desired 3 max 12",
        "<t>  done     app-tier       <d> s  2 instances in service (2 needed to serve)",
        "<t>  start    cache          elasticache:FailoverGlobalReplicationGroup [us-east-1] ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-use1",
        "<t>  done     cache          <d> s  failed over; local group is primary",
        "<t>  start    capacity       autoscaling:UpdateAutoScalingGroup [us-east-1] magento-dr-prod-use1-magento min 2 desired 3 max 12",
        "<t>  already-done capacity       <d> s  3 of 3 instances in service",
        "<t>  start    config         prod-euw1: magento-dr:activeRegion = us-east-1 (Pulumi.prod-euw1.yaml)",
        "<t>  done     config         <d> s",
        "<t>  start    config         prod-use1: magento-dr:activeRegion = us-east-1 (Pulumi.prod-use1.yaml)",
        "<t>  done     config         <d> s",
        "<t>  start    control-planes IAM and Route 53 APIs (us-east-1) answer",
        "<t>  done     control-planes <d> s  IAM: HTTP 403; Route 53: HTTP 403",
        "<t>  start    database       rds:PromoteReadReplica [us-east-1] magento-dr-prod-use1",
        "<t>  done     database       <d> s  replica promoted",
        "<t>  start    endpoints      ssm:PutParameter (only values that differ; epoch last) [us-east-1] /magento-dr/prod-use1/db/writer-host, /magento-dr/prod-use1/cache/primary-host, /magento-dr/prod-use1/search/endpoint, /magento-dr/prod-use1/active-region, /magento-dr/prod-use1/maintenance, /magento-dr/prod-use1/epoch",
        "<t>  done     endpoints      <d> s  updated /magento-dr/prod-use1/db/writer-host, /magento-dr/prod-use1/cache/primary-host, /magento-dr/prod-use1/search/endpoint, /magento-dr/prod-use1/active-region, /magento-dr/prod-use1/maintenance, epoch 1",
        "<t>  start    gate           cloudwatch:PutMetricData [eu-west-1] magento-dr/RegionGate/FailoverActive = 0 (reopens the PRIMARY record)",
        "<t>  done     gate           <d> s  magento-dr/RegionGate/FailoverActive = 0 in eu-west-1",
        "<t>  start    lease          take the authority lease at epoch 1 for us-east-1",
        "<t>  done     lease          <d> s  epoch 2, operator:alice",
        "<t>  start    media          elasticfilesystem:DeleteReplicationConfiguration, until DescribeFileSystems says ReplicationOverwriteProtection ENABLED [us-east-1] replication into fs-898c2e8978d42d1ec; elasticfilesystem:PutBackupPolicy ENABLED (once writable) [us-east-1] fs-898c2e8978d42d1ec",
        "<t>  done     media          <d> s  file system writable after deleting the replication (ALL_CONFIGURATIONS), backups on",
        "<t>  start    preview        prod-use1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview        prod-euw1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview        prod-euw1",
        "<t>  done     preview        <d> s  1 change(s)",
        "<t>  start    preview-check  prod-use1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    preview-check  prod-euw1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    preview-check  prod-euw1: no replace or delete of stateful resources",
        "<t>  done     preview-check  <d> s  clean",
        "<t>  start    quiesce        lambda:Invoke (poll until a heartbeat written after the fence is on the replica) [us-east-1] prod-use1-heartbeat-reader-fn-fn-6d02377; cloudwatch:GetMetricData (poll until 0; decides only where the heartbeat cannot) [us-east-1] AWS/RDS ReplicaLag of magento-dr-prod-use1, measured after the fence",
        "<t>  done     quiesce        <d> s  heartbeat of eu-west-1 written at <iso>, after the fence settled (fence at <iso> (the replica's clock)), is on the replica: every write before it is there",
        "<t>  start    refresh        prod-use1",
        "<t>  done     refresh        <d> s",
        "<t>  start    refresh        prod-euw1",
        "<t>  done     refresh        <d> s",
        '<t>  start    search         lambda:Invoke {"action":"promote"} (stops replication, settles aliases, counts documents) [us-east-1] prod-use1-search-replication-fn-fn-91263bd; ssm:PutParameter (only if the indices are missing or empty) [us-east-1] /magento-dr/prod-use1/search/reindex-requested = the lease epoch',
        "<t>  done     search         <d> s  stopped replication on 0 index(es); magento2_product_1 -> magento2_product_1_v1 (10 docs)",
        "<t>  start    up             prod-use1 with policy pack policies (policies/prod.json)",
        '<t>  done     up             <d> s  succeeded: {"same":412,"update":3}',
        "<t>  start    up             prod-euw1 with policy pack policies (policies/prod.json)",
        '<t>  done     up             <d> s  succeeded: {"same":412,"update":3}',
        "done: us-east-1 (prod-use1) is active, epoch 2.",
        "  RPO: loss window 0 s  budget 60 s  ok  (newest replicated heartbeat of eu-west-1 at <iso> (ip-10-0-1-23.eu-west-1), 0 s before <iso>); recorded in the audit of operator-planned-us-east-1-<stamp>",
        "verify:",
        "  npm run promote -- status          (roles, epoch, lag; the target must be ACTIVE)",
        "  curl -sI https://us-east-1.shop.example.com/health_check.php   (200 from the new active region's ALB)",
        "  git diff Pulumi.*.yaml            (activeRegion changed in every stack file: commit it)",
        "<t>  start    search-resync  drop the stale search indices in eu-west-1 and follow us-east-1",
        "<t>  done     search-resync  <d> s  following 1 index(es)",
        'left to do by hand (README runbook, "After a failback"):',
        "  - prod-euw1: its database served during the failover and is standalone now; rebuild it as a replica of the new writer: pulumi state unprotect + `pulumi up -s prod-euw1 --replace <urn of the *-db-replica Instance>` (after disabling its deletion protection)",
        "  - prod-euw1: once its `up` mounted the new EFS replica, delete the file system it used while active (aws efs describe-file-systems --region eu-west-1)",
        "  - commit Pulumi.*.yaml (activeRegion changed in every stack file)",
      ),
    );
  });

  it("after an unplanned failover that detached the cache: the stale home cache is accepted, not refused", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["unplanned", "--to", "prod-euw1", "--yes"]), 0, c.output());
    c.lines.length = 0;
    rebuildHomeReplica(c);
    // The failover detached eu-west-1; us-east-1 is left primary of a datastore with no secondary.
    c.aws.state.caches[IDS.home.cache].role = "PRIMARY";
    c.aws.state.caches[IDS.standby.cache].role = undefined;
    assert.equal(await c.run([...FAILBACK, "--dry-run"]), 0);
    assert.equal(
      text(...transcript(c).split("\n").slice(0, 7)),
      text(
        "magento-dr promote: failback --to prod-use1 (dry run), operator alice, settings from the offline plan (test deadlines)",
        "authority: eu-west-1 active, epoch 1, phase completed",
        "replication towards the failback target:",
        "  ok     database  magento-dr-prod-use1 replicates arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 (available)",
        "  accept cache     primary of a Global Datastore nothing replicates into (the other side was detached): content is stale, accepted at the confirmation",
        "  auto   media     nothing replicates fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec: this run starts it (after the confirmation)",
        "DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.",
      ),
    );
  });

  it("the home database unreadable and its cache standalone: both by hand, the rejoin printed, exit 3", async () => {
    const c = await switchedOver(suite.start);
    c.aws.state.caches[IDS.home.cache].role = undefined;
    delete c.aws.state.databases[IDS.home.db];
    assert.equal(await c.run(FAILBACK), 3);
    assert.deepEqual(c.aws.writes(), []);
    assert.equal(
      transcript(c),
      text(
        HEADER,
        "replication towards the failback target:",
        "  MANUAL database  unreadable: DBInstance magento-dr-prod-use1 not found",
        "  MANUAL cache     standalone: not in the Global Datastore",
        "  auto   media     nothing replicates fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec: this run starts it (after the confirmation)",
        'cache: rejoin magento-dr-prod-use1 to ldgnf-magento-dr-prod-use1 (README runbook, "After a failback")',
        "REFUSED: replication towards us-east-1 is not established for: database, cache",
        "next: do what is printed above, then rerun failback; nothing was changed",
      ),
    );
  });

  it("home back after an unplanned failover: its old outbound replication removed first, the cache flush asked", async () => {
    const c = await backAfterUnplanned(suite.start);
    assert.equal(await c.run([...FAILBACK, "--dry-run"]), 0);
    const dry = transcript(c).split("\n");
    const at = (line: string, count: number) =>
      text(...dry.slice(dry.indexOf(line), dry.indexOf(line) + count));
    assert.equal(
      text(...dry.slice(2, 6)),
      text(
        "replication towards the failback target:",
        "  ok     database  magento-dr-prod-use1 replicates arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1 (available)",
        "  accept cache     primary of a Global Datastore nothing replicates into (the other side was detached): content is stale, accepted at the confirmation",
        "  auto   media     fs-898c2e8978d42d1ec still has its old outbound replication; nothing replicates into it: this run starts it (after the confirmation)",
      ),
    );
    assert.equal(
      at("replication towards the target (after the confirmation):", 4),
      text(
        "replication towards the target (after the confirmation):",
        "  elasticfilesystem:DeleteReplicationConfiguration  region us-east-1: old outbound replication of fs-898c2e8978d42d1ec",
        "  elasticfilesystem:UpdateFileSystemProtection      region us-east-1: fs-898c2e8978d42d1ec ReplicationOverwriteProtection DISABLED",
        "  elasticfilesystem:CreateReplicationConfiguration  region eu-west-1: fs-12f6a083c1eab83af -> fs-898c2e8978d42d1ec (us-east-1)",
      ),
    );
    assert.equal(
      at('left to do by hand (README runbook, "After a failback"):', 6),
      text(
        'left to do by hand (README runbook, "After a failback"):',
        "  - prod-euw1: its database served during the failover and is standalone now; rebuild it as a replica of the new writer: pulumi state unprotect + `pulumi up -s prod-euw1 --replace <urn of the *-db-replica Instance>` (after disabling its deletion protection)",
        "  - prod-euw1: once its `up` mounted the new EFS replica, delete the file system it used while active (aws efs describe-file-systems --region eu-west-1)",
        "  - flush the cache in us-east-1 now: `bin/magento cache:flush` on one instance (SSM Run Command)",
        "  - prod-euw1: rejoin its cache group to the Global Datastore: `pulumi up -s prod-euw1 --replace <urn of the *-cache-group ReplicationGroup>`",
        "  - commit Pulumi.*.yaml (activeRegion changed in every stack file)",
      ),
    );

    assert.equal(await failbackConfirmed(c), 3);
    assert.deepEqual(questionsAsked(c), [
      text(
        "FAILBACK of production to us-east-1 (prod-use1) from eu-west-1.",
        "Media in fs-898c2e8978d42d1ec (us-east-1) will be OVERWRITTEN with the current media.",
        "The cache in us-east-1 holds data from before the failover: flush it after the switch; sessions started in eu-west-1 are lost.",
        "Search indices in us-east-1 that do not follow eu-west-1 will be DROPPED and copied afresh.",
        "Then a planned switchover runs (refused, with nothing switched, while replication lags).",
      ),
    ]);
    assert.equal(
      text(...transcript(c).split("\n").slice(-3)),
      text(
        "REFUSED: the RPO is not shown to hold, a planned switchover would lose data: media replication ENABLING: no sync yet (budget 900 s)",
        "changed by this run: deleted the old outbound replication of fs-898c2e8978d42d1ec (us-east-1); disabled replication overwrite protection of fs-898c2e8978d42d1ec (us-east-1); started replication fs-12f6a083c1eab83af (eu-west-1) -> fs-898c2e8978d42d1ec (us-east-1)",
        "next: rerun failback once replication has caught up (`npm run promote -- status`)",
      ),
    );
  });

  it("a drill while the standby is already active: refused, exit 3, nothing changed", async () => {
    const c = await switchedOver(suite.start);
    assert.equal(await c.run(["drill", "--yes"]), 3);
    assert.deepEqual(c.aws.writes(), []);
    assert.deepEqual(c.stackOps.calls, []);
    assert.equal(
      transcript(c),
      text(
        "magento-dr promote: drill, operator alice, settings from the offline plan (test deadlines)",
        "authority: eu-west-1 active, epoch 1, phase completed",
        "REFUSED: eu-west-1 is already active or being promoted: a drill starts from steady state",
        "next: see `npm run promote -- status`; to come back, use failback",
      ),
    );
  });

  it("a drill: asks first, then after leg 1 stops at the way back's database with the rebuild, exit 1", async () => {
    const c = await suite.start();
    c.answers.push("eu-west-1");
    assert.equal(await c.run(["drill"]), 1);
    assert.deepEqual(questionsAsked(c), [
      text(
        "DRILL: production moves to eu-west-1 (planned switchover), then back to us-east-1 (failback).",
        "The way back needs the database in us-east-1 rebuilt as a replica (RDS keeps none through a promotion);",
        "until then the drill stops after the first leg with production running in eu-west-1.",
      ),
    ]);
    const lines = transcript(c).split("\n");
    assert.equal(
      text(...lines.slice(lines.indexOf("authority: eu-west-1 active, epoch 1, phase completed"))),
      text(
        "authority: eu-west-1 active, epoch 1, phase completed",
        "replication towards the failback target:",
        "  MANUAL database  magento-dr-prod-use1 is standalone, not a replica of arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1",
        "  ok     cache     Global Datastore secondary: fails over with no loss",
        "  auto   media     nothing replicates fs-12f6a083c1eab83af into fs-898c2e8978d42d1ec: this run starts it (after the confirmation)",
        REBUILD,
        "FAILED: the drill's way back stopped: replication towards us-east-1 is not established for: database",
        "state: leg 1 is complete: eu-west-1 is active and consistent",
        "next: do what is printed above for the way back, then `npm run promote -- failback --to prod-use1` finishes the drill (it reruns until it completes)",
      ),
    );
  });

  it("a drill's dry run: both legs, the way back planned from the state leg 1 leaves", async () => {
    const c = await suite.start();
    assert.equal(await c.run(["drill", "--dry-run"]), 0);
    assert.deepEqual(c.aws.writes(), []);
    const lines = transcript(c).split("\n");
    assert.deepEqual(
      lines.filter((l) => /^(leg |promotion of |preconditions now)/.test(l)),
      [
        "leg 1 of 2: planned switchover to prod-euw1",
        "promotion of eu-west-1 (prod-euw1), planned, new incident operator-planned-eu-west-1-<stamp> at epoch 0:",
        "preconditions now: met, a real run would proceed",
        "leg 2 of 2: failback to prod-use1 (its replication is checked after leg 1)",
        "promotion of us-east-1 (prod-use1), planned, new incident operator-planned-us-east-1-<time>:",
      ],
    );
  });
});
