// The promotion lease's heartbeat on its own: what stops a run (another holder, renewals that
// stay unconfirmed until the margin), what does not (one failed renewal with time left), both
// sides of the margin, and stop() leaving nothing in flight. Real timers with a short interval;
// the lease's clock (`now`) is the test's, so "time left" is exact.
import { LeaseConflict, type AuthorityRecord } from "../../functions/region/authority";
import { LeaseHeartbeat, LeaseLost } from "../../functions/region/leaseHeartbeat";
import { memoryLogger } from "../../functions/region/log";
import { assert, assertFields } from "./helpers/assertions";

const INTERVAL = 15;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const record = (leaseExpiresAt: number, holder = "orchestrator:eu-west-1:me"): AuthorityRecord => ({
  epoch: 4,
  activeRegion: "eu-west-1",
  phase: "promoting",
  holder,
  leaseExpiresAt,
  updatedAt: 0,
  exists: true,
});

/** A heartbeat whose renewals answer from `answers` in turn (the last one repeats). */
function heartbeat(
  answers: (() => Promise<AuthorityRecord>)[],
  opts: { expiresAt: number; marginMs: number },
) {
  const { logger, lines } = memoryLogger();
  const clock = { now: 1_000_000 };
  let calls = 0;
  const hb = new LeaseHeartbeat({
    renew: () => answers[Math.min(calls++, answers.length - 1)](),
    expiresAt: opts.expiresAt,
    intervalMs: INTERVAL,
    marginMs: opts.marginMs,
    now: () => clock.now,
    log: logger,
  });
  return { hb, lines, clock, calls: () => calls };
}

const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await settle(5);
  assert.ok(cond(), what);
};

describe("the promotion lease's heartbeat", () => {
  it("renews every interval and keeps the run going while renewals succeed", async () => {
    const t = heartbeat([async () => record(2_000_000)], { expiresAt: 1_005_000, marginMs: 1_000 });
    try {
      await waitFor(() => t.hb.renewals >= 3, "three renewals");
      assert.equal(t.hb.signal.aborted, false);
      assert.equal(t.hb.lost, undefined);
    } finally {
      await t.hb.stop();
    }
  });

  it("another holder (a conditional write refused): the run stops at once, taken over, and says who holds it", async () => {
    const conflict = new LeaseConflict(
      "lease held by someone else",
      record(2_000_000, "operator:alice"),
    );
    const t = heartbeat([async () => record(1_060_000), () => Promise.reject(conflict)], {
      expiresAt: 1_060_000,
      marginMs: 1_000,
    });
    try {
      await waitFor(() => t.hb.signal.aborted, "aborted");
      const lost = t.hb.lost!;
      assert.ok(lost instanceof LeaseLost);
      assert.equal(lost.name, "LeaseLost");
      assert.equal(lost.takenOver, true);
      assert.equal(lost.message, "lease held by someone else");
      assert.equal(t.hb.signal.reason, lost);
      assert.equal(t.hb.renewals, 1);
      const line = t.lines.find((l) => l.event === "lease-lost");
      assertFields(line, {
        level: "error",
        error: "lease held by someone else",
        holder: "operator:alice",
      });
      // Nothing renews once the lease is lost.
      const after = t.calls();
      await settle(INTERVAL * 4);
      assert.equal(t.calls(), after);
    } finally {
      await t.hb.stop();
    }
  });

  it("a failed renewal with time to spare is logged and retried; the run goes on", async () => {
    const flaky = Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    // Left 10 s, the next beat 15 ms away, margin 1 s: far from the margin.
    const t = heartbeat([() => Promise.reject(flaky), async () => record(1_070_000)], {
      expiresAt: 1_010_000,
      marginMs: 1_000,
    });
    try {
      await waitFor(() => t.hb.renewals >= 1, "a later renewal succeeds");
      assert.equal(t.hb.signal.aborted, false);
      const warn = t.lines.find((l) => l.event === "lease-renew-failed");
      assertFields(warn, { level: "warn", confirmedForMs: 10_000, message: "socket hang up" });
      assert.equal(t.lines.filter((l) => l.event === "lease-unconfirmed").length, 0);
    } finally {
      await t.hb.stop();
    }
  });

  it("renewals unconfirmed until the margin: the run stops while the lease is still its own (both sides of the margin)", async () => {
    const down = () => Promise.reject(new Error("endpoint unreachable"));
    // time left − interval = margin → stop.
    const at = heartbeat([down], { expiresAt: 1_000_000 + INTERVAL + 1_000, marginMs: 1_000 });
    // time left − interval = margin + 1 → one more beat is still in time.
    const before = heartbeat([down], { expiresAt: 1_000_000 + INTERVAL + 1_001, marginMs: 1_000 });
    try {
      await waitFor(() => at.hb.signal.aborted, "stopped at the margin");
      const lost = at.hb.lost!;
      assert.equal(lost.takenOver, false, "unconfirmed, not taken over");
      assert.equal(
        lost.message,
        `lease renewal unconfirmed with ${INTERVAL + 1_000} ms of it left`,
      );
      assertFields(
        at.lines.find((l) => l.event === "lease-unconfirmed"),
        { level: "error", confirmedForMs: INTERVAL + 1_000 },
      );
      await waitFor(() => before.calls() >= 2, "the other keeps trying");
      assert.equal(before.hb.signal.aborted, false, "one ms before the margin it goes on");
      // A renewal that confirms nothing never moves the confirmed expiry: as time passes it stops.
      before.clock.now += 1;
      await waitFor(() => before.hb.signal.aborted, "stops once at the margin");
    } finally {
      await at.hb.stop();
      await before.hb.stop();
    }
  });

  it("a successful renewal moves the confirmed expiry: later failures are measured from it", async () => {
    const down = () => Promise.reject(new Error("endpoint unreachable"));
    // The take confirmed 1 s; the renewal confirms 60 s: failing renewals then have time.
    const t = heartbeat([async () => record(1_060_000), down], {
      expiresAt: 1_001_000,
      marginMs: 900,
    });
    try {
      await waitFor(
        () => t.lines.some((l) => l.event === "lease-renew-failed"),
        "a failed renewal",
      );
      assert.equal(t.hb.signal.aborted, false);
      assertFields(
        t.lines.find((l) => l.event === "lease-renew-failed"),
        { confirmedForMs: 60_000 },
      );
    } finally {
      await t.hb.stop();
    }
  });

  it("stop(): no renewal after it, and a renewal in flight is waited for", async () => {
    let release!: () => void;
    let inFlight = false;
    const slow = () =>
      new Promise<AuthorityRecord>((resolve) => {
        inFlight = true;
        release = () => resolve(record(1_060_000));
      });
    const t = heartbeat([slow], { expiresAt: 1_060_000, marginMs: 1_000 });
    await waitFor(() => inFlight, "a renewal in flight");
    let stopped = false;
    const stopping = t.hb.stop().then(() => (stopped = true));
    await settle(INTERVAL * 2);
    assert.equal(stopped, false, "stop waits for the renewal in flight");
    release();
    await stopping;
    assert.equal(t.hb.renewals, 1);
    const calls = t.calls();
    await settle(INTERVAL * 4);
    assert.equal(t.calls(), calls, "nothing renews after stop()");
    assert.equal(t.hb.signal.aborted, false);
  });

  it("stop() before the first beat: nothing is ever renewed", async () => {
    const t = heartbeat([async () => record(1_060_000)], { expiresAt: 1_060_000, marginMs: 1_000 });
    await t.hb.stop();
    await settle(INTERVAL * 4);
    assert.equal(t.calls(), 0);
  });
});
