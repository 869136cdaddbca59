// --dry-run on every mode: the plan is printed (steps with API, region and resource; config
// changes; stack updates) and nothing changes: zero AWS write calls, zero config writes, zero
// refresh/preview/up, the authority table untouched.
import assert from "node:assert/strict";
import { ExitCode } from "../../automation/errors";
import { assertNothingChanged, cliSuite, type Cli } from "./helpers/harness";

describe("promote CLI: --dry-run changes nothing", function () {
  this.timeout(60_000);
  const suite = cliSuite();
  let c: Cli;

  it("planned: prints the ordered steps, config changes and stack updates", async () => {
    c = await suite.start();
    assert.equal(
      await c.run(["planned", "--to", "prod-euw1", "--dry-run"]),
      ExitCode.ok,
      c.output(),
    );
    assertNothingChanged(c, await c.authority());
    const out = c.output();
    const expected = [
      /DRY RUN: nothing below is done/,
      /1 +lease +dynamodb:UpdateItem \(conditional on the epoch\)\n.*in us-west-2: promote-\S+ item "authority"/,
      /2 +quiesce +lambda:Invoke \(poll until a heartbeat written after the fence is on the replica\)\n.*in eu-west-1: prod-euw1-heartbeat-reader-fn-fn-/,
      /2 +quiesce +cloudwatch:GetMetricData \(poll until 0; decides only where the heartbeat cannot\)/,
      /RPO of us-east-1's data, measured by the heartbeat \(docs\/rpo\.md\):\n +loss window \d+(\.\d)? s +budget 60 s +ok/,
      /3a-3c run in parallel:/,
      /3a +cache +elasticache:FailoverGlobalReplicationGroup\n.*in eu-west-1: ldgnf-magento-dr-prod-use1 -> primary magento-dr-prod-euw1/,
      /3b +database +rds:PromoteReadReplica\n.*in eu-west-1: magento-dr-prod-euw1/,
      /3c +app-tier +autoscaling:UpdateAutoScalingGroup\n.*in eu-west-1: magento-dr-prod-euw1-magento min 2 desired 3 max 12/,
      /4 +endpoints +ssm:PutParameter/,
      /5 +gate +cloudwatch:PutMetricData\n.*in eu-west-1: magento-dr\/RegionGate\/FailoverActive = 1/,
      /the shop takes orders after 5: maintenance off/,
      /t +media +elasticfilesystem:DeleteReplicationConfiguration.*\n.*in eu-west-1: replication into fs-/,
      /t +capacity +autoscaling:UpdateAutoScalingGroup\n.*\n.*after app-tier; if not done: the app tier serves with fewer instances/,
      /t +search +lambda:Invoke \{"action":"promote"\}.*\n.*in eu-west-1: prod-euw1-search-replication-fn-fn-/,
      /6 +audit +dynamodb:UpdateItem/,
      /Pulumi\.prod-euw1\.yaml +magento-dr:activeRegion +us-east-1 -> eu-west-1/,
      /Pulumi\.prod-use1\.yaml +magento-dr:activeRegion +us-east-1 -> eu-west-1/,
      /refresh +prod-use1, prod-euw1/,
      /up +prod-euw1 --policy-pack policies --policy-pack-config policies\/prod\.json/,
      /preconditions now: met, a real run would proceed/,
    ];
    for (const pattern of expected) assert.match(out, pattern);
    assert.doesNotMatch(
      out,
      /DisassociateGlobalReplicationGroup/,
      "planned never detaches the cache",
    );
  });

  it("unplanned: the disassociate fallback, no refresh of the region being left, no prompt", async () => {
    c = await suite.start();
    assert.equal(
      await c.run(["unplanned", "--to", "prod-euw1", "--dry-run"]),
      ExitCode.ok,
      c.output(),
    );
    assertNothingChanged(c, await c.authority());
    assert.deepEqual(c.questions, []);
    const out = c.output();
    assert.match(
      out,
      /t +cache +elasticache:FailoverGlobalReplicationGroup[^]*DisassociateGlobalReplicationGroup \(after 2 refusals or 2 errors; asked again while the datastore is modifying\)/,
    );
    assert.match(
      out,
      /if not done: the cache is not writable: Magento runs on its local file cache/,
    );
    assert.match(out, /LOCAL_CONFIGURATION_ONLY if refused or stuck in DELETING/);
    assert.match(out, /refresh +prod-euw1\n/);
    assert.match(out, /skipped +prod-use1: us-east-1 is the region being failed away from/);
    assert.doesNotMatch(out, /quiesce/);
  });

  it("drill: both legs", async () => {
    c = await suite.start();
    assert.equal(await c.run(["drill", "--dry-run"]), ExitCode.ok, c.output());
    assertNothingChanged(c, await c.authority());
    const out = c.output();
    assert.match(out, /leg 1 of 2: planned switchover to prod-euw1/);
    assert.match(out, /leg 2 of 2: failback to prod-use1/);
    // The way back reopens the PRIMARY record from the gate's region instead of tripping it.
    assert.match(
      out,
      /gate +cloudwatch:PutMetricData\n.*in eu-west-1: magento-dr\/RegionGate\/FailoverActive = 0 \(reopens/,
    );
    assert.match(out, /rds:PromoteReadReplica\n.*in us-east-1: magento-dr-prod-use1/);
  });

  it("failback: the convergence actions and the manual database rebuild", async () => {
    c = await suite.start();
    assert.equal(await c.run(["planned", "--to", "prod-euw1"]), ExitCode.ok, c.output());
    const writes = c.aws.writes().length;
    const epoch = (await c.authority()).epoch;
    c.stackOps.calls = [];
    c.lines.length = 0;
    // Minutes later: EFS has finished deleting the replication the switchover removed.
    c.aws.state.replications = [];

    assert.equal(
      await c.run(["failback", "--to", "prod-use1", "--dry-run"]),
      ExitCode.ok,
      c.output(),
    );
    assert.equal(c.aws.writes().length, writes, "no AWS write");
    assert.deepEqual(c.stackOps.calls, []);
    assert.equal((await c.authority()).epoch, epoch);
    const out = c.output();
    assert.match(
      out,
      /MANUAL database +magento-dr-prod-use1 is standalone, not a replica of arn:aws:rds:eu-west-1:123456789012:db:magento-dr-prod-euw1/,
    );
    assert.match(
      out,
      /aws rds create-db-instance-read-replica --region us-east-1 --db-instance-identifier magento-dr-prod-use1 --source-db-instance-identifier arn:aws:rds:eu-west-1:/,
    );
    assert.match(out, /ok +cache +Global Datastore secondary/);
    assert.match(
      out,
      /elasticfilesystem:UpdateFileSystemProtection +region us-east-1: fs-898c2e8978d42d1ec ReplicationOverwriteProtection DISABLED/,
    );
    assert.match(
      out,
      /elasticfilesystem:CreateReplicationConfiguration +region eu-west-1: fs-12f6a083c1eab83af -> fs-898c2e8978d42d1ec \(us-east-1\)/,
    );
    assert.match(out, /up +prod-use1 .*\n +up +prod-euw1 /);
  });
});
