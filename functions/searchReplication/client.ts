// A small OpenSearch REST client for the replication function: JSON in and out, one deadline per
// request (connect, headers and body), credentials from a header provider (fine-grained access
// control refuses anonymous requests; see functions/searchAuth.ts).
import { healthUrl } from "../searchProbe";

export class OpenSearchError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status} ${body.slice(0, 300)}`);
    this.name = "OpenSearchError";
  }
}

export interface OpenSearchResponse {
  status: number;
  body: unknown;
}

export interface OpenSearchClientOptions {
  /** Host name (HTTPS) or base URL with a scheme (tests use http://127.0.0.1:port). */
  endpoint: string;
  headers?: () => Promise<Record<string, string>>;
  /** @default 10000 */
  timeoutMs?: number;
}

export class OpenSearchClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: OpenSearchClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Sends one request. A status in `accept` (besides 2xx) is returned instead of thrown, so a
   * caller can treat "not found" as an observation rather than a failure.
   */
  async request(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    body?: unknown,
    accept: number[] = [],
  ): Promise<OpenSearchResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(await this.options.headers?.()),
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(healthUrl(this.options.endpoint, path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: "manual",
    });
    const text = await response.text();
    if (!response.ok && !accept.includes(response.status)) {
      throw new OpenSearchError(method, path, response.status, text);
    }
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // Left as text: _cat APIs without format=json and some errors answer plain text.
    }
    return { status: response.status, body: parsed };
  }
}
