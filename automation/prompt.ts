// The confirmation before anything that loses data or moves production: the operator types the
// region being promoted (not "y", which fingers type without reading). Without a terminal there is
// nobody to ask, so the answer is no; scripts pass --yes.
import * as readline from "node:readline/promises";

/** Asks `question`; true only if the answer is exactly `expected`. */
export type Confirm = (question: string, expected: string) => Promise<boolean>;

/** Asks on `input`/`output`; no answer (false) unless `input` is a terminal. */
export function streamConfirm(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
): Confirm {
  return async (question, expected) => {
    if (!input.isTTY) return false;
    const rl = readline.createInterface({ input, output });
    try {
      const answer = await rl.question(`${question}\nType "${expected}" to proceed: `);
      return answer.trim() === expected;
    } finally {
      rl.close();
    }
  };
}

/** The operator's terminal; process.stdin is only touched when a question is asked. */
export const terminalConfirm: Confirm = (question, expected) =>
  streamConfirm(process.stdin, process.stdout)(question, expected);
