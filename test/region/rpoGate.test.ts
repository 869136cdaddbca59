// The RPO gate on the measured loss window (docs/rpo.md): the newest replicated heartbeat of the
// region being left decides; the replica's lag metric is a secondary signal beside it. Real SDK
// clients answered by the simulated standby region, a real authority table; the heartbeat
// reports are what the reader function answers (test/heartbeat.test.ts reads them from a real
// MariaDB).
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import type { HeartbeatReport } from "../../functions/heartbeat/reader";
import {
  invokedLossWindowReader,
  lossWindowFrom,
  measureLossWindow,
  type LossWindowReader,
} from "../../functions/region/lossWindow";
import { defaultOrchestratorDeps } from "../../functions/region/orchestrator";
import { assert } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { HOME, testSettings } from "./helpers/fixtures";

const INCIDENT = "incident-1";

describe("region promotion: the RPO gate on the measured loss window", function () {
  this.timeout(10_000);
  const h = useRegionHarness({ rpoBudgetSeconds: 60 });
  beforeEach(() => {
    h.sim.unreachableRegion = HOME;
  });

  /** The reader's answer: the home region's newest beat `ageMs` before the harness clock. */
  const beatAgo =
    (ageMs: number): LossWindowReader =>
    async (fromRegion) => {
      const report: HeartbeatReport = {
        beats: [
          {
            region: HOME,
            beatAt: new Date(h.clock.now - ageMs).toISOString(),
            writer: "ip-10-0-1-17",
          },
        ],
        detail: "1 region(s) beat into this database",
      };
      return lossWindowFrom(report, fromRegion, h.clock.now);
    };
  const automatic = (lossWindow: LossWindowReader) =>
    h.promote({ incidentId: INCIDENT }, { lossWindow });

  it("scenario 35: a heartbeat stopped 40 s before the outage → the audit record and the notice carry a 40 s loss window and the beat's own time", async () => {
    const report = await automatic(beatAgo(40_000));
    assert.equal(report.outcome, "completed", report.reason);
    const beatAt = new Date(h.clock.now - 40_000).toISOString();
    assert.deepEqual(
      { seconds: report.lossWindow?.seconds, heartbeatAt: report.lossWindow?.heartbeatAt },
      { seconds: 40, heartbeatAt: beatAt },
    );
    const [run] = (await h.incidents.read(INCIDENT))!.runs;
    assert.equal(run.lossWindow?.seconds, 40, "in the audit record");
    assert.equal(run.lossWindow?.heartbeatAt, beatAt);
    const notice = h.sim.state.messages.find((m) => /Region promotion completed/.test(m.subject));
    assert.ok(notice, "the run's notice");
    assert.deepEqual(JSON.parse(notice.message).lossWindow, run.lossWindow, "and in the notice");
  });

  it("a window over the budget stops the automatic path for approval although the lag metric reads 0 (secondary)", async () => {
    h.sim.state.lagValues = [0];
    const report = await automatic(beatAgo(95_000));
    assert.equal(report.outcome, "awaiting-approval");
    assert.match(report.reason, /loss window 95 s over the 60 s budget/);
    assert.match(report.reason, /secondary signal, not deciding: database lag metric/);
    const request = h.sim.state.messages.find((m) => /Approval needed/.test(m.subject));
    assert.ok(request);
    assert.equal(
      JSON.parse(request.message).lossWindow.seconds,
      95,
      "the approval request says how much",
    );
    assert.deepEqual(
      h.sim.writes().map((c) => c.command),
      ["Publish"],
      "nothing promoted",
    );
  });

  it("an unreadable heartbeat is the RPO not shown to hold: approval, never a promotion", async () => {
    const failing: LossWindowReader = async () => {
      throw new Error("Task timed out after 30.00 seconds");
    };
    const report = await automatic(failing);
    assert.equal(report.outcome, "awaiting-approval");
    assert.match(report.reason, /loss window unknown.*heartbeat unreadable: Task timed out/);
    const absent: LossWindowReader = async (fromRegion) =>
      lossWindowFrom(
        { beats: [], detail: "no magento_dr_heartbeat table" },
        fromRegion,
        h.clock.now,
      );
    const again = await h.promote({ incidentId: "incident-2" }, { lossWindow: absent });
    assert.equal(again.outcome, "awaiting-approval");
    assert.match(again.reason, /no heartbeat of us-east-1 on this replica/);
  });

  it("a slow reader is cut at its deadline and counts as unknown", async () => {
    const hanging: LossWindowReader = (_from, signal) =>
      new Promise((_resolve, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason)),
      );
    const window = await measureLossWindow(hanging, HOME, 50, () => h.clock.now);
    assert.equal(window.seconds, undefined);
    assert.match(window.detail, /heartbeat unreadable/);
  });

  it("a lag metric over budget does not stop a promotion whose heartbeat is fresh; the reason names it", async () => {
    h.sim.state.lagValues = [95];
    const report = await automatic(beatAgo(4_000));
    assert.equal(report.outcome, "completed", report.reason);
    const gate = h.logs.find((l) => l.event === "rpo-gate");
    assert.match(String(gate?.reason), /loss window 4 s within the 60 s budget/);
    assert.match(String(gate?.reason), /secondary signal, not deciding: database lag metric/);
  });

  it("forced by an operator: the window is still measured and recorded", async () => {
    const report = await h.promote(
      { incidentId: INCIDENT, holder: "operator:alice", trigger: "operator:alice", force: true },
      { lossWindow: beatAgo(300_000) },
    );
    assert.equal(report.outcome, "completed", report.reason);
    assert.equal((await h.incidents.read(INCIDENT))!.runs[0].lossWindow?.seconds, 300);
  });

  it("without a configured reader the lag metric decides, as before, and says so", async () => {
    h.sim.state.lagValues = [95];
    const report = await h.promote({ incidentId: INCIDENT });
    assert.equal(report.outcome, "awaiting-approval");
    assert.match(report.reason, /no RPO heartbeat configured: the lag metric decides/);
  });
});

