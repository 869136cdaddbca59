// A planned switchover waits for the quiesce on top of the orchestrator's budget, so the lease it
// takes outlives that wait by as much (promote.ts withQuiesceBudget); an unplanned failover has
// no quiesce and takes the orchestrator's lease as is. Read from the lease write the CLI sends.
// A lease write that fails ends the lease step as failed, before anything else is written.
import assert from "node:assert/strict";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { STANDBY } from "./helpers/fakeAws";
import { cliSuite } from "./helpers/harness";
import { authorityVia, text, transcript } from "./helpers/transcript";

describe("promote CLI: the lease a promotion takes", function () {
  this.timeout(60_000);
  const suite = cliSuite();

  /** Runs `argv`; how long the lease it took was granted for, as written (ms). */
  async function leaseTtlOf(argv: string[]): Promise<number> {
    const c = await suite.start();
    const table = suite.dynamo().client(STANDBY);
    const granted: number[] = [];
    const recording = {
      send: (command: { input: Record<string, any> }, options: unknown) => {
        const input = command.input;
        if (/incidentId = :incident/.test(input.UpdateExpression ?? "")) {
          granted.push(Number(input.ExpressionAttributeValues[":expires"].N) - Date.now());
        }
        return table.send(command as never, options as never);
      },
    } as unknown as DynamoDBClient;
    assert.equal(await c.run(argv, authorityVia(recording)), 0, c.output());
    assert.equal(granted.length, 1, "one lease taken");
    return granted[0];
  }

  it("planned: the orchestrator's 20 s lease plus the 0.5 s quiesce deadline", async () => {
    const ttl = await leaseTtlOf(["planned", "--to", "prod-euw1"]);
    assert.ok(ttl > 20_000 && ttl <= 20_500, `granted ${ttl} ms`);
  });

  it("unplanned: the orchestrator's 20 s lease as is", async () => {
    const ttl = await leaseTtlOf(["unplanned", "--to", "prod-euw1", "--yes"]);
    assert.ok(ttl > 19_500 && ttl <= 20_000, `granted ${ttl} ms`);
  });

  it("a lease write that fails: the lease step fails with its error, exit 1, no AWS write", async () => {
    const c = await suite.start();
    const table = suite.dynamo().client(STANDBY);
    const throttled = {
      send: (command: { input: Record<string, any> }, options: unknown) =>
        /incidentId = :incident/.test(command.input.UpdateExpression ?? "")
          ? Promise.reject(
              Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
                name: "ProvisionedThroughputExceededException",
              }),
            )
          : table.send(command as never, options as never),
    } as unknown as DynamoDBClient;
    assert.equal(await c.run(["planned", "--to", "prod-euw1"], authorityVia(throttled)), 1);
    assert.deepEqual(c.aws.writes(), []);
    const lines = transcript(c).split("\n");
    const at = lines.indexOf(
      "<t>  start    lease          take the authority lease at epoch 0 for eu-west-1",
    );
    assert.equal(
      text(...lines.slice(at, at + 3)),
      text(
        "<t>  start    lease          take the authority lease at epoch 0 for eu-west-1",
        "<t>  failed   lease          <d> s  Rate of requests exceeds the allowed throughput.",
        "FAILED (unexpected): ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput.",
      ),
    );
    assert.equal((await c.authority()).epoch, 0);
  });
});
