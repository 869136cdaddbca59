// The confirmation before anything that loses data or moves production: the operator types the
// region being promoted (not "y", which fingers type without reading). Without a terminal there is
// nobody to ask, so the answer is no; scripts pass --yes.
import * as readline from "node:readline/promises";

/** Asks `question`; true only if the answer is exactly `expected`. */
export type Confirm = (question: string, expected: string) => Promise<boolean>;

export const terminalConfirm: Confirm = async (question, expected) => {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question}\nType "${expected}" to proceed: `);
    return answer.trim() === expected;
  } finally {
    rl.close();
  }
};
