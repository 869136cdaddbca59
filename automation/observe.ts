// Read-only looks at one region's data tier, through the step library's own observe functions (the
// same reads its steps decide with), each bounded so a dead region answers "unreachable" instead
// of hanging the report.
import type { RegionalClients } from "../functions/region/clients";
import { withDeadline } from "../functions/region/deadline";
import { errorMessage } from "../functions/region/errors";
import { LOG_COMPONENTS } from "../functions/contractLog";
import { createLogger } from "../functions/region/log";
import type { RegionFailoverSettings } from "../functions/region/settings";
import type { StepContext } from "../functions/region/steps";

/** A StepContext for observing only: observe functions read settings, clients and the signal. */
export function observationContext(
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  signal: AbortSignal,
): StepContext {
  return {
    settings,
    clients,
    mode: "planned",
    epoch: 0,
    signal,
    deadlineAt: Date.now(),
    log: createLogger({ component: LOG_COMPONENTS.cliObserve }, () => undefined),
  };
}

export type Observed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs one observation under `timeoutMs`; never throws. */
export async function observe<T>(
  label: string,
  timeoutMs: number,
  settings: RegionFailoverSettings,
  clients: RegionalClients,
  read: (ctx: StepContext) => Promise<T>,
): Promise<Observed<T>> {
  try {
    const value = await withDeadline(label, timeoutMs, (signal) =>
      read(observationContext(settings, clients, signal)),
    );
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
