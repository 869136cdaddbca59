// Progress lines, one when a step starts and one when it ends (outcome and duration), so an
// operator watching a slow step knows what is running and for how long. The records are kept for
// the drill's timing report and for tests that check the order of steps.

export type Outcome =
  | "done"
  | "already-done"
  | "capacity-not-reached"
  | "reindex-requested"
  | "skipped"
  | "failed"
  | "not-run";

export interface ProgressRecord {
  name: string;
  detail: string;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  outcome?: Outcome;
  result?: string;
}

export type Print = (line: string) => void;

const NAME_WIDTH = 14;

export class Progress {
  readonly records: ProgressRecord[] = [];

  constructor(
    private readonly print: Print,
    private readonly now: () => number = Date.now,
  ) {}

  start(name: string, detail: string): ProgressRecord {
    const record: ProgressRecord = { name, detail, startedAt: this.now() };
    this.records.push(record);
    this.line(record.startedAt, "start", name, detail);
    return record;
  }

  end(record: ProgressRecord, outcome: Outcome, result = ""): void {
    record.endedAt = this.now();
    record.durationMs = record.endedAt - record.startedAt;
    record.outcome = outcome;
    record.result = result;
    const seconds = `${(record.durationMs / 1000).toFixed(1)} s`;
    this.line(record.endedAt, outcome, record.name, `${seconds}  ${result}`.trimEnd());
  }

  /** Runs `work` as one step; a throw ends the step as failed and propagates. */
  async step<T>(
    name: string,
    detail: string,
    work: () => Promise<T>,
    summarize: (result: T) => { outcome?: Outcome; result: string } = () => ({ result: "" }),
  ): Promise<T> {
    const record = this.start(name, detail);
    try {
      const value = await work();
      const summary = summarize(value);
      this.end(record, summary.outcome ?? "done", summary.result);
      return value;
    } catch (error) {
      this.end(record, "failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  skip(name: string, why: string): void {
    const at = this.now();
    this.records.push({ name, detail: why, startedAt: at, endedAt: at, outcome: "skipped" });
    this.line(at, "skipped", name, why);
  }

  private line(at: number, what: string, name: string, text: string): void {
    const time = new Date(at).toISOString().slice(11, 19) + "Z";
    this.print(`${time}  ${what.padEnd(8)} ${name.padEnd(NAME_WIDTH)} ${text}`.trimEnd());
  }
}
