// The region gate: the CloudWatch metric and alarm, in the standby (authority) region, that the
// PRIMARY record's health check follows. Promotion publishes the metric in its own region; the
// home stack creates the alarm there with the resource-level `region` argument. Both sides take
// the names from here (functions/contractMetrics.ts) so they cannot drift apart.

import { REGION_GATE_METRICS, regionGateNamespace } from "../functions/contractMetrics";

export interface RegionGateMetric {
  namespace: string;
  metricName: string;
}

export function regionGateMetric(project: string): RegionGateMetric {
  return {
    namespace: regionGateNamespace(project),
    metricName: REGION_GATE_METRICS.failoverActive,
  };
}

/** Name of the gate alarm guarding `homeRegion`'s PRIMARY record. */
export function regionGateAlarmName(project: string, homeRegion: string): string {
  return `${project}-region-gate-${homeRegion}`;
}

/** The regional name each stack publishes for its own ALB: what the canaries probe. */
export function regionalHostName(region: string, domainName: string): string {
  return `${region}.${domainName}`;
}
