// The promotion steps and the order they run in. Steps in one phase are independent and run in
// parallel; a phase starts only when every step of the previous one succeeded.
//
// Unplanned failover: the old region is down and, from the moment the lease was taken, fenced
// (its instances read the authority record and go into maintenance). Nothing is gained by holding
// traffic back, so the region gate trips in the first phase, alongside the data tier: Route 53's
// health checks and the record TTL then run concurrently with the database promotion.
// Planned switchover: the old region still serves correctly, so traffic moves last, once the data
// tier is promoted, the endpoints point here and the capacity is up.
import type { PromotionMode } from "./authority";
import { cacheStep } from "./steps/cache";
import { capacityStep } from "./steps/capacity";
import type { PromotionStep } from "./steps/context";
import { databaseStep } from "./steps/database";
import { endpointsStep } from "./steps/endpoints";
import { gateStep } from "./steps/gate";
import { mediaStep } from "./steps/media";

export type { PromotionStep, StepContext, StepResult } from "./steps/context";
export { cacheStep, observeCache } from "./steps/cache";
export { capacityStep, observeCapacity } from "./steps/capacity";
export { databaseStep, observeDatabase } from "./steps/database";
export { endpointsStep, StaleEpochError } from "./steps/endpoints";
export { gateStep, gateMetricCommand, publishGate, GATE_CLOSED_VALUE } from "./steps/gate";
export { mediaStep, observeMedia } from "./steps/media";
export { notify } from "./steps/notify";

export const ALL_STEPS: PromotionStep[] = [
  cacheStep,
  databaseStep,
  mediaStep,
  capacityStep,
  endpointsStep,
  gateStep,
];

export function phasesFor(mode: PromotionMode): PromotionStep[][] {
  if (mode === "unplanned") {
    return [[cacheStep, databaseStep, mediaStep, capacityStep, gateStep], [endpointsStep]];
  }
  return [[cacheStep, databaseStep, mediaStep, capacityStep], [endpointsStep], [gateStep]];
}
