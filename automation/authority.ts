// The authority table as the CLI reads it: the step library's AuthorityStore on the CLI's client.
import { AuthorityStore } from "../functions/region/authority";
import type { RegionFailoverSettings } from "../functions/region/settings";
import type { CliDeps } from "./context";

export function authorityStore(deps: CliDeps, settings: RegionFailoverSettings): AuthorityStore {
  return new AuthorityStore({
    client: deps.aws.authority(settings),
    tableName: settings.authority.tableName,
    initialActiveRegion: settings.initialActiveRegion,
    now: deps.now,
  });
}
