// What a run would do, printed instead of done: the promotion's steps in order (API, region,
// resource; steps of one phase run in parallel), the config changes and the stack updates.
import type { AuthorityRecord } from "../functions/region/authority";
import { phasesFor, tracksFor } from "../functions/region/steps";
import type { Print } from "./progress";
import type { Admission } from "./admission";
import { gateFor, type PromotionTarget } from "./promote";
import { POLICY_PACK_CONFIGS, POLICY_PACKS } from "./stackOps";
import type { ReconcilePlan } from "./reconcile";
import { callsOf, type CatalogContext } from "./stepCatalog";

/** Step names by phase, as cliPhases() runs them. */
export function phaseNames(target: PromotionTarget): string[][] {
  const phases = phasesFor(target.mode).map((phase) => phase.map((s) => s.name));
  return target.mode === "planned" ? [["quiesce"], ...phases] : phases;
}

export function printPromotionPlan(
  print: Print,
  target: PromotionTarget,
  admission: Admission,
  current: AuthorityRecord | undefined,
): void {
  const region = target.stack.region;
  if (admission.kind === "already-active") {
    print(`promotion: none, ${region} is already active (epoch ${current?.epoch}); only IaC runs`);
    return;
  }
  const epoch = current ? ` at epoch ${current.epoch}` : "";
  print(
    `promotion of ${region} (${target.stack.stack}), ${target.mode}, ${admission.kind === "resume" ? `resuming incident ${admission.incidentId}` : `new incident ${admission.incidentId}`}${epoch}:`,
  );
  const catalog: CatalogContext = {
    settings: target.settings,
    mode: target.mode,
    gate: gateFor(target),
  };
  const phases = [["lease"], ...phaseNames(target)];
  phases.forEach((phase, i) => {
    const label = (j: number) => `${i + 1}${phase.length > 1 ? "abcdefgh"[j] : ""}`;
    if (phase.length > 1) print(`  ${label(0)}-${label(phase.length - 1)} run in parallel:`);
    phase.forEach((name, j) => {
      for (const call of callsOf(name, catalog)) {
        print(`  ${label(j).padEnd(3)} ${name.padEnd(10)} ${call.api}`);
        print(`  ${"".padEnd(3)} ${"".padEnd(10)}   in ${call.region}: ${call.resource}`);
      }
    });
  });
  const printCalls = (label: string, name: string) => {
    for (const call of callsOf(name, catalog)) {
      print(`  ${label.padEnd(3)} ${name.padEnd(10)} ${call.api}`);
      print(`  ${"".padEnd(3)} ${"".padEnd(10)}   in ${call.region}: ${call.resource}`);
    }
  };
  print(
    `  the shop takes orders after ${phases.length}: maintenance off. Alongside, each with its own deadline, alarm and page (never maintenance):`,
  );
  for (const track of tracksFor(target.mode)) {
    const start = track.startsAfter ? `after ${track.startsAfter}` : "from the start";
    printCalls("t", `${track.step.name}`);
    print(`  ${"".padEnd(3)} ${"".padEnd(10)}   ${start}; if not done: ${track.whenFailed}`);
  }
  printCalls(`${phases.length + 1}`, "audit");
}

export function printReconcilePlan(print: Print, plan: ReconcilePlan): void {
  print("config changes:");
  for (const stack of plan.configure) {
    const from = stack.configuredActiveRegion;
    const change = from === plan.activeRegion ? "(already set)" : `${from} -> ${plan.activeRegion}`;
    print(`  Pulumi.${stack.stack}.yaml  magento-dr:activeRegion  ${change}`);
  }
  print("stack updates:");
  print(`  refresh  ${plan.reachable.map((s) => s.stack).join(", ")}`);
  print(
    `  preview  ${plan.reachable.map((s) => s.stack).join(", ")} (stop if a stateful resource would be replaced or deleted)`,
  );
  for (const stack of plan.up) {
    print(
      `  up       ${stack.stack} --policy-pack ${POLICY_PACKS.join(",")} --policy-pack-config ${POLICY_PACK_CONFIGS.join(",")}`,
    );
  }
  for (const skipped of plan.skipped) print(`  skipped  ${skipped.stack}: ${skipped.why}`);
}
