// The planned switchover's proof that every write of the old region reached the replica: an RPO
// heartbeat (docs/rpo.md) written after the fence had settled, read on the replica. The beats are
// ordinary writes of the old primary, and the replica applies transactions in the source's
// commit order (replica_preserve_commit_order = 1 in the stack's parameter group,
// components/database.ts; "Replication and Transaction Inconsistencies", MySQL 8.0 Reference
// Manual), so a beat on the replica means everything committed before it is there.
// ReplicaLag cannot say that: it is apply lag, 0 on a slow link.
//
// Clocks: a beat carries the source database's clock; "after the fence" is measured against the
// replica's own clock read just after the fence (the reader's readAt), never the operator's
// laptop, whose clock may be off. Both are RDS instances' clocks, NTP-synchronised by AWS.
//
// When the proof cannot come, the lag metric decides as before, and the step says why: no reader
// (the home stack), the reader unreadable, or the beats stopped (the fence scales a pilot-light
// region's instances in, so its writers may be gone; nothing is written then either).
import { measureLossWindow, type LossWindowReader } from "../functions/region/lossWindow";
import { PLANNED_QUIESCE } from "../functions/region/recoveryBudget";

export interface QuiesceHeartbeat {
  read: LossWindowReader;
  /** The region being left, whose beats the replica receives. */
  fromRegion: string;
  /** Bound of each read (the orchestrator's deadlines.lossWindowMs). */
  deadlineMs: number;
}

/** A beat unchanged for four beat periods (20 s) means its writers stopped. */
export const BEATS_STOPPED_MS = 4 * PLANNED_QUIESCE.beatPeriodMs;

export interface FenceLook {
  /** Set when a beat written after the fence settled is on the replica. */
  proof?: string;
  /** Whether zero ReplicaLag may stand in for the proof now (the heartbeat cannot give it). */
  lagMayDecide: boolean;
  why: string;
}

export class FenceHeartbeat {
  private fenceClock?: number;
  private fenceDetail = "not read";
  private newest?: { at: string; seenSince: number };

  constructor(
    private readonly heartbeat: QuiesceHeartbeat,
    private readonly settleMs: number,
    private readonly now: () => number,
  ) {}

  private read(signal: AbortSignal) {
    const { read, fromRegion, deadlineMs } = this.heartbeat;
    return measureLossWindow(read, fromRegion, deadlineMs, this.now, signal);
  }

  /** Right after the fence: the replica's clock, which later beats must pass by settleMs. */
  async atFence(signal: AbortSignal): Promise<void> {
    const window = await this.read(signal);
    const clock = window.replicaClockAt ? Date.parse(window.replicaClockAt) : NaN;
    if (Number.isNaN(clock)) {
      this.fenceDetail = `no replica clock at the fence: ${window.detail}`;
    } else {
      this.fenceClock = clock;
      this.fenceDetail = `fence at ${window.replicaClockAt} (the replica's clock)`;
    }
  }

  async look(signal: AbortSignal): Promise<FenceLook> {
    if (this.fenceClock === undefined) return { lagMayDecide: true, why: this.fenceDetail };
    const window = await this.read(signal);
    if (window.heartbeatAt === undefined) {
      return { lagMayDecide: true, why: `heartbeat unreadable: ${window.detail}` };
    }
    const at = Date.parse(window.heartbeatAt);
    const from = this.heartbeat.fromRegion;
    if (at >= this.fenceClock + this.settleMs) {
      return {
        proof: `heartbeat of ${from} written at ${window.heartbeatAt}, after the fence settled (${this.fenceDetail}), is on the replica`,
        lagMayDecide: false,
        why: "proven",
      };
    }
    if (this.newest?.at !== window.heartbeatAt) {
      this.newest = { at: window.heartbeatAt, seenSince: this.now() };
    }
    const stopped = this.now() - this.newest.seenSince >= BEATS_STOPPED_MS;
    return {
      lagMayDecide: stopped,
      why: stopped
        ? `the heartbeat of ${from} stopped at ${window.heartbeatAt} (its writers are gone)`
        : `newest beat of ${from} ${window.heartbeatAt}, from before the fence settled: writes may still be arriving`,
    };
  }
}
