// The deployment as the stack files describe it: which stack runs in which region, which one is
// home (owns the global singletons and the PRIMARY record) and which one is the standby (runs the
// failover automation, owns the authority table and the region gate). Read with the same code the program and the offline plan use, so
// the CLI cannot disagree with them about a stack's config.
import { parseConfig, type Capacity, type StandbyMode } from "../config";
import { listStacks, PROJECT_DIR, readStackConfig } from "../plan/stackConfig";
import { UsageError } from "./errors";

export interface StackInfo {
  stack: string;
  region: string;
  /** activeRegion as the stack file says now (the authority table is the truth after a failover). */
  configuredActiveRegion: string;
  isHome: boolean;
  /** The first standby: runs the failover automation, owns the authority table (which lives in
   * `authorityRegion`) and the region gate alarm. */
  isStandby: boolean;
  activeCapacity: Capacity;
  /** How this region waits while not active (sizes the capacity step's budget). */
  standby: StandbyMode;
}

export interface Topology {
  project: string;
  stacks: StackInfo[];
  home: StackInfo;
  standby: StackInfo;
  /** Every region, in failover priority. */
  regions: string[];
}

export function readTopology(dir = PROJECT_DIR): Topology {
  const stacks: StackInfo[] = [];
  let project = "";
  let regions: string[] = [];
  for (const stack of listStacks(dir)) {
    const raw = readStackConfig(stack, [], dir);
    const cfg = parseConfig(raw.config, raw.project, stack);
    project = raw.project;
    regions = cfg.regions;
    stacks.push({
      stack,
      region: cfg.region,
      configuredActiveRegion: cfg.activeRegion,
      isHome: cfg.isHome,
      isStandby: cfg.region === cfg.standbyRegion,
      activeCapacity: cfg.activeCapacity,
      standby: cfg.standby,
    });
  }
  const home = stacks.find((s) => s.isHome);
  const standby = stacks.find((s) => s.isStandby);
  if (!home || !standby) {
    throw new UsageError(
      `the stack files in ${dir} define no ${home ? "standby (first region after home)" : "home"} stack`,
    );
  }
  return { project, stacks, home, standby, regions };
}

export function stackNamed(topology: Topology, name: string): StackInfo {
  const found = topology.stacks.find((s) => s.stack === name);
  if (!found) {
    throw new UsageError(
      `unknown stack "${name}" (known stacks, from Pulumi.*.yaml: ${topology.stacks.map((s) => s.stack).join(", ")})`,
    );
  }
  return found;
}

export function stackInRegion(topology: Topology, region: string): StackInfo | undefined {
  return topology.stacks.find((s) => s.region === region);
}

/**
 * Only the home and the standby stacks own a failover record (PRIMARY and SECONDARY): promoting
 * any other region would not move traffic, so it is refused rather than half-done.
 */
export function canReceiveTraffic(stack: StackInfo): boolean {
  return stack.isHome || stack.isStandby;
}
