// Whether us-east-1's control planes answer: IAM's and Route 53's APIs live there (RELIABILITY.md;
// AWS fault-isolation whitepaper, "global services"), and reconciling the stacks needs both
// (`pulumi refresh`/`up` read and write roles, policies and records). During a us-east-1 outage
// the CLI therefore finishes the promotion (data plane only) and defers the IaC with a clear
// message instead of hanging in, or half-applying, an update (docs/runbook.md says when to rerun).
//
// The probe is a reachability check of each API's front door: any HTTP answer below 500 (an
// unauthenticated request gets 403) means the control plane answers; a timeout, a connection or
// DNS error, or a 5xx means it does not. It needs no credentials and makes no AWS call.

export const CONTROL_PLANES = [
  { name: "IAM", url: "https://iam.amazonaws.com/" },
  { name: "Route 53", url: "https://route53.amazonaws.com/2013-04-01/hostedzonecount" },
] as const;

export interface ControlPlaneStatus {
  answering: boolean;
  /** One entry per control plane: "IAM: HTTP 403" or "Route 53: no answer within 5000 ms". */
  details: string[];
}

/** Status of one GET (never throws): an HTTP status, or why there was none. */
export type StatusProbe = (url: string) => Promise<{ status?: number; error?: string }>;

export async function controlPlanesAnswer(probe: StatusProbe): Promise<ControlPlaneStatus> {
  const results = await Promise.all(
    CONTROL_PLANES.map(async (plane) => {
      const r = await probe(plane.url);
      const up = r.status !== undefined && r.status < 500;
      return {
        up,
        detail: `${plane.name}: ${r.status !== undefined ? `HTTP ${r.status}` : r.error}`,
      };
    }),
  );
  return { answering: results.every((r) => r.up), details: results.map((r) => r.detail) };
}

/** The real probe: one GET with a timeout. */
export function fetchStatus(timeoutMs: number): StatusProbe {
  return async (url) => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const timedOut = (error as { name?: string })?.name === "TimeoutError";
      return { error: timedOut ? `no answer within ${timeoutMs} ms` : (error as Error).message };
    }
  };
}
