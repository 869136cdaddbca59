// A levelled, contextual logger over the shared one-JSON-line writer (functions/log.ts), so every
// line of a promotion carries its incident, step and region without repeating them at each call.
import { logEvent } from "../log";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` as well. */
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (fields: Record<string, unknown>) => void;

export function createLogger(base: Record<string, unknown> = {}, sink: LogSink = logEvent): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) =>
    sink({ level, event, time: new Date().toISOString(), ...base, ...fields });
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
