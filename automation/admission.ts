// The operator's admission rule, before the step library's own (authority.ts `admit`): from the
// authority record, is promoting the target a new promotion, the resumption of an incomplete one
// (same incident, so a rerun never starts a second one), or already done? A promotion elsewhere
// in flight, or a live lease, refuses the run before anything is written.
import type { AuthorityRecord, PromotionMode } from "../functions/region/authority";
import { Refused } from "./errors";
import type { StackInfo } from "./topology";

export type Admission =
  | { kind: "new"; incidentId: string; fromRegion: string }
  | {
      kind: "resume";
      incidentId: string;
      fromRegion: string;
      /** A planned switchover finished as an unplanned failover: data loss, needs confirmation. */
      abandonsPlanned: boolean;
    }
  | { kind: "already-active" };

/** The operator's view of the authority record: what promoting `target` means now. */
export function admitOperator(
  current: AuthorityRecord,
  target: StackInfo,
  mode: PromotionMode,
  now: number,
): Admission {
  const leaseHeld = Boolean(current.holder) && current.leaseExpiresAt > now;
  if (current.activeRegion === target.region) {
    if (current.phase !== "promoting") return { kind: "already-active" };
    if (leaseHeld) {
      throw new Refused(
        `${current.holder} is promoting ${target.region} right now (epoch ${current.epoch}, lease until ${iso(current.leaseExpiresAt)})`,
        "wait for it to finish; watch it with `npm run promote -- status`",
      );
    }
    // A rerun resumes the incident in the mode it was started. An unplanned failover may have
    // lost its source region: a planned run cannot finish it. A planned switchover may be finished
    // as unplanned (stuck waiting for zero lag), which gives up on losslessness: confirmed.
    const started = current.mode ?? "unplanned";
    if (started === "unplanned" && mode === "planned") {
      throw new Refused(
        `incident ${current.incidentId} to ${target.region} was started as an unplanned failover; a planned switchover cannot finish it`,
        `resume it with \`npm run promote -- unplanned --to ${target.stack}\``,
      );
    }
    return {
      kind: "resume",
      incidentId: current.incidentId ?? "unknown",
      fromRegion: current.previousActiveRegion ?? "unknown",
      abandonsPlanned: started === "planned" && mode === "unplanned",
    };
  }
  if (current.phase === "promoting") {
    throw new Refused(
      `a promotion of ${current.activeRegion} (incident ${current.incidentId}, epoch ${current.epoch}) is ${leaseHeld ? `running, held by ${current.holder}` : "incomplete"}`,
      `finish it first (rerun it with --to the stack of ${current.activeRegion}), then decide again`,
    );
  }
  const stamp = new Date(now).toISOString().replace(/[-:]|\.\d+/g, "");
  return {
    kind: "new",
    incidentId: `operator-${mode}-${target.region}-${stamp}`,
    fromRegion: current.activeRegion,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
