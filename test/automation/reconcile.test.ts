// The IaC half on its own: the preview verdict, and how each failure ends (never a cancel, the
// state and the rerun named).
import assert from "node:assert/strict";
import { StepFailed } from "../../automation/errors";
import { judgePreview } from "../../automation/previewCheck";
import { Progress } from "../../automation/progress";
import { reconcile, reconcilePlan } from "../../automation/reconcile";
import { StackBusy, type PreviewChange } from "../../automation/stackOps";
import { readTopology, stackNamed } from "../../automation/topology";
import { FakeAws } from "./helpers/fakeAws";
import { RecordingStackOps } from "./helpers/harness";

const topology = readTopology();
const change = (op: string, type: string): PreviewChange => ({ op, type, urn: `urn:${type}` });

describe("promote CLI: IaC reconciliation", () => {
  it("blocks replaces and deletes of stateful types only", () => {
    const verdict = judgePreview([
      change("replace", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"),
      change("delete", "aws:kms/key:Key"),
      change("create-replacement", "aws:opensearch/domain:Domain"),
      change("update", "aws:rds/instance:Instance"),
      change("replace", "aws:efs/mountTarget:MountTarget"),
      change("create", "aws:efs/replicationConfiguration:ReplicationConfiguration"),
      change("same", "aws:dynamodb/table:Table"),
    ]);
    assert.deepEqual(
      verdict.blocking.map((c) => c.type),
      [
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:kms/key:Key",
        "aws:opensearch/domain:Domain",
      ],
    );
    assert.deepEqual(
      verdict.notices.map((c) => c.type),
      [
        "aws:efs/mountTarget:MountTarget",
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
      ],
    );
  });

  it("a stack busy with another update: stops, says to wait, never cancels", async () => {
    const ops = new RecordingStackOps(new FakeAws());
    ops.failOn = { op: "refresh", stack: "prod-use1", error: new StackBusy("prod-use1") };
    const plan = reconcilePlan(topology, stackNamed(topology, "prod-euw1"));
    const error = await reconcile(
      plan,
      ops,
      new Progress(() => undefined),
      "npm run promote -- planned --to prod-euw1",
    ).then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StepFailed);
    assert.match(error.message, /another update is running on stack prod-use1/);
    assert.match(error.nextStep, /wait for that update to finish \(never cancel it/);
    assert.match(error.state, /every stack file names the new active region; nothing was applied/);
    assert.deepEqual(
      ops.calls.map((c) => c.op),
      ["setActiveRegion", "setActiveRegion", "refresh"],
    );
  });

  it("orders ups home first and skips the region being left", () => {
    const all = reconcilePlan(topology, stackNamed(topology, "prod-use1"), { upAll: true });
    assert.deepEqual(
      all.up.map((s) => s.stack),
      ["prod-use1", "prod-euw1"],
    );
    const away = reconcilePlan(topology, stackNamed(topology, "prod-euw1"), {
      unreachableRegion: "us-east-1",
    });
    assert.deepEqual(
      away.reachable.map((s) => s.stack),
      ["prod-euw1"],
    );
    assert.deepEqual(
      away.configure.map((s) => s.stack),
      ["prod-euw1", "prod-use1"],
    );
  });
});
