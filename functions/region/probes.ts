// The two ways this library looks at a region from outside: an HTTP probe of its public health
// URL, and Route 53's health-check status. Both are bounded by a timeout and neither throws:
// a probe that cannot complete is a failed probe; a status that cannot be read is "unknown".
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { sleep, withDeadline } from "./deadline";
import { errorMessage } from "./errors";
import type { SignalStatus } from "./detection";

export interface ProbeResult {
  ok: boolean;
  detail: string;
  ms: number;
}

/** One GET; healthy on 2xx/3xx, the same rule Route 53's HTTP checks use. Never throws. */
export async function probeOnce(url: string, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: "GET",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: { "user-agent": "magento-dr-canary" },
    });
    // Drain the body so the socket is released; the content is irrelevant.
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 400;
    return { ok, detail: `HTTP ${response.status}`, ms: Date.now() - started };
  } catch (error) {
    const timedOut = (error as { name?: string })?.name === "TimeoutError";
    return {
      ok: false,
      detail: timedOut ? `no answer within ${timeoutMs} ms` : errorMessage(error),
      ms: Date.now() - started,
    };
  }
}

/**
 * Probes `url` up to `probes` times, `intervalMs` apart, continuing a consecutive-failure count
 * that started at `startCount`: a failure adds one, a success resets it to zero. `onProbe` sees
 * the count after every probe (to persist it, or to decide early) and returns true to stop.
 * With `deepUrl`, each probe also asks that URL at the same time and hands its result along
 * (the deep signal: it does not move the count).
 */
export async function runCanary(options: {
  url: string;
  deepUrl?: string;
  probes: number;
  intervalMs: number;
  timeoutMs: number;
  startCount: number;
  signal?: AbortSignal;
  onProbe?: (
    consecutiveFailures: number,
    result: ProbeResult,
    deep?: ProbeResult,
  ) => Promise<boolean | void>;
}): Promise<{ consecutiveFailures: number; results: ProbeResult[] }> {
  let count = options.startCount;
  const results: ProbeResult[] = [];
  for (let i = 0; i < options.probes; i++) {
    if (i > 0) await sleep(options.intervalMs, options.signal);
    const [result, deep] = await Promise.all([
      probeOnce(options.url, options.timeoutMs),
      options.deepUrl ? probeOnce(options.deepUrl, options.timeoutMs) : undefined,
    ]);
    results.push(result);
    count = result.ok ? 0 : count + 1;
    if (await options.onProbe?.(count, result, deep)) break;
  }
  return { consecutiveFailures: count, results };
}

/** Route 53 calls an endpoint healthy when more than 18% of its checkers report it healthy
 * (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"). */
export const ROUTE53_HEALTHY_FRACTION = 0.18;

/**
 * Reads an endpoint health check's status (GetHealthCheckStatus does not serve calculated checks,
 * so pass the ALB check, not the region gate's). Route 53 has already applied its own failure
 * threshold, so its verdict is used as it is. Errors, timeouts and empty answers are "unknown".
 */
export async function readRoute53Status(
  client: Route53Client,
  healthCheckId: string | undefined,
  timeoutMs: number,
): Promise<{ status: SignalStatus; detail: string }> {
  if (!healthCheckId) return { status: "unknown", detail: "no Route 53 health check configured" };
  try {
    const out = await withDeadline("route53-status", timeoutMs, (signal) =>
      client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), {
        abortSignal: signal,
      }),
    );
    const observations = out.HealthCheckObservations ?? [];
    if (observations.length === 0) return { status: "unknown", detail: "no observations" };
    const healthy = observations.filter((o) =>
      o.StatusReport?.Status?.startsWith("Success"),
    ).length;
    const fraction = healthy / observations.length;
    return {
      status: fraction > ROUTE53_HEALTHY_FRACTION ? "healthy" : "failed",
      detail: `${healthy} of ${observations.length} checkers report healthy`,
    };
  } catch (error) {
    return { status: "unknown", detail: `status unreadable: ${errorMessage(error)}` };
  }
}
