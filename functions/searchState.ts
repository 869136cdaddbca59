// Where the search health checker keeps its counters between invocations: one JSON document.
import { SSMClient } from "@aws-sdk/client-ssm";
import { readParameter, writeString } from "./ssmParameters";

export interface StateStore {
  /** The stored document, or undefined when there is none yet. */
  get(): Promise<unknown>;
  put(document: unknown): Promise<void>;
}

/**
 * One String parameter holding the JSON document (standard tier: 4 KB, room for dozens of
 * endpoints). A value that is not JSON comes back as the raw string, which the checker's parser
 * treats as "no counts yet" instead of failing every run until someone fixes it by hand.
 */
export class SsmStateStore implements StateStore {
  constructor(
    private readonly ssm: () => SSMClient,
    private readonly parameterName: string,
  ) {}

  async get(): Promise<unknown> {
    const stored = await readParameter(this.ssm(), this.parameterName);
    if (stored === undefined) return undefined;
    try {
      return JSON.parse(stored.value) as unknown;
    } catch {
      return stored.value;
    }
  }

  async put(document: unknown): Promise<void> {
    await writeString(this.ssm(), this.parameterName, JSON.stringify(document));
  }
}

/** For tests and local runs: keeps a copy, so later mutation of the caller's object is not seen. */
export class MemoryStateStore implements StateStore {
  puts = 0;
  private json: string | undefined;

  constructor(initial?: unknown) {
    this.json = initial === undefined ? undefined : JSON.stringify(initial);
  }

  async get(): Promise<unknown> {
    return this.json === undefined ? undefined : (JSON.parse(this.json) as unknown);
  }

  async put(document: unknown): Promise<void> {
    this.puts += 1;
    this.json = JSON.stringify(document);
  }
}
