// Probes OpenSearch endpoints' /_cluster/health. Every probe carries its own deadline and a sweep
// runs them all at once, so k silent endpoints cost one timeout, not k (RELIABILITY scenario 25).

export type ProbeStatus =
  "green" | "yellow" | "red" | "timeout" | "network-error" | "http-error" | "bad-response";

export interface ProbeResult {
  endpoint: string;
  status: ProbeStatus;
  healthy: boolean;
  latencyMs: number;
  /** What went wrong, for the log line; absent on a parsed health answer. */
  detail?: string;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Yellow means replicas are unassigned: searches still work, redundancy is reduced. */
  yellowIs: "healthy" | "failed";
  /** @default "/_cluster/health" */
  path?: string;
  /** Extra request headers, e.g. an Authorization header for fine-grained access control. */
  headers?: Record<string, string>;
}

export const DEFAULT_HEALTH_PATH = "/_cluster/health";

/**
 * An endpoint is a host name (probed over HTTPS, as OpenSearch domains require) or a base URL with
 * its scheme, which lets tests and benchmarks use plain HTTP servers on 127.0.0.1.
 */
export function healthUrl(endpoint: string, path: string = DEFAULT_HEALTH_PATH): string {
  const base = /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  return `${base.replace(/\/+$/, "")}${path}`;
}

function clusterStatus(body: string): "green" | "yellow" | "red" | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const status =
      typeof parsed === "object" && parsed !== null
        ? (parsed as { status?: unknown }).status
        : undefined;
    return status === "green" || status === "yellow" || status === "red" ? status : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error ("ECONNREFUSED", "ENOTFOUND") in `cause`, which says more.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/** Never rejects: every failure mode is a classified result. */
export async function probeEndpoint(endpoint: string, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  // One signal bounds connect, headers and body alike: a server that sends headers and then
  // stalls the body is cut off by the same deadline.
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const result = (status: ProbeStatus, detail?: string): ProbeResult => ({
    endpoint,
    status,
    healthy: status === "green" || (status === "yellow" && opts.yellowIs === "healthy"),
    latencyMs: Math.round(performance.now() - started),
    ...(detail === undefined ? {} : { detail }),
  });
  try {
    const response = await fetch(healthUrl(endpoint, opts.path), {
      signal,
      headers: { accept: "application/json", ...opts.headers },
      // A redirect is not a health answer; following it could probe some other host.
      redirect: "manual",
    });
    const body = await response.text();
    if (!response.ok) return result("http-error", `HTTP ${response.status}`);
    const status = clusterStatus(body);
    return status === undefined
      ? result("bad-response", "body is not cluster health JSON with a status")
      : result(status);
  } catch (error) {
    return signal.aborted
      ? result("timeout", `no answer within ${opts.timeoutMs} ms`)
      : result("network-error", describe(error));
  }
}

/** All endpoints at once; the sweep takes as long as its slowest probe, at most ~one timeout. */
export function sweep(endpoints: readonly string[], opts: ProbeOptions): Promise<ProbeResult[]> {
  return Promise.all(endpoints.map((endpoint) => probeEndpoint(endpoint, opts)));
}
