// The critical path and the tracks (RELIABILITY.md scenarios 32-34 and the cache's fallback):
// the shop takes orders once the database is writable and the app tier serves, whatever the
// cache and media are doing; each track that does not finish alarms and pages on its own.
// Real SDK clients answered by the strict simulated standby region, a real authority table.
import { CACHE_FALLBACK_HOST } from "../../functions/region/steps";
import { assert, assertFields } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { HOME } from "./helpers/fixtures";
import { SIM_IDS } from "./helpers/simAws";

const CACHE_PARAM = "/magento-dr/prod-euw1/cache/primary";
const MAINTENANCE = "/magento-dr/prod-euw1/maintenance";

describe("region promotion: critical path and tracks", function () {
  this.timeout(10_000);
  const h = useRegionHarness();
  beforeEach(() => {
    h.sim.unreachableRegion = HOME;
  });

  const count = (command: string) => h.sim.callsOf(command).length;
  const step = (report: { steps: { name: string; detail?: string }[] }, name: string) =>
    report.steps.find((s) => s.name === name);
  const trackAlarms = () =>
    h.sim.state.metrics
      .filter((m) => m.name === "PromotionTrackFailed" && m.dimensions.Track)
      .map((m) => m.dimensions.Track);

  it("scenario 32: a cache failover accepted that never completes, detach refused while modifying: the shop takes orders, the cache falls back, a page", async () => {
    h.sim.state.cache.failoverHangs = true;
    const report = await h.promote({});

    assert.equal(report.outcome, "incomplete", "the cache is left for the next run");
    assertFields(step(report, "database"), { outcome: "done" });
    assertFields(step(report, "endpoints"), { outcome: "done" });
    assert.ok(report.shopReadyMs !== undefined, "the shop was ready");
    assert.equal(h.sim.state.ssm[MAINTENANCE], "off", "no maintenance screen");
    assert.equal(h.sim.state.ssm[CACHE_PARAM], CACHE_FALLBACK_HOST, "Magento on its local cache");

    assertFields(step(report, "cache"), { outcome: "failed" });
    assert.equal(count("FailoverGlobalReplicationGroup"), 1);
    assert.ok(count("DisassociateGlobalReplicationGroup") >= 1, "the detach was asked");
    assert.ok(
      h.logs.some((l) => l.event === "cache-disassociate-refused"),
      "and refused while the datastore was modifying",
    );
    assert.equal(h.sim.state.cache.role, "SECONDARY");
    assert.deepEqual(trackAlarms(), ["cache"]);
    const page = h.sim.state.messages.find((m) => /cache not done, shop serving/.test(m.subject));
    assert.ok(page, "a page, not a maintenance screen");
    assert.match(JSON.parse(page.message).meanwhile, /local file cache and database sessions/);
    assertFields(await h.authority.read(), { phase: "promoting", holder: undefined });
  });

  it("two faults at once (cache failover stuck, media deletion stuck both ways): the shop serves, each track pages on its own, the next run resumes both", async () => {
    h.sim.state.cache.failoverHangs = true;
    h.sim.state.efs.bothSidesStuck = true;
    h.sim.state.efs.localStuck = true;
    const report = await h.promote({});
    assert.equal(report.outcome, "incomplete");
    assert.equal(h.sim.state.ssm[MAINTENANCE], "off", "no maintenance screen");
    assert.equal(h.sim.state.ssm[CACHE_PARAM], CACHE_FALLBACK_HOST);
    assertFields(step(report, "cache"), { outcome: "failed" });
    assertFields(step(report, "media"), { outcome: "failed" });
    assert.deepEqual(trackAlarms().sort(), ["cache", "media"]);
    const subjects = h.sim.state.messages.map((m) => m.subject);
    assert.ok(
      subjects.some((s) => /cache not done, shop serving/.test(s)),
      subjects.join(" | "),
    );
    assert.ok(
      subjects.some((s) => /media not done, shop serving/.test(s)),
      subjects.join(" | "),
    );
    assert.equal(h.sim.state.efs.backups, "DISABLED", "never asked while read-only");

    // Both faults clear; the next run finishes both tracks and touches nothing already done.
    h.sim.state.cache.failoverHangs = false;
    h.sim.state.cache.globalStatus = "available";
    h.sim.state.efs.localStuck = false;
    const promotions = count("PromoteReadReplica");
    const rerun = await h.promote({});
    assert.equal(rerun.outcome, "completed", rerun.reason);
    assert.equal(count("PromoteReadReplica"), promotions, "the database is not promoted twice");
    assert.equal(h.sim.state.efs.backups, "ENABLED");
    assert.notEqual(h.sim.state.ssm[CACHE_PARAM], CACHE_FALLBACK_HOST, "Magento back on Redis");
  });

  it("a resumed run points Magento back at the cache once it is writable", async () => {
    h.sim.state.cache.failoverHangs = true;
    await h.promote({});
    h.sim.state.cache.failoverAbandonAfter = 0; // the stuck failover ends: the detach can go
    const retry = await h.promote({ holder: "orchestrator:eu-west-1:retry" });
    assert.equal(retry.outcome, "completed", retry.reason);
    assertFields(step(retry, "cache"), { outcome: "done" });
    assert.match(step(retry, "cache")!.detail ?? "", /disassociated.*pointed back/);
    assert.equal(h.sim.state.cache.role, "standalone");
    assert.equal(h.sim.state.ssm[CACHE_PARAM], SIM_IDS.cacheEndpoint);
  });

  it("a failover accepted and then abandoned is detached within the deadline", async () => {
    h.sim.state.cache.failoverHangs = true;
    h.sim.state.cache.failoverAbandonAfter = 3;
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.equal(h.sim.state.cache.role, "standalone");
    assert.equal(h.sim.state.ssm[CACHE_PARAM], SIM_IDS.cacheEndpoint);
  });

  it("failover answering InternalFailure twice: disassociation", async () => {
    const internal = () => Object.assign(new Error("internal"), { name: "InternalFailure" });
    h.sim.fail("FailoverGlobalReplicationGroup", internal(), internal());
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.equal(count("FailoverGlobalReplicationGroup"), 2);
    assert.equal(count("DisassociateGlobalReplicationGroup"), 1);
    assertFields(step(report, "cache"), { outcome: "done" });
    assert.equal(h.sim.state.cache.role, "standalone");
  });

  it("a validation error fails the cache track at once: no retry, no detach", async () => {
    h.sim.fail(
      "FailoverGlobalReplicationGroup",
      Object.assign(new Error("bad"), { name: "InvalidParameterCombinationException" }),
    );
    const report = await h.promote({});
    assertFields(step(report, "cache"), { outcome: "failed" });
    assert.equal(count("FailoverGlobalReplicationGroup"), 1);
    assert.equal(count("DisassociateGlobalReplicationGroup"), 0);
    assert.equal(h.sim.state.ssm[MAINTENANCE], "off");
  });

  it("scenario 34: EFS deletion stuck in DELETING: retried with the local-only mode, writable from its protection state", async () => {
    h.sim.state.efs.bothSidesStuck = true;
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.deepEqual(
      h.sim.callsOf("DeleteReplicationConfiguration").map((c) => c.input.DeletionMode),
      ["ALL_CONFIGURATIONS", "LOCAL_CONFIGURATION_ONLY"],
    );
    assert.ok(h.logs.some((l) => l.event === "media-deletion-stuck"));
    assert.equal(h.sim.state.efs.protection, "ENABLED");
    assert.match(step(report, "media")!.detail ?? "", /writable/);
  });

  it("scenario 34: EFS deletion stuck whatever the mode: the media track alarms and pages; the shop serves", async () => {
    h.sim.state.efs.bothSidesStuck = true;
    h.sim.state.efs.localStuck = true;
    const report = await h.promote({});
    assert.equal(report.outcome, "incomplete");
    assertFields(step(report, "media"), { outcome: "failed" });
    assert.equal(count("DeleteReplicationConfiguration"), 2, "both documented modes tried");
    assert.equal(h.sim.state.efs.protection, "REPLICATING", "never reported writable");
    assert.deepEqual(trackAlarms(), ["media"]);
    assert.ok(h.sim.state.messages.some((m) => /media not done, shop serving/.test(m.subject)));
    assert.equal(h.sim.state.ssm[MAINTENANCE], "off");
  });

  it("the both-sides deletion refused (source unreachable): the local side is deleted", async () => {
    h.sim.state.efs.bothSidesWork = false;
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.deepEqual(
      h.sim.callsOf("DeleteReplicationConfiguration").map((c) => c.input.DeletionMode),
      ["ALL_CONFIGURATIONS", "LOCAL_CONFIGURATION_ONLY"],
    );
  });

  it("a file system left DISABLED after its replication is gone gets its protection ENABLED", async () => {
    h.sim.state.efs.replication = undefined;
    h.sim.state.efs.protection = "DISABLED";
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assertFields(h.sim.callsOf("UpdateFileSystemProtection")[0]?.input, {
      FileSystemId: SIM_IDS.fileSystem,
      ReplicationOverwriteProtection: "ENABLED",
    });
    assert.equal(count("DeleteReplicationConfiguration"), 0);
  });

  it("the promoted file system gets automatic backups, asked for only once it is writable", async () => {
    const report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.equal(h.sim.state.efs.backups, "ENABLED");
    const backups = h.sim.calls.findIndex((c) => c.command === "PutBackupPolicy");
    const deletion = h.sim.calls.findIndex((c) => c.command === "DeleteReplicationConfiguration");
    assert.ok(backups > deletion && deletion >= 0, "after the replication is gone");
    assert.match(step(report, "media")!.detail ?? "", /backups on/);
  });

  it("backups refused on the writable file system: the media track fails and pages with the command to run", async () => {
    h.sim.state.efs.backupsRefused = "AccessDeniedException";
    const report = await h.promote({});
    assert.equal(report.outcome, "incomplete");
    assertFields(step(report, "media"), { outcome: "failed" });
    assert.match(
      (step(report, "media") as { error?: { message: string } }).error?.message ?? "",
      /writable but automatic backups could not be turned on \(AccessDeniedException\): aws efs put-backup-policy/,
    );
    assert.deepEqual(trackAlarms(), ["media"]);
    assert.ok(
      h.sim.state.messages.some((m) => /put-backup-policy/.test(m.message)),
      "the page says what to run",
    );
    assert.equal(h.sim.state.ssm[MAINTENANCE], "off", "the shop serves");
  });

  it("the replica-lag alarm stops acting once the database is promoted; a refusal never fails the step", async () => {
    let report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.deepEqual(h.sim.state.alarmsDisabled, ["magento-db-euw1-db-replica-lag"]);
    assert.match(step(report, "database")!.detail ?? "", /standby-only alarm actions off/);
    await h.renew();
    h.sim.unreachableRegion = HOME;
    h.sim.state.alarmActionsRefused = "AccessDenied";
    report = await h.promote({});
    assert.equal(report.outcome, "completed", report.reason);
    assert.match(
      step(report, "database")!.detail ?? "",
      /standby-only alarms still page \(AccessDenied\)/,
    );
  });

  it("the app tier never serves: the shop stays in maintenance, the tracks still run", async () => {
    h.sim.state.asg.bootsPerDescribe = 0;
    const report = await h.promote({});
    assert.equal(report.outcome, "incomplete");
    assert.equal(report.shopReadyMs, undefined);
    assertFields(step(report, "endpoints"), { outcome: "not-run" });
    assertFields(step(report, "capacity"), { outcome: "not-run" });
    assertFields(step(report, "cache"), { outcome: "done" });
    assert.equal(h.sim.state.ssm[MAINTENANCE], undefined);
  });
});
