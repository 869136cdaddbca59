// `status`: read-only. Who is active according to the authority (the truth after a failover) and
// according to each stack file (the IaC view), each region's data tier and health, the lag of
// every tier replicating into the successor, and what a failover would do now. Every read is
// bounded, so a dead region shows as unreachable instead of hanging the report.
import type { AuthorityRecord } from "../functions/region/authority";
import { errorMessage } from "../functions/region/errors";
import type { RegionFailoverSettings } from "../functions/region/settings";
import {
  observeCache,
  observeCapacity,
  observeDatabase,
  observeMedia,
} from "../functions/region/steps";
import { HoldStore } from "../functions/region/hold";
import { authorityStore } from "./authority";
import type { Run } from "./context";
import { ExitCode } from "./errors";
import { assessTarget } from "./health";
import { formatReading, readTiers, tierLagReaders } from "./lag";
import { observe, type Observed } from "./observe";
import { formatLossWindow, lossWindowShort, readLossWindow, rpoRefusal } from "./rpo";
import { canReceiveTraffic, type StackInfo } from "./topology";

export async function status(run: Run): Promise<number> {
  const { deps } = run;
  const settings = new Map<string, RegionFailoverSettings>();
  for (const stack of deps.topology.stacks) {
    if (canReceiveTraffic(stack)) settings.set(stack.stack, await deps.settings.settingsFor(stack));
  }
  const authority = await readAuthority(run, settings.get(deps.topology.standby.stack)!);
  const active = authority.ok ? authority.value.activeRegion : undefined;
  await printStacks(run, settings, active);
  const successor = deps.topology.stacks.find((s) => s.region !== active && canReceiveTraffic(s));
  if (active !== undefined && successor) {
    await failoverOutlook(run, successor, settings.get(successor.stack)!, active);
  }
  return authority.ok ? ExitCode.ok : ExitCode.failed;
}

async function printStacks(
  run: Run,
  settings: Map<string, RegionFailoverSettings>,
  active: string | undefined,
) {
  const { print, topology } = run.deps;
  print("stacks:");
  for (const stack of topology.stacks) {
    const role = stack.isHome ? "home" : stack.isStandby ? "standby" : "region";
    const state =
      active === undefined ? "?" : stack.region === active ? "ACTIVE" : "standby (fenced)";
    print(`  ${stack.stack.padEnd(12)} ${stack.region.padEnd(12)} ${role.padEnd(10)} ${state}`);
    if (active !== undefined && stack.configuredActiveRegion !== active) {
      print(
        `      stack file says activeRegion ${stack.configuredActiveRegion}: IaC not reconciled yet (rerun the last promotion)`,
      );
    }
    const s = settings.get(stack.stack);
    if (s) for (const line of await regionLines(run, stack, s)) print(`      ${line}`);
  }
}

/** Reads and prints the authority record; the report goes on without it. */
async function readAuthority(
  run: Run,
  s: RegionFailoverSettings,
): Promise<Observed<AuthorityRecord>> {
  const { print, now } = run.deps;
  const table = `authority (${s.authority.tableName}, ${s.authority.region})`;
  let a: AuthorityRecord;
  try {
    a = await authorityStore(run.deps, s).read();
  } catch (error) {
    print(`${table}: UNREADABLE: ${errorMessage(error)}`);
    return { ok: false, error: errorMessage(error) };
  }
  const lease =
    a.holder && a.leaseExpiresAt > now()
      ? `lease held by ${a.holder} until ${new Date(a.leaseExpiresAt).toISOString()}`
      : "no lease held";
  print(`${table}: ${a.activeRegion} active, epoch ${a.epoch}, phase ${a.phase}, ${lease}`);
  if (a.incidentId) {
    print(
      `  last promotion: ${a.incidentId} (${a.mode ?? "?"}, from ${a.previousActiveRegion ?? "?"})`,
    );
  }
  if (a.servingRegion) {
    const until = a.servingExpiresAt ?? 0;
    print(
      `  serving lease: ${a.servingRegion} ${until > now() ? "until" : "EXPIRED at"} ${new Date(until).toISOString()}`,
    );
  }
  try {
    const h = await new HoldStore({
      client: run.deps.aws.authority(s),
      tableName: s.authority.tableName,
      now,
    }).active();
    print(
      h
        ? `  OPERATOR HOLD until ${new Date(h.until).toISOString()} by ${h.by}: ${h.reason} (automatic failover paused)`
        : "  no operator hold: automatic failover armed",
    );
  } catch (error) {
    print(`  operator hold: UNREADABLE: ${errorMessage(error)}`);
  }
  if (a.phase === "promoting") {
    print("  A PROMOTION IS INCOMPLETE: rerun it (see the README runbook) before anything else");
  }
  return { ok: true, value: a };
}

