// Facts from deployed state: a stack deployed before the promoter's role tag is found by the
// function's name, the last segment of its URN; the error types keep the names the CLI and its
// logs show; stack files without a home or standby stack are named as such.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Refused, StepFailed, UsageError } from "../../automation/errors";
import { DeployedStackFacts } from "../../automation/settings/deployedFacts";
import { StackBusy } from "../../automation/stackOps";
import { readTopology } from "../../automation/topology";

describe("promote CLI: facts from deployed state", () => {
  it("finds an untagged legacy orchestrator by the name at the end of its URN", async () => {
    const urn = (name: string) =>
      `urn:pulumi:prod-euw1::magento-dr::magento-dr:regionFailover::aws:lambda/function:Function::${name}`;
    const facts = new DeployedStackFacts({
      outputs: async () => ({ region: "eu-west-1" }),
      resources: async () => [
        {
          urn: urn("prod-euw1-failover-orchestrator-fn-x"),
          type: "aws:lambda/function:Function",
          outputs: { environment: { variables: { FAILOVER_SETTINGS: '{"from":"not this"}' } } },
        },
        {
          urn: urn("prod-euw1-failover-orchestrator-fn"),
          type: "aws:lambda/function:Function",
          outputs: { environment: { variables: { FAILOVER_SETTINGS: '{"from":"state"}' } } },
        },
      ],
    });
    assert.deepEqual(await facts.orchestratorSettings("prod-euw1"), { from: "state" });
    assert.deepEqual(await facts.outputs("prod-euw1"), { region: "eu-west-1" });

    const without = new DeployedStackFacts({
      outputs: async () => ({}),
      resources: async () => [
        {
          urn: urn("prod-euw1-failover-orchestrator-fn"),
          type: "aws:lambda/function:Function",
          outputs: { environment: { variables: {} } },
        },
      ],
    });
    await assert.rejects(without.orchestratorSettings("prod-euw1"), {
      message:
        "prod-euw1-failover-orchestrator-fn in stack prod-euw1 has no FAILOVER_SETTINGS environment variable",
    });
  });

  it("the error types carry their names and what the run changed", () => {
    const refused = new Refused("not confirmed", "rerun");
    assert.equal(refused.name, "Refused");
    assert.deepEqual(refused.changed, []);
    assert.equal(new StepFailed("quiesce", "state", "next").name, "StepFailed");
    assert.equal(new UsageError("bad flag").name, "UsageError");
    const busy = new StackBusy("prod-euw1");
    assert.equal(busy.name, "StackBusy");
    assert.equal(busy.message, "another update is running on stack prod-euw1");
  });
});

describe("promote CLI: the topology from the stack files", () => {
  /** A project folder with only these of this checkout's stack files. */
  function folderWith(stacks: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "topology-"));
    fs.copyFileSync("Pulumi.yaml", path.join(dir, "Pulumi.yaml"));
    for (const stack of stacks) {
      fs.copyFileSync(`Pulumi.${stack}.yaml`, path.join(dir, `Pulumi.${stack}.yaml`));
    }
    return dir;
  }

  it("names what is missing: the home stack, or the standby", () => {
    for (const [stacks, missing] of [
      [["prod-euw1"], "home"],
      [["prod-use1"], "standby (first region after home)"],
    ] as const) {
      const dir = folderWith([...stacks]);
      try {
        assert.throws(() => readTopology(dir), {
          name: "UsageError",
          message: `the stack files in ${dir} define no ${missing} stack`,
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
