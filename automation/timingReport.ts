// The drill's timing report: each measured step next to its share of the recovery budget
// (functions/region/recoveryBudget.ts, planned mode), so a drill replaces planning figures with
// measurements. Steps the budget does not model (quiesce, IaC) are listed without a budget.
import { DEFAULT_RECOVERY_INPUT, recoveryBudget } from "../functions/region/recoveryBudget";
import type { ProgressRecord, Print } from "./progress";
import type { StackInfo } from "./topology";

/** Progress step name -> recovery budget step name. */
const BUDGET_OF: Record<string, string> = {
  lease: "decision-and-lease",
  quiesce: "quiesce",
  cache: "cache",
  database: "database",
  media: "media",
  "app-tier": "app-tier",
  capacity: "capacity",
  endpoints: "endpoints",
  gate: "gate-alarm",
};

const PROMOTION_STEPS = new Set(Object.keys(BUDGET_OF));
/** Steps that run once per stack; their detail starts with the stack's name. */
const PER_STACK_STEPS = new Set(["config", "refresh", "preview", "preview-check", "up"]);

export function printTimingReport(
  print: Print,
  leg: string,
  target: StackInfo,
  rpoBudgetSeconds: number,
  records: ProgressRecord[],
): void {
  const budget = recoveryBudget({
    ...DEFAULT_RECOVERY_INPUT,
    mode: "planned",
    standby: target.standby,
    rpoBudgetSeconds,
  });
  const budgetOf = new Map(budget.steps.map((s) => [s.name, s.seconds]));
  print(`timing, ${leg} (to ${target.stack}), against the planned recovery budget:`);
  print(`  ${"step".padEnd(24)} ${"measured".padStart(9)} ${"budget".padStart(8)}  verdict`);
  for (const r of records) {
    if (r.durationMs === undefined) continue;
    const measured = r.durationMs / 1000;
    const name = BUDGET_OF[r.name];
    const seconds = name === undefined ? undefined : budgetOf.get(name);
    const verdict = seconds === undefined ? "" : measured <= seconds ? "within" : "OVER";
    const note =
      r.name === "gate"
        ? " (publish only; the alarm, Route 53's health check and the TTL follow)"
        : "";
    // IaC steps repeat per stack: name the stack (any other step's detail starts with what it
    // calls, "search lambda" and "control-planes IAM" were no stack).
    const label = PER_STACK_STEPS.has(r.name) ? `${r.name} ${r.detail.split(/[:\s]/)[0]}` : r.name;
    print(
      `  ${`${label}${r.outcome === "failed" ? " (failed)" : ""}`.padEnd(24)} ${`${measured.toFixed(1)} s`.padStart(9)} ${(seconds === undefined ? "-" : `${seconds} s`).padStart(8)}  ${verdict}${note}`.trimEnd(),
    );
  }
  const promotion = records.filter((r) => PROMOTION_STEPS.has(r.name) && r.endedAt !== undefined);
  if (promotion.length > 0) {
    const start = Math.min(...promotion.map((r) => r.startedAt));
    const end = Math.max(...promotion.map((r) => r.endedAt!));
    const seconds = (end - start) / 1000;
    print(
      `  ${"promotion total".padEnd(24)} ${`${seconds.toFixed(1)} s`.padStart(9)} ${`${budget.rtoSeconds} s`.padStart(8)}  ${seconds <= budget.rtoSeconds ? "within" : "OVER"} the planned RTO (DNS excluded; worst path ${budget.rtoWorstSeconds} s)`,
    );
  }
}
