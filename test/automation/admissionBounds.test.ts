// The operator's admission and the lines around it, by their exact words and bounds: a lease
// expiring this very millisecond no longer holds, a record without a mode or incident resumes as
// unplanned/unknown, the new incident's id from the clock, each refusal's message and next step;
// the rerun command with its flags; the loss window exactly at the budget is within it.
import assert from "node:assert/strict";
import { admitOperator } from "../../automation/admission";
import { rerunCommand } from "../../automation/context";
import { Refused } from "../../automation/errors";
import { formatLossWindow } from "../../automation/rpo";
import type { AuthorityRecord } from "../../functions/region/authority";
import type { StackInfo } from "../../automation/topology";

const euw1 = { stack: "prod-euw1", region: "eu-west-1" } as StackInfo;
const NOW = Date.parse("2026-11-23T03:04:05.678Z");

const record = (fields: Partial<AuthorityRecord>) =>
  ({
    pk: "authority",
    epoch: 4,
    activeRegion: "eu-west-1",
    phase: "promoting",
    leaseExpiresAt: 0,
    ...fields,
  }) as AuthorityRecord;

function refusal(current: AuthorityRecord, mode: "planned" | "unplanned", target = euw1) {
  try {
    admitOperator(current, target, mode, NOW);
  } catch (error) {
    assert.ok(error instanceof Refused, String(error));
    return { message: error.message, next: error.nextStep };
  }
  assert.fail("admitted");
}

describe("promote CLI: admission, word for word", () => {
  it("a new promotion: its incident named by mode, region and the clock to the second", () => {
    assert.deepEqual(
      admitOperator(
        record({ activeRegion: "us-east-1", phase: "completed" }),
        euw1,
        "planned",
        NOW,
      ),
      {
        kind: "new",
        incidentId: "operator-planned-eu-west-1-20261123T030405Z",
        fromRegion: "us-east-1",
      },
    );
    assert.deepEqual(
      admitOperator(
        record({ activeRegion: "eu-west-1", phase: "completed" }),
        euw1,
        "planned",
        NOW,
      ),
      { kind: "already-active" },
    );
  });

  it("a lease expiring now no longer holds; one a millisecond later does, and refuses", () => {
    const live = {
      holder: "orchestrator:eu-west-1:req-9",
      mode: "unplanned" as const,
      incidentId: "inc-1",
    };
    assert.equal(
      admitOperator(record({ ...live, leaseExpiresAt: NOW }), euw1, "unplanned", NOW).kind,
      "resume",
    );
    assert.deepEqual(refusal(record({ ...live, leaseExpiresAt: NOW + 1 }), "unplanned"), {
      message:
        "orchestrator:eu-west-1:req-9 is promoting eu-west-1 right now (epoch 4, lease until 2026-11-23T03:04:05.679Z)",
      next: "wait for it to finish; watch it with `npm run promote -- status`",
    });
    // An expiry in the future without a holder is no lease.
    assert.equal(
      admitOperator(
        record({ leaseExpiresAt: NOW + 60_000, incidentId: "inc-1" }),
        euw1,
        "unplanned",
        NOW,
      ).kind,
      "resume",
    );
  });

  it("an incomplete record without mode, incident or origin resumes as unplanned, unknown", () => {
    assert.deepEqual(admitOperator(record({}), euw1, "unplanned", NOW), {
      kind: "resume",
      incidentId: "unknown",
      fromRegion: "unknown",
      abandonsPlanned: false,
    });
    assert.deepEqual(refusal(record({ incidentId: "inc-2" }), "planned"), {
      message:
        "incident inc-2 to eu-west-1 was started as an unplanned failover; a planned switchover cannot finish it",
      next: "resume it with `npm run promote -- unplanned --to prod-euw1`",
    });
    const planned = record({
      mode: "planned",
      incidentId: "inc-3",
      previousActiveRegion: "us-east-1",
    });
    assert.deepEqual(admitOperator(planned, euw1, "planned", NOW), {
      kind: "resume",
      incidentId: "inc-3",
      fromRegion: "us-east-1",
      abandonsPlanned: false,
    });
  });

  it("a promotion of another region incomplete, or running: refused, saying which", () => {
    const use1 = { stack: "prod-use1", region: "us-east-1" } as StackInfo;
    assert.deepEqual(refusal(record({ incidentId: "inc-4" }), "planned", use1), {
      message: "a promotion of eu-west-1 (incident inc-4, epoch 4) is incomplete",
      next: "finish it first (rerun it with --to the stack of eu-west-1), then decide again",
    });
    assert.equal(
      refusal(
        record({ incidentId: "inc-4", holder: "operator:bob", leaseExpiresAt: NOW + 5 }),
        "planned",
        use1,
      ).message,
      "a promotion of eu-west-1 (incident inc-4, epoch 4) is running, held by operator:bob",
    );
  });

  it("the rerun command carries --to and a non-default settings source", () => {
    const args = {
      mode: "planned",
      to: "prod-euw1",
      dryRun: true,
      yes: true,
      settings: "deployed",
    } as const;
    assert.equal(rerunCommand(args), "npm run promote -- planned --to prod-euw1");
    assert.equal(
      rerunCommand({ ...args, settings: "plan" }, "failback", "prod-use1"),
      "npm run promote -- failback --to prod-use1 --settings plan",
    );
    assert.equal(
      rerunCommand({ ...args, mode: "status", to: undefined }),
      "npm run promote -- status",
    );
  });

  it("the loss window exactly at the budget is within it; a second over is not", () => {
    const window = (seconds: number) => ({
      source: "heartbeat" as const,
      seconds,
      measuredAt: "2026-11-23T03:04:05.678Z",
      detail: "newest replicated heartbeat 60 s old",
    });
    assert.equal(
      formatLossWindow(window(60), 60),
      "loss window 60 s  budget 60 s  ok  (newest replicated heartbeat 60 s old)",
    );
    assert.equal(
      formatLossWindow(window(61), 60),
      "loss window 61 s  budget 60 s  OVER BUDGET  (newest replicated heartbeat 60 s old)",
    );
    assert.equal(
      formatLossWindow(undefined, 60),
      "loss window not measured: this stack deploys no heartbeat reader (the lag metric decides)",
    );
  });
});
