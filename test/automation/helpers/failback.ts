// Failback's starting points: production on eu-west-1 after a planned switchover, and what the
// operator does by hand before the way back (the home database rebuilt as a replica).
import assert from "node:assert/strict";
import { ExitCode } from "../../../automation/errors";
import { dbArn, FakeAws, HOME, IDS, STANDBY } from "./fakeAws";
import type { Cli } from "./harness";

/** Production on eu-west-1 after a planned switchover; the call log and output start empty. */
export async function switchedOver(start: (aws?: FakeAws) => Promise<Cli>, aws = new FakeAws()) {
  const switched = await start(aws);
  assert.equal(
    await switched.run(["planned", "--to", "prod-euw1"]),
    ExitCode.ok,
    switched.output(),
  );
  // The fence Lambda holds the old region's application tier at its standby size.
  Object.assign(switched.aws.state.asgs["magento-dr-prod-use1-magento"], {
    min: 0,
    desired: 0,
    inService: 0,
  });
  switched.aws.calls = [];
  switched.stackOps.calls = [];
  switched.lines.length = 0;
  return switched;
}

/** What an operator does by hand (RUNBOOK): the home database rebuilt as a replica. */
export function rebuildHomeReplica(x: Cli) {
  x.aws.state.databases[IDS.home.db] = {
    region: HOME,
    source: dbArn(STANDBY, IDS.standby.db),
    status: "available",
    pending: 0,
  };
  // The rebuilt replica receives the beats the standby's instances now write (docs/rpo.md).
  x.aws.state.heartbeats[HOME] = { [STANDBY]: "live" };
}

/**
 * The home side of the replication the switchover deleted, still going away: the switchover's
 * media step waited for the standby to be writable, not for the deletion to finish.
 */
export function homeReplicationDeleting(x: Cli) {
  x.aws.state.replications.push({
    source: IDS.home.fs,
    sourceRegion: HOME,
    destination: IDS.standby.fs,
    destinationRegion: STANDBY,
    status: "DELETING",
    syncAfter: 0,
  });
}

/**
 * us-east-1 back after an unplanned failover it missed: its cache the datastore's primary again,
 * its file system still the source of the replication whose eu-west-1 side alone was deleted, its
 * database rebuilt as a replica; the call log and output start empty.
 */
export async function backAfterUnplanned(start: (aws?: FakeAws) => Promise<Cli>): Promise<Cli> {
  const aws = new FakeAws();
  aws.unreachableRegion = HOME;
  aws.state.caches[IDS.home.cache].status = "unavailable";
  const c = await start(aws);
  assert.equal(await c.run(["unplanned", "--to", "prod-euw1", "--yes"]), ExitCode.ok, c.output());
  aws.unreachableRegion = undefined;
  aws.state.caches[IDS.home.cache].status = "available";
  aws.state.replications = [
    {
      source: IDS.home.fs,
      sourceRegion: HOME,
      destination: IDS.standby.fs,
      destinationRegion: STANDBY,
      status: "ERROR",
      syncAfter: 0,
    },
  ];
  rebuildHomeReplica(c);
  // The home cache is the datastore's primary: CloudWatch has no GlobalDatastoreReplicationLag
  // for it (published on secondaries only), which must not read as "over budget".
  aws.state.lag.GlobalDatastoreReplicationLag = [];
  c.aws.calls = [];
  c.stackOps.calls = [];
  c.lines.length = 0;
  return c;
}
