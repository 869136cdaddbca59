// Benchmark for RELIABILITY scenario 25: one health sweep over 10 local endpoints, 3 of which
// never answer, run concurrently (the checker's way) and one probe after another (the seed's way).
// Run: npx ts-node --transpile-only bench/healthSweep.ts
import { probeEndpoint, ProbeOptions, ProbeResult, sweep } from "../functions/searchProbe";
import { ServerBehaviour, startSearchServers } from "./searchServers";

export interface HealthSweepFigures {
  endpoints: number;
  silent: number;
  timeoutMs: number;
  parallelMs: number;
  sequentialMs: number;
}

/** The seed's sequential probing, for comparison only: k silent endpoints cost k timeouts. */
async function sweepSequentially(endpoints: string[], opts: ProbeOptions): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const endpoint of endpoints) results.push(await probeEndpoint(endpoint, opts));
  return results;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, Math.round(performance.now() - started)];
}

export async function benchHealthSweep(
  options: { endpoints?: number; silent?: number; timeoutMs?: number } = {},
): Promise<HealthSweepFigures> {
  const endpoints = options.endpoints ?? 10;
  const silent = options.silent ?? 3;
  const timeoutMs = options.timeoutMs ?? 500;
  if (!(silent >= 0 && silent <= endpoints)) {
    throw new Error(`silent is ${silent}, expected 0..${endpoints}`);
  }
  // Silent endpoints spread through the list, as they would be in a real priority order.
  const silentAt = new Set(
    Array.from({ length: silent }, (_, k) => Math.floor(((k + 0.5) * endpoints) / silent)),
  );
  const behaviours: ServerBehaviour[] = Array.from({ length: endpoints }, (_, i) =>
    silentAt.has(i) ? "silent" : "green",
  );
  const servers = await startSearchServers(behaviours);
  try {
    const opts: ProbeOptions = { timeoutMs, yellowIs: "healthy" };
    const [parallel, parallelMs] = await timed(() => sweep(servers.urls, opts));
    const [sequential, sequentialMs] = await timed(() => sweepSequentially(servers.urls, opts));
    // Both ways must see the same fleet, or the comparison means nothing.
    for (const results of [parallel, sequential]) {
      const timeouts = results.filter((r) => r.status === "timeout").length;
      if (timeouts !== silent) throw new Error(`expected ${silent} timeouts, saw ${timeouts}`);
    }
    return {
      endpoints,
      silent,
      timeoutMs,
      parallelMs,
      sequentialMs,
    };
  } finally {
    await servers.close();
  }
}

if (require.main === module) {
  benchHealthSweep().then(
    (figures) => console.log(JSON.stringify(figures)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
