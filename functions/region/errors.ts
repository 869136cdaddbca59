// AWS SDK v3 errors carry their modelled name in `name`; query-protocol services (ElastiCache,
// RDS, Auto Scaling, CloudWatch, SNS) also expose the wire code in `Code`. Matching both keeps
// the classification right whether or not the SDK recognised the error shape.

export function errorName(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [e.name, e.Code, e.code]) {
      if (typeof candidate === "string" && candidate !== "" && candidate !== "Error")
        return candidate;
    }
    return "Error";
  }
  return typeof error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True when the error's name or wire code is one of `names`. */
export function isError(error: unknown, ...names: string[]): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  return [e.name, e.Code, e.code].some((v) => typeof v === "string" && names.includes(v));
}

const THROTTLING = [
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "PriorRequestNotComplete",
];

export function isThrottling(error: unknown): boolean {
  if (isError(error, ...THROTTLING)) return true;
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return meta?.httpStatusCode === 429;
}

const TRANSIENT = [
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "NetworkingError",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "TransactionInProgressException",
];

/**
 * Worth another attempt: throttling, a 5xx, a timeout or a dropped connection. Never an abort
 * (the caller's deadline) and never a modelled refusal such as a failed condition.
 */
export function isTransient(error: unknown): boolean {
  if (isError(error, "AbortError", "DeadlineExceeded")) return false;
  if (isThrottling(error) || isError(error, ...TRANSIENT)) return true;
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return (meta?.httpStatusCode ?? 0) >= 500;
}

/** A compact description for logs and audit records. */
export function describeError(error: unknown): { name: string; message: string } {
  return { name: errorName(error), message: errorMessage(error) };
}