describe("the loss window reader function, invoked", () => {
  // The instance, not the class: other suites install and restore class-wide mocks.
  const client = new LambdaClient({ region: "eu-west-1" });
  const lambda = mockClient(client);
  afterEach(() => lambda.reset());
  after(() => lambda.restore());
  const now = Date.parse("2026-11-29T17:00:40.000Z");

  it("invokes the reader by name and measures from the region's beat", async () => {
    const report: HeartbeatReport = {
      beats: [
        { region: "eu-west-1", beatAt: "2026-11-29T16:00:00.000Z", writer: "a" },
        { region: "us-east-1", beatAt: "2026-11-29T17:00:00.000Z", writer: "b" },
      ],
      detail: "2 region(s)",
    };
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from(JSON.stringify(report)) as never });
    const window = await invokedLossWindowReader(client, "reader-fn", () => now)(HOME);
    assert.equal(window.seconds, 40);
    assert.equal(window.heartbeatAt, "2026-11-29T17:00:00.000Z");
    assert.equal(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName, "reader-fn");
  });

  it("a function error or an answer without beats throws (the promotion records it as unknown)", async () => {
    lambda.on(InvokeCommand).resolves({
      FunctionError: "Unhandled",
      Payload: Buffer.from('{"errorMessage":"boom"}') as never,
    });
    await assert.rejects(
      invokedLossWindowReader(client, "reader-fn", () => now)(HOME),
      /heartbeat reader failed \(Unhandled\)/,
    );
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from("{}") as never });
    const window = await measureLossWindow(
      invokedLossWindowReader(client, "reader-fn", () => now),
      HOME,
      1_000,
      () => now,
    );
    assert.equal(window.seconds, undefined);
    assert.match(window.detail, /answered without beats/);
  });

  it("the orchestrator reads the window through the configured reader function, and only then", () => {
    const base = testSettings();
    assert.equal(defaultOrchestratorDeps(base).lossWindow, undefined);
    const configured = testSettings({ heartbeat: { readerFunctionName: "reader-fn" } });
    assert.equal(typeof defaultOrchestratorDeps(configured).lossWindow, "function");
  });
});
