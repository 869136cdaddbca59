// `failback --to <stack>`: bring production back to a region that was failed away from, without
// losing what was written meanwhile. Two parts:
//
// 1. Converge replication towards the target (the standby-to-be), tier by tier:
//    - media (AUTOMATED): replicate the active file system into the target's existing one (EFS
//      failback replication; overwrites the stale copy after the operator confirms), then wait,
//      across reruns, until a sync has completed;
//    - database (CHECKED, MANUAL): the target must be a read replica of the active writer. RDS
//      cannot turn the old writer back into a replica, and the program models the home database
//      as a writer, so the rebuild is a documented procedure (printed with real names);
//    - cache (CHECKED): after a planned switchover the target is still a Global Datastore
//      secondary and fails over with no loss. After an unplanned one the target is the primary of
//      a datastore nothing replicates into: its content is stale, accepted at the confirmation
//      (flush it after the switch; sessions started meanwhile are lost) and rejoining the other
//      side is a documented step.
//    - search (AUTOMATED, automation/searchFailback.ts): the target's stale indices are dropped
//      and copied afresh by cross-cluster replication; the switch waits (refused, rerun) until
//      the copy is complete; after the switch the region left behind is resynced the same way.
// 2. A planned switchover to the target (same checks and steps as `planned`), then IaC for every
//    stack, home first: its `up` recreates the home -> standby EFS replication, the standby's `up`
//    then mounts the new replica.
import type { Run } from "./context";
import { printPromotionPlan, printReconcilePlan } from "./dryRun";
import { Refused } from "./errors";
import { blocks, observeConvergence, type Convergence } from "./failbackConvergence";
import { followUps } from "./failbackManual";
import { startMediaTowards } from "./mediaReplication";
import { reconcilePlan } from "./reconcile";
import { describeResync, resyncSearch, searchNotReady } from "./searchFailback";
import { stackInRegion } from "./topology";
import {
  confirmOrRefuse,
  execute,
  prepare,
  printDone,
  readReadiness,
  refuseUnlessReady,
  type Prepared,
} from "./switchover";

export async function failback(run: Run): Promise<void> {
  const { deps, args } = run;
  const prepared = await prepare(run, args.to!, "planned");
  const plan = reconcilePlan(deps.topology, prepared.target.stack, { upAll: true });
  if (prepared.admission.kind !== "new") {
    // A rerun after the switch (IaC failed) or a resumed incomplete switch: no convergence to do.
    if (args.dryRun) return printFailbackDryRun(run, prepared, plan, undefined);
    const report = await execute(run, prepared, plan, false);
    printDone(run, prepared, report);
    return;
  }
  const convergence = await observeConvergence(run, prepared);
  printConvergence(run, convergence);
  if (args.dryRun) return printFailbackDryRun(run, prepared, plan, convergence);

  const blocking = convergence.tiers.filter(blocks);
  if (blocking.length > 0) {
    for (const t of blocking) for (const line of t.manual) deps.print(line);
    throw new Refused(
      `replication towards ${prepared.target.stack.region} is not established for: ${blocking.map((t) => t.tier).join(", ")}`,
      "do what is printed above, then rerun failback; nothing was changed",
    );
  }
  await confirmOrRefuse(run, failbackQuestion(prepared, convergence), prepared.target.stack.region);

  const changed: string[] = [];
  const media = convergence.media;
  if (media && media.state.state === "missing") {
    const missing = media.state;
    changed.push(
      ...(await run.progress.step(
        "media-reverse",
        `replicate ${media.ends.source.fileSystemId} into ${media.ends.target.fileSystemId}`,
        () => startMediaTowards(media.ends, missing),
        (c) => ({ result: c.join("; ") }),
      )),
    );
  }
  // Search: the target's stale indices make way for a fresh copy; the switch waits for it.
  const region = prepared.target.stack.region;
  const search = await run.progress.step(
    "search-resync",
    `drop the stale search indices in ${region} and follow ${prepared.fromRegion}`,
    () => resyncSearch(prepared.clients, prepared.target.settings),
    (r) => ({ result: describeResync(r) }),
  );
  const searchWait = search && searchNotReady(search);
  if (searchWait) {
    throw new Refused(
      `search in ${region} is not a complete copy of ${prepared.fromRegion} yet: ${searchWait}`,
      "rerun failback in a few minutes (the copy continues meanwhile); nothing was switched",
      [...changed, `search indices in ${region} resynced`],
    );
  }
  const readiness = await readReadiness(run, prepared, convergence.cacheWasDetached);
  // A detached cache has nothing replicating into it: its lag has no meaning, its loss was accepted.
  if (convergence.cacheWasDetached) {
    readiness.lag = readiness.lag.filter((r) => r.tier !== "cache");
  }
  try {
    refuseUnlessReady(readiness, prepared, "planned");
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    throw new Refused(
      error.message,
      `rerun failback once replication has caught up (\`npm run promote -- status\`)`,
      changed,
    );
  }
  const report = await execute(
    run,
    prepared,
    plan,
    false,
    convergence.cacheWasDetached ? ["cache"] : [],
  );
  printDone(run, prepared, report);
  await resyncLeftRegion(run, prepared);
  for (const line of followUps(run, prepared, convergence.cacheWasDetached)) deps.print(line);
}

