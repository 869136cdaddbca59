// `hold`: declares (or clears) planned maintenance in the authority table, pausing the automatic
// path (functions/region/hold.ts). The operator CLI itself is never held.
import { HoldStore } from "../functions/region/hold";
import type { Run } from "./context";
import { ExitCode } from "./errors";

export async function hold(run: Run): Promise<number> {
  const { deps, args } = run;
  const s = await deps.settings.settingsFor(deps.topology.standby);
  const store = new HoldStore({
    client: deps.aws.authority(s),
    tableName: s.authority.tableName,
    now: deps.now,
  });
  const table = `${s.authority.tableName} (${s.authority.region})`;
  if (!args.hold || "clear" in args.hold) {
    await store.clear();
    deps.print(`hold cleared in ${table}: the automatic path is armed again`);
    return ExitCode.ok;
  }
  const set = await store.set({ ...args.hold, by: deps.user });
  deps.print(
    `hold set in ${table} until ${new Date(set.until).toISOString()} by ${set.by}: ${set.reason}`,
  );
  deps.print("the detector keeps probing and alerting but promotes nothing, resumes nothing");
  return ExitCode.ok;
}
