// SDK client settings shared by every failover Lambda. Without them an SDK v3 call to a dead or
// blackholed regional endpoint can hang past the Lambda timeout (RELIABILITY.md, scenario 19).
import { NodeHttpHandler } from "@smithy/node-http-handler";

export interface ClientTimeouts {
  /**
   * Time allowed to open the TCP/TLS connection.
   * @default 2000
   */
  connectionTimeoutMs?: number;
  /**
   * Time allowed for one request and its response.
   * @default 5000
   */
  requestTimeoutMs?: number;
  /**
   * Attempts per call, the first included (SDK "standard" retry, with backoff and a retry quota).
   * @default 3
   */
  maxAttempts?: number;
}

export interface ClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: "standard";
  requestHandler: NodeHttpHandler;
}

/**
 * Client constructor options with a bounded worst case of roughly
 * maxAttempts × (connectionTimeoutMs + requestTimeoutMs) plus backoff.
 */
export function clientConfig(region: string, opts: ClientTimeouts = {}): ClientConfig {
  const connectionTimeout = opts.connectionTimeoutMs ?? 2000;
  const requestTimeout = opts.requestTimeoutMs ?? 5000;
  return {
    region,
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: "standard",
    requestHandler: new NodeHttpHandler({
      connectionTimeout,
      requestTimeout,
      // Without this flag @smithy/node-http-handler 4.x only logs a warning when requestTimeout
      // passes and keeps waiting: the timeout would not bound anything.
      throwOnRequestTimeout: true,
      // A connection that goes silent mid-response is abandoned too.
      socketTimeout: requestTimeout,
    }),
  };
}

/**
 * Memoises a factory: the value is built on first use and reused for the life of the container,
 * so clients (and their connection pools) are created once, not on every invocation.
 */
export function lazy<T>(make: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = make();
      built = true;
    }
    return value;
  };
}
