// The promotion lease's heartbeat. The lease is short (settings.leaseTtlMs, a minute by
// default) so that a run killed mid-way (Lambda timeout, crash, a container frozen for good)
// blocks nothing for long: its lease runs out and the detector's next run resumes the incident.
// A live run keeps its lease by renewing it every `intervalMs` while its steps run, not only
// between phases (a database promotion alone takes minutes).
//
// The heartbeat fences its own run: it aborts `signal` when the lease is lost (another holder
// or a newer epoch), and also when it could not confirm a renewal before the lease it last
// confirmed runs out (less a safety margin), because past that moment another run may
// legitimately take over. Stopping early is safe (every step observes before it acts); two runs
// acting at once is not.
import { LeaseConflict, type AuthorityRecord } from "./authority";
import { describeError } from "./errors";
import type { Logger } from "./log";

export class LeaseLost extends Error {
  constructor(
    message: string,
    /** True when someone else holds the lease now (not merely an unconfirmed renewal). */
    public readonly takenOver: boolean,
  ) {
    super(message);
    this.name = "LeaseLost";
  }
}

export interface HeartbeatOptions {
  renew: () => Promise<AuthorityRecord>;
  /** Expiry (epoch ms) of the lease as last confirmed: the take's or the last renewal's. */
  expiresAt: number;
  intervalMs: number;
  /** Stop this long before the confirmed expiry when renewals keep failing. */
  marginMs: number;
  now: () => number;
  log: Logger;
}

export class LeaseHeartbeat {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private confirmedUntil: number;
  private inFlight: Promise<void> | undefined = undefined;
  private stopped = false;
  renewals = 0;

  constructor(private readonly options: HeartbeatOptions) {
    this.confirmedUntil = options.expiresAt;
    this.schedule();
  }

  /** Aborted (with a LeaseLost reason) once this run may no longer act. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): LeaseLost | undefined {
    return this.controller.signal.aborted
      ? (this.controller.signal.reason as LeaseLost)
      : undefined;
  }

  /** Stops renewing; waits for a renewal in flight so nothing writes after the caller moves on. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.beat().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
  }

  private async beat(): Promise<void> {
    const { log } = this.options;
    try {
      const record = await this.options.renew();
      this.confirmedUntil = record.leaseExpiresAt;
      this.renewals++;
    } catch (error) {
      if (error instanceof LeaseConflict) {
        log.error("lease-lost", { error: error.message, holder: error.current.holder });
        this.controller.abort(new LeaseLost(error.message, true));
        return;
      }
      const left = this.confirmedUntil - this.options.now();
      log.warn("lease-renew-failed", { ...describeError(error), confirmedForMs: left });
      if (left - this.options.intervalMs <= this.options.marginMs) {
        // The next beat would come too late: stop now, while the lease is still ours.
        log.error("lease-unconfirmed", { confirmedForMs: left });
        this.controller.abort(
          new LeaseLost(`lease renewal unconfirmed with ${left} ms of it left`, false),
        );
      }
    }
  }
}