/** The region just left follows again: its indices, live until the switch, are stale now. */
async function resyncLeftRegion(run: Run, prepared: Prepared): Promise<void> {
  const left = stackInRegion(run.deps.topology, prepared.fromRegion);
  if (!left) return;
  try {
    const settings = await run.deps.settings.settingsFor(left);
    const clients = run.deps.aws.regional(left.region, settings);
    await run.progress.step(
      "search-resync",
      `drop the stale search indices in ${left.region} and follow ${prepared.target.stack.region}`,
      () => resyncSearch(clients, settings),
      (r) => ({ result: describeResync(r) }),
    );
  } catch (error) {
    // The failback itself is done; this only delays the way back's search copy.
    run.deps.print(
      `search in ${left.region} does not follow yet (${(error as Error).message}); run: aws lambda invoke --region ${left.region} --function-name <${left.stack} searchReplicationFunctionName output> --payload '{"action":"resync"}' /dev/stdout`,
    );
  }
}

function printConvergence(run: Run, convergence: Convergence) {
  run.deps.print("replication towards the failback target:");
  for (const t of convergence.tiers) {
    const mark = blocks(t) ? t.status.toUpperCase() : t.status;
    run.deps.print(`  ${mark.padEnd(6)} ${t.tier.padEnd(9)} ${t.detail}`);
  }
}

function failbackQuestion(prepared: Prepared, convergence: Convergence): string {
  const region = prepared.target.stack.region;
  const lines = [
    `FAILBACK of production to ${region} (${prepared.target.stack.stack}) from ${prepared.fromRegion}.`,
  ];
  if (convergence.media?.state.state === "missing") {
    lines.push(
      `Media in ${convergence.media.ends.target.fileSystemId} (${region}) will be OVERWRITTEN with the current media.`,
    );
  }
  if (convergence.cacheWasDetached) {
    lines.push(
      `The cache in ${region} holds data from before the failover: flush it after the switch; sessions started in ${prepared.fromRegion} are lost.`,
    );
  }
  if (prepared.target.settings.search) {
    lines.push(
      `Search indices in ${region} that do not follow ${prepared.fromRegion} will be DROPPED and copied afresh.`,
    );
  }
  lines.push(
    "Then a planned switchover runs (refused, with nothing switched, while replication lags).",
  );
  return lines.join("\n");
}

function printFailbackDryRun(
  run: Run,
  prepared: Prepared,
  plan: ReturnType<typeof reconcilePlan>,
  convergence: Convergence | undefined,
) {
  const { print } = run.deps;
  print("DRY RUN: nothing below is done; no AWS write, no config write, no refresh, no up.");
  for (const t of convergence?.tiers ?? []) for (const line of t.manual) print(line);
  const media = convergence?.media;
  if (media && media.state.state === "missing") {
    const { source, target } = media.ends;
    print("replication towards the target (after the confirmation):");
    if (media.state.leftover) {
      print(
        `  elasticfilesystem:DeleteReplicationConfiguration  region ${target.region}: old outbound replication of ${media.state.leftover}`,
      );
    }
    print(
      `  elasticfilesystem:UpdateFileSystemProtection      region ${target.region}: ${target.fileSystemId} ReplicationOverwriteProtection DISABLED`,
    );
    print(
      `  elasticfilesystem:CreateReplicationConfiguration  region ${source.region}: ${source.fileSystemId} -> ${target.fileSystemId} (${target.region})`,
    );
  }
  printPromotionPlan(print, prepared.target, prepared.admission, prepared.current);
  printReconcilePlan(print, plan);
  for (const line of followUps(run, prepared, convergence?.cacheWasDetached ?? false)) print(line);
}
