// A levelled, contextual logger over the shared one-JSON-line writer (functions/log.ts), so every
// line of a promotion carries its incident, step and region without repeating them at each call.
import { LOG_FIELDS, type LogLevel } from "../contractLog";
import { logEvent } from "../log";

export type { LogLevel };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` as well. */
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (fields: Record<string, unknown>) => void;

/** Longest string kept in a log field; the rest is cut and counted. */
export const LOG_STRING_LIMIT = 512;
const LOG_ARRAY_LIMIT = 20;
const LOG_KEYS_LIMIT = 40;
const LOG_DEPTH_LIMIT = 5;

/**
 * Cuts a value to a bounded size: strings to LOG_STRING_LIMIT, arrays and objects to a few
 * dozen entries, nesting to a few levels. Log lines carry values from events anyone in the
 * account could send: a 1 MiB hostile field must not become a 1 MiB log line.
 */
export function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return value.length <= LOG_STRING_LIMIT
      ? value
      : `${value.slice(0, LOG_STRING_LIMIT)}...(${value.length - LOG_STRING_LIMIT} more chars)`;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= LOG_DEPTH_LIMIT) return "(nested too deep)";
  if (Array.isArray(value)) {
    const kept = value.slice(0, LOG_ARRAY_LIMIT).map((v) => bounded(v, depth + 1));
    if (value.length > LOG_ARRAY_LIMIT) kept.push(`(${value.length - LOG_ARRAY_LIMIT} more)`);
    return kept;
  }
  if (value instanceof Error) return bounded({ name: value.name, message: value.message }, depth);
  const entries = Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, LOG_KEYS_LIMIT))
    out[bounded(k) as string] = bounded(v, depth + 1);
  if (entries.length > LOG_KEYS_LIMIT) out["(more keys)"] = entries.length - LOG_KEYS_LIMIT;
  return out;
}

export function createLogger(base: Record<string, unknown> = {}, sink: LogSink = logEvent): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) =>
    sink(
      bounded({
        [LOG_FIELDS.level]: level,
        [LOG_FIELDS.event]: event,
        [LOG_FIELDS.time]: new Date().toISOString(),
        ...base,
        ...fields,
      }) as Record<string, unknown>,
    );
  return {
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink),
  };
}

/** Collects lines in memory: for tests, and for callers that want the lines in a report. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  // A JSON round trip, so tests see exactly what would be written.
  const logger = createLogger({}, (fields) => {
    lines.push(JSON.parse(JSON.stringify(fields)) as Record<string, unknown>);
  });
  return { logger, lines };
}