function probed(probe: { ok: boolean; detail: string } | undefined, ok: string, bad: string) {
  return probe ? `${probe.ok ? ok : bad} (${probe.detail})` : "n/a";
}

async function regionLines(
  run: Run,
  stack: StackInfo,
  s: RegionFailoverSettings,
): Promise<string[]> {
  const { deps } = run;
  const clients = deps.aws.regional(stack.region, s);
  const t = deps.timings.observeTimeoutMs;
  // Both signals the detector reads (docs/detection.md): the shallow one (nginx answers, no PHP,
  // no data store) decides a failover; the deep one (Magento's health check) only pages.
  const endpoints = s.regionEndpoints[stack.region];
  const [shallow, deep, db, cache, media, app] = await Promise.all([
    endpoints?.shallowUrl ? deps.probe(endpoints.shallowUrl) : Promise.resolve(undefined),
    endpoints?.healthUrl ? deps.probe(endpoints.healthUrl) : Promise.resolve(undefined),
    observe("database", t, s, clients, observeDatabase),
    observe("cache", t, s, clients, observeCache),
    s.media
      ? observe("media", t, s, clients, (ctx) => observeMedia(ctx, s.media!.fileSystemId))
      : undefined,
    observe("capacity", t, s, clients, observeCapacity),
  ]);
  const show = <T>(o: Observed<T> | undefined, text: (v: T) => string) =>
    o === undefined ? "n/a" : o.ok ? text(o.value) : `unreachable (${o.error})`;
  return [
    `shallow   ${endpoints?.shallowUrl ?? "no shallow URL"}: ${probed(shallow, "answering", "NOT ANSWERING")}`,
    `deep      ${endpoints?.healthUrl ?? "no health URL"}: ${probed(deep, "healthy", "FAILING")}`,
    `database  ${show(db, (d) => `${d.status}, ${d.source ? `replica of ${d.source}` : "standalone writer"}`)}`,
    `cache     ${show(cache, (c) => `${c.status}, ${c.role}`)}`,
    `media     ${show(media, (m) => (m.sourceFileSystemId ? `replica of ${m.sourceFileSystemId} (${m.status})` : "writable"))}`,
    `app tier  ${show(app, (a) => `${a.inService} in service, desired ${a.desired}, min ${a.min}, max ${a.max}`)}`,
  ];
}

async function failoverOutlook(
  run: Run,
  successor: StackInfo,
  s: RegionFailoverSettings,
  active: string,
) {
  const { deps } = run;
  const clients = deps.aws.regional(successor.region, s);
  const [health, lag, lossWindow] = await Promise.all([
    assessTarget(s, clients, { timeoutMs: deps.timings.observeTimeoutMs }),
    readTiers(tierLagReaders(s, clients, deps.now), deps.timings.observeTimeoutMs),
    readLossWindow(s, clients, active, deps.now),
  ]);
  deps.print(`RPO of ${active}'s data on ${successor.region}, measured by the heartbeat:`);
  deps.print(`  ${formatLossWindow(lossWindow, s.rpoBudgetSeconds)}`);
  deps.print(`replication lag into ${successor.region} (${successor.stack}):`);
  for (const reading of lag) deps.print(`  ${formatReading(reading)}`);
  deps.print("a failover now:");
  const unready = health.tiers.filter((t) => !t.ok);
  const rpoRefused = rpoRefusal(lossWindow, lag, s.rpoBudgetSeconds);
  const refusal =
    unready.length > 0
      ? `REFUSED, target not ready: ${unready.map((t) => `${t.tier} ${t.detail}`).join("; ")}`
      : rpoRefused
        ? `REFUSED, the RPO is not shown to hold: ${rpoRefused}`
        : "would proceed: quiesce, promote cache/database/media and scale up, endpoints, then the gate moves traffic";
  deps.print(`  planned --to ${successor.stack}:   ${refusal}`);
  const window = lossWindowShort(lossWindow);
  const loss = [
    ...(window ? [window] : []),
    ...lag.map((r) => `${r.tier} ${r.seconds === undefined ? "unknown" : `${r.seconds} s`}`),
  ].join(", ");
  deps.print(
    `  unplanned --to ${successor.stack}: ${unready.length > 0 ? "REFUSED, target not ready" : `would promote after confirmation, losing up to ${loss}`}`,
  );
  deps.print(`  the exact steps: npm run promote -- planned --to ${successor.stack} --dry-run`);
}
