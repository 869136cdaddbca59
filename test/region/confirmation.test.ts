// The orchestrator accepts a detector's request only on the detector's own recorded decision:
// about the same region, at the same epoch, recent, and a failover. Each refusal, and its
// boundary, as literals.
import * as assert from "assert";
import { detectorConfirmation } from "../../functions/region/orchestrator";
import type { SignalStore } from "../../functions/region/detection";
import type { HoldStore } from "../../functions/region/hold";
import { testSettings } from "./helpers/fixtures";

const NOW = 1_000_000;
const decision = (over: Record<string, unknown> = {}) => ({
  target: "us-east-1",
  canaryFailures: 3,
  route53Failures: 3,
  lastAction: "failover",
  decidedAt: NOW - 1_000,
  epoch: 4,
  ...over,
});

function confirm(
  state: unknown,
  request = { fromRegion: "us-east-1", epoch: 4 },
  hold?: { by: string; reason: string },
) {
  const read: string[] = [];
  const signals = {
    readDetector: async (region: string) => {
      read.push(region);
      return state;
    },
  } as unknown as SignalStore;
  const settings = testSettings({ maxEventAgeMs: 60_000 });
  const holds = { active: async () => hold } as unknown as HoldStore;
  return detectorConfirmation(
    signals,
    settings,
    () => NOW,
    holds,
  )(request as any).then((r) => ({
    ...r,
    read,
  }));
}

describe("orchestrator: the detector's recorded decision confirms an automatic promotion", () => {
  it("confirms a recent failover decision about the same region and epoch, read for this region", async () => {
    assert.deepStrictEqual(await confirm(decision()), {
      confirmed: true,
      reason: "quorum decision recorded",
      read: ["eu-west-1"],
    });
    // Exactly maxEventAgeMs old is still recent.
    assert.strictEqual((await confirm(decision({ decidedAt: NOW - 60_000 }))).confirmed, true);
  });

  it("refuses without a decision, on another decision, another region or epoch, or an old one", async () => {
    const reason = async (state: unknown) => {
      const r = await confirm(state);
      assert.strictEqual(r.confirmed, false);
      return r.reason;
    };
    assert.strictEqual(await reason(undefined), "no detector decision recorded");
    const held = await confirm(decision(), undefined, { by: "ops", reason: "drill" });
    assert.deepStrictEqual(
      [held.confirmed, held.reason, held.read],
      [false, "operator hold by ops: drill", []],
    );
    assert.strictEqual(
      await reason(decision({ lastAction: "none" })),
      "detector's last decision is none",
    );
    assert.strictEqual(
      await reason(decision({ target: "eu-west-1" })),
      "detector decided about eu-west-1 at epoch 4, not us-east-1 at 4",
    );
    assert.strictEqual(
      await reason(decision({ epoch: 5 })),
      "detector decided about us-east-1 at epoch 5, not us-east-1 at 4",
    );
    assert.strictEqual(
      await reason(decision({ decidedAt: NOW - 60_001 })),
      "detector decision too old",
    );
  });
});
