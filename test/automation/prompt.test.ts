// The confirmation prompt on a stand-in terminal: the question and what to type, the answer
// compared exactly (surrounding blanks aside), no question at all without a terminal, and the
// terminal given back after the answer.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { streamConfirm } from "../../automation/prompt";

/** A terminal: what the operator types, and what the prompt wrote. */
function terminal(isTTY: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, written: () => written };
}

const QUESTION = "UNPLANNED FAILOVER of production to eu-west-1 (prod-euw1), away from us-east-1.";

describe("promote CLI: the confirmation prompt", () => {
  const answers: [string, boolean][] = [
    ["eu-west-1\n", true],
    ["  eu-west-1 \t\n", true],
    ["y\n", false],
    ["yes\n", false],
    ["EU-WEST-1\n", false],
    ["eu-west-\n", false],
    ["eu-west-1x\n", false],
    ["\n", false],
  ];
  for (const [typed, confirmed] of answers) {
    it(`${JSON.stringify(typed)} ${confirmed ? "confirms" : "does not confirm"}`, async () => {
      const t = terminal(true);
      const answer = streamConfirm(t.input, t.output)(QUESTION, "eu-west-1");
      t.input.write(typed);
      assert.equal(await answer, confirmed);
      assert.equal(t.written(), `${QUESTION}\nType "eu-west-1" to proceed: `);
    });
  }

  it("gives the terminal back once answered: nothing listens to its keys any more", async () => {
    const t = terminal(true);
    const answer = streamConfirm(t.input, t.output)(QUESTION, "eu-west-1");
    t.input.write("eu-west-1\n");
    assert.equal(await answer, true);
    assert.equal(t.input.listenerCount("keypress"), 0);
    assert.equal(t.input.listenerCount("end"), 0);
  });

  it("without a terminal (a pipe, a cron job) the answer is no and nothing is asked", async () => {
    const t = terminal(false);
    t.input.write("eu-west-1\n");
    assert.equal(await streamConfirm(t.input, t.output)(QUESTION, "eu-west-1"), false);
    assert.equal(t.written(), "");
  });
});
