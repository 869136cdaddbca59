// Structured logging for the failover Lambdas: one JSON object per line, so CloudWatch Logs
// Insights and metric filters can query fields (outcome, reason, endpoint) instead of parsing prose.

/** Serialises values JSON.stringify would drop or choke on (Error, bigint), so no field is lost. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (typeof value === "bigint") {
    return value.toString();
  }
  return value;
}

/**
 * Writes one JSON line to stdout (Lambda forwards it to CloudWatch Logs). Never throws: a logging
 * problem must not turn a handled event into a failed invocation and an async retry.
 */
export function logEvent(fields: Record<string, unknown>): void {
  let line: string;
  try {
    line = JSON.stringify(fields, replacer);
  } catch (error) {
    // Circular structures end here; keep the message so the line still says what happened.
    line = JSON.stringify({
      message: String(fields["message"] ?? ""),
      logError: error instanceof Error ? error.message : String(error),
    });
  }
  console.log(line);
}
