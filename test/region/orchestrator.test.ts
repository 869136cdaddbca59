// Promotion scenarios of RELIABILITY.md on the automatic path (and the operator entry points it
// shares): real SDK clients answered by a simulated standby region, a real authority table.
// Each test asserts the outcome from the recorded SDK calls and the resulting state, and, where
// nothing should change, that nothing was written.
import {
  buildFailoverEvent,
  DETECTOR_SOURCE,
  OPERATOR_SOURCE,
  REJECTED_EVENT,
  type FailoverRequestDetail,
} from "../../functions/region/event";
import type { PromotionReport, PromotionRequest } from "../../functions/region/orchestrator";
import { AuthorityStore } from "../../functions/region/authority";
import { CACHE_FALLBACK_HOST } from "../../functions/region/steps";
import { assert, assertFields } from "./helpers/assertions";
import { flakyDynamo, throttled, unavailable, updating } from "./helpers/flakyDynamo";
import { useRegionHarness } from "../helpers/regionHarness";
import { ACCOUNT, HOME, STANDBY, type Harness } from "./helpers/fixtures";
import { SIM_IDS } from "./helpers/simAws";

const INCIDENT = "auto-us-east-1-to-eu-west-1-epoch-0";

describe("region orchestrator: promotion scenarios", function () {
  this.timeout(10_000);
  const h = useRegionHarness();
  beforeEach(() => {
    h.sim.unreachableRegion = HOME; // the failed region: any call there would fail (and be counted)
  });

  const detectorEvent = (detail: Partial<FailoverRequestDetail> = {}, time = h.clock.now) =>
    buildFailoverEvent({
      source: DETECTOR_SOURCE,
      accountId: ACCOUNT,
      region: STANDBY,
      now: time,
      detail: {
        incidentId: INCIDENT,
        mode: "unplanned",
        failedRegion: HOME,
        targetRegion: STANDBY,
        epoch: 0,
        ...detail,
      },
    });
  /** What `npm run promote` runs for an operator: the same library, the operator's own lease. */
  const operatorPromotion = (user: string, request: Partial<PromotionRequest> = {}) =>
    h.promote({
      incidentId: `op-${user}`,
      holder: `operator:${user}`,
      trigger: `operator:${user}`,
      ...request,
    });
  /** An operator request by event: refused, since an event cannot prove who sent it. */
  const operatorEvent = (detail: Partial<FailoverRequestDetail> = {}) => ({
    ...detectorEvent(detail),
    source: OPERATOR_SOURCE,
    detail: { ...detectorEvent(detail).detail, requestedBy: "alice" },
  });
  const detectorDecided = (epoch = 0) =>
    h.signals.writeDetector(STANDBY, {
      target: HOME,
      canaryFailures: 3,
      route53Failures: 0,
      lastAction: "failover",
      decidedAt: h.clock.now,
      epoch,
    });
  const count = (command: string) => h.sim.callsOf(command).length;
  const assertCompletedState = async (epoch: number) => {
    const record = await h.authority.read();
    assertFields(record, {
      epoch,
      activeRegion: STANDBY,
      phase: "completed",
      previousActiveRegion: HOME,
    });
    const s = h.sim.state;
    assert.equal(s.db.source, undefined);
    assert.equal(s.db.status, "available");
    assert.notEqual(s.cache.role, "SECONDARY");
    assert.equal(s.efs.replication, undefined, "replication stopped");
    assert.equal(s.efs.protection, "ENABLED", "media writable");
    assert.equal(
      s.ssm["/magento-dr/prod-euw1/cache/primary"],
      SIM_IDS.cacheEndpoint,
      "Magento on the promoted cache",
    );
    assert.equal(s.asg.desired, 4);
    assert.equal(s.ssm["/magento-dr/prod-euw1/active-region"], STANDBY);
    assert.equal(s.ssm["/magento-dr/prod-euw1/maintenance"], "off");
    // Bumped by its one writer (bumpEpoch), once per run that changed endpoints: they reconnect.
    assert.ok(Number(s.ssm["/magento-dr/prod-euw1/endpoint-epoch"]) >= 1, "epoch bumped");
    assert.ok(
      s.metrics.some((m) => m.name === "FailoverActive" && m.value === 1),
      "gate closed",
    );
  };
  const assertNothingChanged = async (before: unknown) => {
    assert.deepEqual(h.sim.writes(), [], "no AWS write");
    assert.deepEqual(await h.authority.read(), before, "authority record unchanged");
  };

  it("promotes the standby: every step runs, in the local region only, and the audit is written", async () => {
    await detectorDecided();
    const report = (await h.handler()(detectorEvent(), {
      awsRequestId: "req-1",
    })) as PromotionReport;
    assert.equal(report.outcome, "completed", JSON.stringify(report));
    await assertCompletedState(1);
    assert.deepEqual(
      report.steps.map((s) => [s.name, s.outcome]),
      [
        ["database", "done"],
        ["app-tier", "done"],
        ["gate", "done"],
        ["endpoints", "done"],
        ["cache", "done"],
        ["media", "done"],
        ["capacity", "already-done"],
        // The fixtures configure no search replication: the step has nothing to do.
        ["search", "already-done"],
      ],
    );
    assert.ok(report.shopReadyMs !== undefined, "the shop's ready time is reported");
    assert.equal(h.sim.state.db.backupRetentionDays, 14, "backup retention passed explicitly");
    assert.equal(count("FailoverGlobalReplicationGroup"), 1);
    assert.equal(count("PromoteReadReplica"), 1);
    assertFields(h.sim.callsOf("DeleteReplicationConfiguration")[0].input, {
      DeletionMode: "ALL_CONFIGURATIONS",
    });
    const incident = await h.incidents.read(INCIDENT);
    assert.equal(incident?.status, "completed");
    assertFields(incident?.runs[0], {
      epoch: 1,
      outcome: "completed",
      holder: "orchestrator:eu-west-1:req-1",
    });
    for (const step of incident?.runs[0].steps ?? []) {
      assert.ok(
        step.startedAt && step.endedAt && step.durationMs !== undefined,
        `${step.name} timed`,
      );
    }
  });

  it("scenario 8: all endpoints of the failed region unreachable: completes with zero calls there", async () => {
    await detectorDecided();
    const report = (await h.handler()(detectorEvent())) as PromotionReport;
    assert.equal(report.outcome, "completed");
    assert.ok(h.sim.calls.length > 10);
    assert.deepEqual([...new Set(h.sim.calls.map((c) => c.region))], [STANDBY]);
  });

  it("scenario 9: Route 53 API failing: traffic moves by the region gate, ChangeResourceRecordSets never called", async () => {
    h.sim.state.route53.fail = true;
    await detectorDecided();
    const report = (await h.handler()(detectorEvent())) as PromotionReport;
    assert.equal(report.outcome, "completed");
    const gate = h.sim
      .callsOf("PutMetricData")
      .find((c) => JSON.stringify(c.input).includes("FailoverActive"));
    assertFields(gate?.input, { Namespace: "magento-dr/RegionGate" });
    assert.equal(gate?.region, STANDBY);
    assert.equal(count("ChangeResourceRecordSets"), 0);
    assert.equal(h.sim.calls.filter((c) => c.service === "route53").length, 0);
  });

  it("scenario 10: the primary region's own automation is dead: the standby's orchestrator finishes alone", async () => {
    // Nothing in the home region answers (unreachableRegion) and nothing there is needed.
    await detectorDecided();
    const report = (await h.handler()(detectorEvent())) as PromotionReport;
    assert.equal(report.outcome, "completed");
    await assertCompletedState(1);
  });

  it("scenario 4: five invocations for the same incident at once: exactly one promotion", async () => {
    await detectorDecided();
    const handler = h.handler();
    const reports = (await Promise.all(
      Array.from({ length: 5 }, (_, i) => handler(detectorEvent(), { awsRequestId: `req-${i}` })),
    )) as PromotionReport[];
    const outcomes = reports.map((r) => r.outcome).sort();
    assert.deepEqual(outcomes, [
      "completed",
      "lease-conflict",
      "lease-conflict",
      "lease-conflict",
      "lease-conflict",
    ]);
    assert.equal(count("PromoteReadReplica"), 1);
    assert.equal(count("FailoverGlobalReplicationGroup"), 1);
    assert.equal(count("UpdateAutoScalingGroup"), 1);
    await assertCompletedState(1);
    assert.equal((await h.incidents.read(INCIDENT))?.runs.length, 1);
  });

  it("security scenario: a forged operator event is refused, nothing changes, and the alarm's log line is written", async () => {
    // Even with a real quorum decision on record, a request by event must come from the detector.
    await detectorDecided();
    const before = await h.authority.read();
    const report = await h.handler()(operatorEvent());
    assert.equal(report.outcome, "rejected");
    assert.match(
      (report as { reason: string }).reason,
      /^source: operator requests by event are refused/,
    );
    assert.deepEqual(h.sim.calls, [], "nothing was read or written in AWS");
    await assertNothingChanged(before);
    // The metric filter on the orchestrator's log group counts lines holding this term.
    const rejected = h.logs.filter((l) => JSON.stringify(l).includes(`"${REJECTED_EVENT}"`));
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].field, "source");
    // A detector-sourced forgery with no recorded decision behind it changes nothing either.
    h.logs.length = 0;
    await h.signals.writeDetector(STANDBY, {
      target: HOME,
      canaryFailures: 0,
      route53Failures: 0,
      lastAction: "none",
      decidedAt: h.clock.now,
      epoch: 0,
    });
    const forged = (await h.handler()(detectorEvent())) as PromotionReport;
    assert.notEqual(forged.outcome, "completed");
    assert.equal(h.sim.writes().length, 0, JSON.stringify(forged));
    assert.deepEqual((await h.authority.read()).activeRegion, before.activeRegion);
  });

  it("scenario 5: the detector and an operator trigger at once: exactly one promotion; the authority decides", async () => {
    await detectorDecided();
    const handler = h.handler();
    const reports = (await Promise.all([
      handler(detectorEvent()),
      operatorPromotion("alice"),
    ])) as PromotionReport[];
    assert.deepEqual(reports.map((r) => r.outcome).sort(), ["completed", "lease-conflict"]);
    assert.equal(count("PromoteReadReplica"), 1);
    const record = await h.authority.read();
    const winner = reports.find((r) => r.outcome === "completed");
    assert.equal(record.incidentId, winner?.incidentId);
  });

  it("scenario 23: two operator promotions at once: one proceeds, the other reports the conflict, state consistent", async () => {
    const [a, b] = await Promise.all([
      h.promote({ incidentId: "op-alice", holder: "operator:alice", trigger: "operator:alice" }),
      h.promote({ incidentId: "op-bob", holder: "operator:bob", trigger: "operator:bob" }),
    ]);
    assert.deepEqual([a.outcome, b.outcome].sort(), ["completed", "lease-conflict"]);
    assert.equal(count("PromoteReadReplica"), 1);
    const record = await h.authority.read();
    assertFields(record, {
      epoch: 1,
      phase: "completed",
      incidentId: a.outcome === "completed" ? "op-alice" : "op-bob",
    });
    assert.equal(record.holder, undefined);
  });

  it("scenario 6: retry after partial failure (database promoted, cache step threw) skips what is done", async () => {
    // A validation error is the one refusal the cache step neither retries nor detaches after.
    h.sim.fail(
      "FailoverGlobalReplicationGroup",
      Object.assign(new Error("bad region"), { name: "InvalidParameterValueException" }),
    );
    const first = await h.promote({});
    assert.equal(first.outcome, "incomplete");
    assertFields(
      first.steps.find((s) => s.name === "cache"),
      { outcome: "failed" },
    );
    assertFields(
      first.steps.find((s) => s.name === "database"),
      { outcome: "done" },
    );
    assertFields(
      first.steps.find((s) => s.name === "endpoints"),
      { outcome: "done" },
    );
    assertFields(await h.authority.read(), { phase: "promoting", epoch: 1, holder: undefined });
    assert.equal(h.sim.state.ssm["/magento-dr/prod-euw1/maintenance"], "off", "shop serving");
    assert.equal(
      h.sim.state.ssm["/magento-dr/prod-euw1/cache/primary"],
      CACHE_FALLBACK_HOST,
      "Magento on its fallback cache meanwhile",
    );

    const retry = await h.promote({ holder: "orchestrator:eu-west-1:retry" });
    assert.equal(retry.outcome, "completed");
    assertFields(
      retry.steps.find((s) => s.name === "database"),
      { outcome: "already-done" },
    );
    assertFields(
      retry.steps.find((s) => s.name === "media"),
      { outcome: "already-done" },
    );
    assertFields(
      retry.steps.find((s) => s.name === "capacity"),
      { outcome: "already-done" },
    );
    assertFields(
      retry.steps.find((s) => s.name === "cache"),
      { outcome: "done" },
    );
    assert.equal(count("PromoteReadReplica"), 1);
    assert.equal(count("DeleteReplicationConfiguration"), 1);
    assert.equal(count("UpdateAutoScalingGroup"), 1);
    await assertCompletedState(2);
    const incident = await h.incidents.read("incident-1");
    assert.deepEqual(
      incident?.runs.map((r) => [r.decision, r.outcome]),
      [
        ["new", "incomplete"],
        ["resume", "completed"],
      ],
    );
  });

  /** End state without what legitimately differs between runs (call log, epoch number). */
  const normalized = async (x: Harness) => {
    const snapshot = x.sim.snapshot() as ReturnType<Harness["sim"]["snapshot"]>;
    const record = await x.authority.read();
    const ssm = {
      ...snapshot.ssm,
      "/magento-dr/prod-euw1/endpoint-epoch":
        Number(snapshot.ssm["/magento-dr/prod-euw1/endpoint-epoch"]) >= 1 ? "<bumped>" : "never",
    };
    // EFS finishes a deletion on its own; "deleting" and "deleted" are the same end state here.
    const efs = {
      replicating:
        snapshot.efs.replication !== undefined && snapshot.efs.replication.status !== "DELETING",
    };
    return {
      ...snapshot,
      efs,
      ssm,
      activeRegion: record.activeRegion,
      phase: record.phase,
      holder: record.holder,
    };
  };

  it("scenario 7: a run that times out mid-promotion; the next run resumes and ends equal to an uninterrupted run", async () => {
    // The database describe after the promotion request hangs: the step's deadline ends it.
    h.sim.fail("DescribeDBInstances", "pass", "hang");
    const started = Date.now();
    const first = await h.promote({});
    assert.ok(
      Date.now() - started < h.settings.deadlines.databaseMs + 1_000,
      "bounded by the step deadline",
    );
    assert.equal(first.outcome, "incomplete");
    assertFields(first.steps.find((s) => s.name === "database")?.error, {
      name: "DeadlineExceeded",
    });
    const second = await h.promote({ holder: "orchestrator:eu-west-1:next" });
    assert.equal(second.outcome, "completed");
    assert.equal(
      count("PromoteReadReplica"),
      1,
      "the promotion requested before the timeout is not repeated",
    );
    const resumed = await normalized(h);
    // The SDK mocks are per client class: one simulated region at a time.
    await h.close();
    const reference = await h.another();
    try {
      reference.sim.unreachableRegion = HOME;
      assert.equal((await reference.promote({})).outcome, "completed");
      assert.deepEqual(resumed, await normalized(reference));
    } finally {
      await reference.close();
    }
  });

  it("scenario 7: a run killed without releasing its lease is resumed once the lease expires", async () => {
    await h.authority.takeLease({
      expectedEpoch: 0,
      newActiveRegion: STANDBY,
      holder: "orchestrator:eu-west-1:killed",
      incidentId: "incident-1",
      ttlMs: h.settings.leaseTtlMs,
      fromRegion: HOME,
    });
    const blocked = await h.promote({ holder: "orchestrator:eu-west-1:early" });
    assert.equal(blocked.outcome, "lease-conflict");
    assert.deepEqual(h.sim.writes(), []);
    h.clock.now += h.settings.leaseTtlMs + 1;
    const resumed = await h.promote({ holder: "orchestrator:eu-west-1:late" });
    assert.equal(resumed.outcome, "completed");
    await assertCompletedState(2);
  });

  describe("scenario 11: malformed events are rejected, nothing changes, one log line, no throw", () => {
    const cases: [string, (e: Record<string, unknown>) => unknown][] = [
      ["missing detail", (e) => ({ ...e, detail: undefined })],
      ["wrong source", (e) => ({ ...e, source: "aws.health" })],
      ["foreign account", (e) => ({ ...e, account: "999999999999" })],
      [
        "unknown region",
        (e) => ({ ...e, detail: { ...(e.detail as object), failedRegion: "mars-north-1" } }),
      ],
      [
        "another target region",
        (e) => ({
          ...e,
          detail: { ...(e.detail as object), targetRegion: HOME, failedRegion: STANDBY },
        }),
      ],
      [
        "epoch of the wrong type",
        (e) => ({ ...e, detail: { ...(e.detail as object), epoch: "0" } }),
      ],
      ["mode of the wrong type", (e) => ({ ...e, detail: { ...(e.detail as object), mode: 1 } })],
      ["not an object", () => "promote please"],
      ["null", () => null],
    ];
    for (const [name, mutate] of cases) {
      it(`rejects ${name}`, async () => {
        await detectorDecided();
        const before = await h.authority.read();
        const logsBefore = h.logs.length;
        const result = await h.handler()(
          mutate(detectorEvent() as unknown as Record<string, unknown>),
        );
        assert.equal(result.outcome, "rejected");
        await assertNothingChanged(before);
        assert.equal(await h.incidents.read(INCIDENT), undefined);
        const lines = h.logs.slice(logsBefore);
        assert.equal(lines.length, 1);
        assertFields(lines[0], { level: "warn", event: "event-rejected" });
      });
    }
    it("a 1 MiB hostile field is logged cut to a bounded size, not as a 1 MiB line", async () => {
      const huge = "x".repeat(1 << 20);
      const logsBefore = h.logs.length;
      const result = await h.handler()({ ...detectorEvent(), source: huge });
      assert.equal(result.outcome, "rejected");
      assert.ok(result.reason.length < 1_024, `reason is ${result.reason.length} chars`);
      const lines = h.logs.slice(logsBefore);
      assert.equal(lines.length, 1);
      const size = JSON.stringify(lines[0]).length;
      assert.ok(size < 2_048, `log line is ${size} bytes`);
      assert.match(String(lines[0].reason), /more chars\)$/);
    });
  });

  it("scenario 12: a replayed or stale event is ignored and changes nothing", async () => {
    await detectorDecided();
    const handler = h.handler();
    assert.equal(((await handler(detectorEvent())) as PromotionReport).outcome, "completed");
    h.sim.calls = [];
    const before = await h.authority.read();
    const replay = (await handler(detectorEvent())) as PromotionReport;
    assert.equal(replay.outcome, "ignored");
    assert.match(replay.reason, /replayed/);
    const staleEpoch = (await handler(
      detectorEvent({ incidentId: "auto-other", epoch: 0 }),
    )) as PromotionReport;
    assert.equal(staleEpoch.outcome, "ignored");
    assert.match(staleEpoch.reason, /stale-epoch/);
    const old = await handler(detectorEvent({}, h.clock.now - h.settings.maxEventAgeMs - 1));
    assert.equal(old.outcome, "rejected");
    await assertNothingChanged(before);
    assert.equal((await h.incidents.read(INCIDENT))?.runs.length, 1);
  });

  it("scenario 13: a duplicate event long after completion is a no-op: no re-promotion, no failback", async () => {
    await detectorDecided();
    const handler = h.handler();
    assert.equal(((await handler(detectorEvent())) as PromotionReport).outcome, "completed");
    h.sim.calls = [];
    h.clock.now += 24 * 3600_000;
    const before = await h.authority.read();
    // The original event, delivered a day late.
    assert.equal(
      (await handler(detectorEvent({}, h.clock.now - 24 * 3600_000))).outcome,
      "rejected",
    );
    // The same request freshly stamped (a retrying client) and a new one at the current epoch.
    assert.equal(((await handler(detectorEvent())) as PromotionReport).outcome, "ignored");
    const again = await operatorPromotion("carol", { epoch: 1 });
    assert.equal(again.outcome, "ignored");
    assert.match(again.reason, /already-active/);
    await assertNothingChanged(before);
  });

  it("scenario 14: replication lag above the RPO budget stops the automatic path for approval; the operator can force", async () => {
    h.sim.state.lagValues = [95]; // budget is 30 s
    await detectorDecided();
    const handler = h.handler();
    const before = await h.authority.read();
    const stopped = (await handler(detectorEvent())) as PromotionReport;
    assert.equal(stopped.outcome, "awaiting-approval");
    assert.deepEqual(
      h.sim.writes().map((c) => c.command),
      ["Publish"],
      "only the approval request",
    );
    assert.match(h.sim.state.messages[0].subject, /Approval needed/);
    assert.deepEqual(await h.authority.read(), before);
    assert.equal((await h.incidents.read(INCIDENT))?.status, "awaiting-approval");
    // Asked once: the next detector run does not page again.
    assert.equal(
      ((await handler(detectorEvent())) as PromotionReport).outcome,
      "awaiting-approval",
    );
    assert.equal(count("Publish"), 1);
    // The operator CLI accepts the data loss explicitly.
    const forced = await h.promote({
      incidentId: INCIDENT,
      holder: "operator:alice",
      trigger: "operator:alice",
      force: true,
    });
    assert.equal(forced.outcome, "completed");
    await assertCompletedState(1);
  });

  it("scenario 15: a planned switchover uses the planned APIs only; a marker written before is present after", async () => {
    h.sim.unreachableRegion = undefined; // planned: both regions are up
    h.sim.writeMarker("order-100042");
    const report = await h.promote({
      mode: "planned",
      incidentId: "planned-1",
      holder: "operator:alice",
    });
    assert.equal(report.outcome, "completed");
    assert.equal(count("FailoverGlobalReplicationGroup"), 1);
    assert.equal(count("DisassociateGlobalReplicationGroup"), 0);
    assert.ok(
      h.sim
        .callsOf("DeleteReplicationConfiguration")
        .every((c) => c.input.DeletionMode === "ALL_CONFIGURATIONS"),
    );
    assertFields(h.sim.callsOf("FailoverGlobalReplicationGroup")[0].input, {
      PrimaryRegion: STANDBY,
      PrimaryReplicationGroupId: "magento-cache-euw1",
    });
    assert.ok(h.sim.state.cache.data.includes("order-100042"));
    assert.ok(h.sim.state.db.data.includes("order-100042"));
    // Traffic moves last: the gate only after the endpoints point here.
    const order = h.sim.writes().map((c) => c.command);
    assert.ok(
      order.lastIndexOf("PutParameter") <
        order.findIndex(
          (c, i) =>
            c === "PutMetricData" &&
            JSON.stringify(h.sim.writes()[i].input).includes("FailoverActive"),
        ),
    );
    assertFields(await h.authority.read(), { mode: "planned", phase: "completed" });
  });

  it("scenario 18: Global Datastore failover rejected (InvalidGlobalReplicationGroupState): bounded retry, then disassociate", async () => {
    h.sim.state.cache.globalStatus = "primary-only";
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assert.equal(count("FailoverGlobalReplicationGroup"), h.settings.retry.cacheFailoverAttempts);
    assert.equal(count("DisassociateGlobalReplicationGroup"), 1);
    assertFields(h.sim.callsOf("DisassociateGlobalReplicationGroup")[0].input, {
      GlobalReplicationGroupId: "ldgnf-magento-cache",
      ReplicationGroupId: "magento-cache-euw1",
      ReplicationGroupRegion: STANDBY,
    });
    assert.equal(h.sim.state.cache.role, "standalone");
  });

  it("scenario 18: a planned switchover never detaches the cache; it stops and leaves the lease for a retry", async () => {
    h.sim.state.cache.globalStatus = "modifying";
    const report = await h.promote({
      mode: "planned",
      incidentId: "planned-2",
      holder: "operator:alice",
    });
    assert.equal(report.outcome, "incomplete");
    assert.equal(count("DisassociateGlobalReplicationGroup"), 0);
    assert.equal(count("PutParameter"), 0);
    assertFields(await h.authority.read(), { phase: "promoting", holder: undefined });
  });

  it("the database step waits out a running backup (InvalidDBInstanceState) and promotes after it", async () => {
    h.sim.state.db.status = "backing-up";
    h.sim.state.db.backingUp = 2;
    h.sim.fail(
      "PromoteReadReplica",
      Object.assign(new Error("backing up"), { name: "InvalidDBInstanceStateFault" }),
    );
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assert.equal(count("PromoteReadReplica"), 2, "refused once, then accepted");
    assert.equal(h.sim.state.db.source, undefined);
  });

  it("the media step falls back to deleting only the local side when the source region cannot be reached", async () => {
    h.sim.state.efs.bothSidesWork = false;
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assert.deepEqual(
      h.sim.callsOf("DeleteReplicationConfiguration").map((c) => c.input.DeletionMode),
      ["ALL_CONFIGURATIONS", "LOCAL_CONFIGURATION_ONLY"],
    );
  });

  it("scenario 20: throttling on scale-up backs off and retries", async () => {
    const throttle = () =>
      Object.assign(new Error("Rate exceeded"), {
        name: "Throttling",
        $metadata: { httpStatusCode: 400 },
      });
    h.sim.fail("UpdateAutoScalingGroup", throttle(), throttle());
    h.sim.fail("DescribeAutoScalingGroups", "pass", throttle());
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assertFields(
      report.steps.find((s) => s.name === "app-tier"),
      { outcome: "done" },
    );
    assert.equal(count("UpdateAutoScalingGroup"), 3);
    assert.equal(h.sim.state.asg.inService, 4);
    assert.equal(
      h.sim.state.metrics.filter((m) => m.name === "PromotionCapacityNotReached").length,
      0,
    );
    assert.ok(h.logs.some((l) => l.event === "throttled" && l.step === "app-tier"));
  });

  it("scenarios 20 and 33: capacity one instance short: the shop takes orders with what it has, an alarm fires", async () => {
    h.sim.state.asg.healthyLimit = 3; // desired 4: the fourth instance never becomes healthy
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assertFields(
      report.steps.find((s) => s.name === "endpoints"),
      { outcome: "done" },
    );
    assert.equal(h.sim.state.ssm["/magento-dr/prod-euw1/maintenance"], "off");
    assertFields(
      report.steps.find((s) => s.name === "capacity"),
      { outcome: "capacity-not-reached" },
    );
    const metric = h.sim.state.metrics.find((m) => m.name === "PromotionCapacityNotReached");
    assertFields(metric, { value: 1, dimensions: { AutoScalingGroupName: "magento-asg-euw1" } });
    assert.equal(
      h.sim
        .callsOf("PutMetricData")
        .find((c) => JSON.stringify(c.input).includes("CapacityNotReached"))?.region,
      STANDBY,
    );
  });

  it("lease bookkeeping survives a transient DynamoDB error, and a persistent one still leaves an audit", async () => {
    const storeWith = (hx: Harness, rules: Parameters<typeof flakyDynamo>[1]) => {
      const flaky = flakyDynamo(hx.authorityClient, rules);
      const authority = new AuthorityStore({
        client: flaky.client,
        tableName: hx.settings.authority.tableName,
        initialActiveRegion: HOME,
        now: () => hx.clock.now,
        retry: { attempts: 4, baseDelayMs: 2, maxDelayMs: 10 },
      });
      return { authority, calls: flaky.calls };
    };
    const completion = updating("phase = :completed");
    const once = storeWith(h, [
      { command: "UpdateItem", when: completion, times: 2, error: throttled },
    ]);
    const report = await h.promote({ incidentId: "flaky-once" }, { authority: once.authority });
    assert.equal(report.outcome, "completed");
    assertFields(await h.authority.read(), { phase: "completed", epoch: 1 });
    assert.equal(once.calls.filter((c) => c.failed).length, 2);

    const h2 = await h.another();
    try {
      const always = storeWith(h2, [
        { command: "UpdateItem", when: completion, times: Infinity, error: unavailable },
      ]);
      const failed = await h2.promote(
        { incidentId: "flaky-always" },
        { authority: always.authority },
      );
      assert.equal(
        failed.outcome,
        "incomplete",
        "the result stands, the lease expires, a later run resumes",
      );
      assert.equal(always.calls.filter((c) => c.failed).length, 4, "bounded: 4 attempts");
      assertFields(await h2.incidents.read("flaky-always"), { status: "incomplete" });
      assert.ok(h2.sim.state.messages.length > 0, "operators are still told");
    } finally {
      await h2.close();
    }
  });

  it("a fence run that shrinks the group while the promotion waits for capacity is overridden", async () => {
    let shrunk = false;
    h.sim.state.beforeAsgDescribe = (asg) => {
      // A fence that read the authority just before the lease: it writes standby size once.
      if (!shrunk && asg.desired > 0) {
        shrunk = true;
        asg.min = 0;
        asg.desired = 0;
        asg.inService = 0;
      }
    };
    const report = await h.promote({});
    assert.equal(report.outcome, "completed");
    assertFields(
      report.steps.find((s) => s.name === "app-tier"),
      { outcome: "done" },
    );
    assert.ok(shrunk);
    assert.ok(h.sim.callsOf("UpdateAutoScalingGroup").length >= 2, "raised again after the shrink");
    assert.ok(h.sim.state.asg.desired >= h.settings.capacity.desired);
  });

  it("scenario 21: an AZ event in the region after failover: the orchestrator does nothing", async () => {
    await detectorDecided();
    const handler = h.handler();
    assert.equal(((await handler(detectorEvent())) as PromotionReport).outcome, "completed");
    h.sim.calls = [];
    const before = await h.authority.read();
    const azEvent = {
      version: "0",
      id: "az-1",
      source: "aws.health",
      account: ACCOUNT,
      region: STANDBY,
      time: new Date(h.clock.now).toISOString(),
      "detail-type": "AWS Health Event",
      detail: {
        service: "EC2",
        eventTypeCode: "AWS_EC2_AVAILABILITY_ZONE_IMPAIRED",
        availabilityZone: "eu-west-1a",
      },
    };
    assert.equal((await handler(azEvent)).outcome, "rejected");
    await assertNothingChanged(before);
  });

  it("a request to leave a region the authority does not name active is ignored", async () => {
    const before = await h.authority.read();
    const report = await h.promote({ fromRegion: "us-west-2" });
    assert.equal(report.outcome, "ignored");
    assert.match(report.reason, /names us-east-1 active/);
    await assertNothingChanged(before);
  });

  it("a step that fails renews nothing and releases the lease so the next run can resume at once", async () => {
    h.sim.fail(
      "DescribeReplicationConfigurations",
      Object.assign(new Error("denied"), { name: "AccessDeniedException" }),
    );
    const report = await h.promote({});
    assert.equal(report.outcome, "incomplete");
    const record = await h.authority.read();
    assertFields(record, { phase: "promoting", leaseExpiresAt: 0, holder: undefined });
    assert.ok(
      h.sim.state.messages.some((m) => /incomplete/.test(m.subject)),
      "people are told",
    );
  });
});
