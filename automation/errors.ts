// Exit codes and the three ways a run ends early. Every early end carries what the operator needs
// at 3 a.m.: what happened, whether anything changed, and the next command to run.

export const ExitCode = {
  /** Done. */
  ok: 0,
  /** A step failed; the state is consistent and the next step is printed. */
  failed: 1,
  /** Bad usage: unknown flag, missing --to, unknown stack. */
  usage: 2,
  /** A precondition refused the run before it changed anything it did not report. */
  refused: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command line: exit 2, the message says what is wrong and what is accepted. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A precondition did not hold: exit 3. `changed` lists anything this run did before refusing. */
export class Refused extends Error {
  constructor(
    message: string,
    public readonly nextStep: string,
    public readonly changed: string[] = [],
  ) {
    super(message);
    this.name = "Refused";
  }
}

/** A step failed: exit 1. `state` says where things stand; `nextStep` what to run now. */
export class StepFailed extends Error {
  constructor(
    message: string,
    public readonly state: string,
    public readonly nextStep: string,
  ) {
    super(message);
    this.name = "StepFailed";
  }
}
