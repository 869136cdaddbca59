// admit(), the fencing rule, answer by answer: every rejection's reason and detail as the operator
// reads it in the audit, and both sides of the lease's expiry (equal means expired).
import { admit, type AuthorityRecord } from "../../functions/region/authority";
import { assert } from "./helpers/assertions";

const record = (over: Partial<AuthorityRecord>): AuthorityRecord => ({
  epoch: 3,
  activeRegion: "us-east-1",
  phase: "completed",
  leaseExpiresAt: 0,
  updatedAt: 0,
  exists: true,
  incidentId: "old",
  ...over,
});
const request = (
  over: Partial<{ incidentId: string; epoch: number; targetRegion: string }> = {},
) => ({
  incidentId: "new",
  epoch: 3,
  targetRegion: "eu-west-1",
  ...over,
});
const NOW = Date.UTC(2027, 0, 15, 12, 0, 0);

describe("admit: every answer, literally", () => {
  it("a new promotion is taken at the current epoch", () => {
    assert.deepEqual(admit(record({}), request(), NOW), { kind: "new", expectedEpoch: 3 });
  });

  it("a completed incident is a replay", () => {
    assert.deepEqual(
      admit(record({ incidentId: "new", activeRegion: "eu-west-1" }), request(), NOW),
      { kind: "reject", reason: "replayed", detail: "incident new completed" },
    );
  });

  it("an epoch the authority never issued", () => {
    assert.deepEqual(admit(record({}), request({ epoch: 5 }), NOW), {
      kind: "reject",
      reason: "future-epoch",
      detail: "event epoch 5 is newer than the authority's 3",
    });
  });

  it("an older epoch for another incident is stale", () => {
    assert.deepEqual(admit(record({}), request({ epoch: 1 }), NOW), {
      kind: "reject",
      reason: "stale-epoch",
      detail: "event epoch 1 is older than the authority's 3",
    });
  });

  it("the region already active is never promoted again", () => {
    assert.deepEqual(admit(record({ activeRegion: "eu-west-1" }), request(), NOW), {
      kind: "reject",
      reason: "already-active",
      detail: "eu-west-1 is already the active region (phase completed)",
    });
  });

  describe("resuming an interrupted promotion", () => {
    const interrupted = (over: Partial<AuthorityRecord> = {}) =>
      record({ phase: "promoting", activeRegion: "eu-west-1", incidentId: "new", ...over });

    it("its own incident, lease free: resumed at the current epoch, from an older or the same one", () => {
      assert.deepEqual(admit(interrupted(), request({ epoch: 2 }), NOW), {
        kind: "resume",
        expectedEpoch: 3,
      });
      assert.deepEqual(admit(interrupted(), request(), NOW), { kind: "resume", expectedEpoch: 3 });
    });

    it("a lease still running is held: its holder and expiry are named", () => {
      const held = interrupted({ holder: "orchestrator:x", leaseExpiresAt: NOW + 1 });
      assert.deepEqual(admit(held, request({ epoch: 2 }), NOW), {
        kind: "reject",
        reason: "lease-held",
        detail: "orchestrator:x holds the lease until 2027-01-15T12:00:00.001Z",
      });
    });

    it("a lease expiring at this very moment has expired: resumed", () => {
      const held = interrupted({ holder: "orchestrator:x", leaseExpiresAt: NOW });
      assert.deepEqual(admit(held, request({ epoch: 2 }), NOW), {
        kind: "resume",
        expectedEpoch: 3,
      });
    });

    it("another incident's promotion to the same region is not resumed", () => {
      assert.deepEqual(admit(interrupted({ incidentId: "other" }), request(), NOW), {
        kind: "reject",
        reason: "already-active",
        detail: "eu-west-1 is already the active region (phase promoting)",
      });
    });

    it("the same incident after it went steady is not resumed", () => {
      assert.deepEqual(admit(interrupted({ phase: "steady" }), request(), NOW), {
        kind: "reject",
        reason: "already-active",
        detail: "eu-west-1 is already the active region (phase steady)",
      });
    });

    it("the same incident promoting another region is not resumed for this one", () => {
      assert.deepEqual(admit(interrupted({ activeRegion: "ap-southeast-1" }), request(), NOW), {
        kind: "new",
        expectedEpoch: 3,
      });
    });
  });
});
