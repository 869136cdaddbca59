// The planned switchover's quiesce proof (automation/fenceHeartbeat.ts): a beat written after the
// fence settled, by the replica's own clock; zero ReplicaLag may stand in only where the heartbeat
// cannot give the proof. A stub reader and a hand-moved clock: the operator's clock is 7 minutes
// off on purpose, and must not matter.
import assert from "node:assert/strict";
import type { LossWindow, LossWindowReader } from "../../functions/region/lossWindow";
import { BEATS_STOPPED_MS, FenceHeartbeat } from "../../automation/fenceHeartbeat";

const SETTLE = 30_000;
const DB_T0 = Date.parse("2026-11-29T20:00:00.000Z");
const LAPTOP_SKEW = 7 * 60_000;
const signal = new AbortController().signal;

/** A replica whose clock is `db` and whose newest beat of us-east-1 is `beat` (or none). */
function replica() {
  const state: { db: number; beat?: number; fail?: string; noClock?: boolean } = { db: DB_T0 };
  const read: LossWindowReader = async () => {
    if (state.fail) throw new Error(state.fail);
    const window: LossWindow = {
      source: "heartbeat",
      measuredAt: new Date(state.db + LAPTOP_SKEW).toISOString(),
      ...(state.noClock ? {} : { replicaClockAt: new Date(state.db).toISOString() }),
      detail: "stub",
    };
    return state.beat === undefined
      ? window
      : { ...window, heartbeatAt: new Date(state.beat).toISOString(), seconds: 0 };
  };
  const watch = new FenceHeartbeat(
    { read, fromRegion: "us-east-1", deadlineMs: 1_000 },
    SETTLE,
    () => state.db + LAPTOP_SKEW,
  );
  return { state, watch };
}

describe("quiesce: the heartbeat written after the fence", () => {
  it("proves the replica complete once a beat settleMs past the fence (replica clock) is on it", async () => {
    const { state, watch } = replica();
    state.beat = DB_T0 - 2_000;
    await watch.atFence(signal);
    state.db += SETTLE + 4_000;
    state.beat = DB_T0 + SETTLE - 1; // one millisecond short
    const early = await watch.look(signal);
    assert.equal(early.proof, undefined);
    assert.equal(early.lagMayDecide, false, "beats still arriving: zero lag proves nothing");
    assert.match(early.why, /from before the fence settled: writes may still be arriving/);
    state.beat = DB_T0 + SETTLE;
    const proven = await watch.look(signal);
    assert.match(
      proven.proof ?? "",
      /^heartbeat of us-east-1 written at 2026-11-29T20:00:30\.000Z, after the fence settled \(fence at 2026-11-29T20:00:00\.000Z \(the replica's clock\)\), is on the replica$/,
    );
  });

  it("beats that stopped (writers gone) let zero lag decide, after four beat periods", async () => {
    const { state, watch } = replica();
    state.beat = DB_T0 - 1_000;
    await watch.atFence(signal);
    state.db += SETTLE;
    assert.equal((await watch.look(signal)).lagMayDecide, false);
    state.db += BEATS_STOPPED_MS - 1;
    assert.equal((await watch.look(signal)).lagMayDecide, false);
    state.db += 1;
    const stopped = await watch.look(signal);
    assert.equal(stopped.lagMayDecide, true);
    assert.match(stopped.why, /the heartbeat of us-east-1 stopped at 2026-11-29T19:59:59\.000Z/);
  });

  it("an advancing beat resets the stop clock: a slow link never counts as stopped", async () => {
    const { state, watch } = replica();
    state.beat = DB_T0 - 60_000;
    await watch.atFence(signal);
    for (let i = 0; i < 10; i++) {
      state.db += 15_000;
      state.beat += 5_000; // arriving, far behind
      assert.equal((await watch.look(signal)).lagMayDecide, false, `look ${i}`);
    }
  });

  it("no proof possible: the reader failing, or no replica clock at the fence → the lag decides", async () => {
    const failing = replica();
    failing.state.beat = DB_T0;
    await failing.watch.atFence(signal);
    failing.state.fail = "Function not found";
    const look = await failing.watch.look(signal);
    assert.deepEqual(
      { proof: look.proof, lagMayDecide: look.lagMayDecide },
      { proof: undefined, lagMayDecide: true },
    );
    assert.match(look.why, /heartbeat unreadable: .*Function not found/);

    const clockless = replica();
    clockless.state.noClock = true;
    clockless.state.beat = DB_T0 + SETTLE + 10_000;
    await clockless.watch.atFence(signal);
    const blind = await clockless.watch.look(signal);
    assert.equal(blind.proof, undefined, "without the replica's clock no beat proves anything");
    assert.equal(blind.lagMayDecide, true);
    assert.match(blind.why, /no replica clock at the fence/);
  });
});
