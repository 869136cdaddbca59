// The program on the real Pulumi engine (the CLI built by scripts/pulumi-tools.sh), with AWS
// simulated by the provider plugins in engine/providers, in a file backend with a passphrase
// secrets provider. Each test builds on the previous one's backend state: previews and the
// missing-key failure first, then `up` of the home stack, then of the standby (whose
// StackReference reads the home stack's outputs from the backend), then no-change previews,
// refresh, a replacement preview and the refused destroy.
import * as assert from "assert";
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { FORMER_TREE } from "../components/regionParts";
import { findTools, REPO, type Tools } from "./helpers/tools";
import { ORGANIZATION, PROJECT, Sandbox, stepCollector, type Step } from "./helpers/sandbox";

const HOME = "prod-use1";
const STANDBY = "prod-euw1";
const STATEFUL = [
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  "aws:dynamodb/table:Table",
  "aws:efs/fileSystem:FileSystem",
  "aws:opensearch/domain:Domain",
];

/** The engine's marker for an unknown value in event payloads. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The resources of `stack` as test/fixtures/deployed-urns lists them (the deployed-URN guard). */
function listedUrns(stack: string): string[] {
  const file = path.join(REPO, "test", "fixtures", "deployed-urns", `${stack}.txt`);
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((urn) => urn && !urn.includes("pulumi:pulumi:StackReference"));
}

function ops(steps: Step[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
  return counts;
}

describe("the program on the Pulumi engine (simulated AWS)", function () {
  let tools: Tools;
  let sandbox: Sandbox;
  const log = (text: string) => process.stderr.write(text);

  before(function () {
    tools = findTools();
    console.log(`      Pulumi CLI ${tools.version} (${tools.bin})`);
    sandbox = new Sandbox(tools);
    // The file backend's organization is fixed: point the standby at the home stack there.
    sandbox.setStackFileValue(
      STANDBY,
      "magento-dr:homeStack",
      `${ORGANIZATION}/${PROJECT}/${HOME}`,
    );
  });

  after(() => sandbox?.dispose());

  async function preview(stack: Stack) {
    const { steps, onEvent } = stepCollector();
    const result = await stack.preview({ onEvent, onOutput: log });
    return { steps, result };
  }

  /**
   * Every URN the deployed-URN guard lists (computed from the offline plan by
   * test/helpers/engineUrns.ts) is one the engine gave a resource of `stack`, exactly as written:
   * the list is what a deployment of the tree before its parts holds. Resources added since the
   * list was taken are deployed too, and need no line in it.
   */
  async function assertDeployedAsListed(stack: string) {
    const exported = await (await sandbox.stack(stack)).exportStack();
    const deployed = new Set(
      ((exported.deployment?.resources ?? []) as { urn: string }[]).map((r) => r.urn),
    );
    const listed = listedUrns(stack);
    assert.ok(listed.length > 150, `${listed.length} URNs listed for ${stack}`);
    assert.deepStrictEqual(
      listed.filter((urn) => !deployed.has(urn)),
      [],
      "listed URNs the engine did not give",
    );
  }

  it("previews the home stack: every resource a create, computed outputs unknown", async function () {
    const { steps } = await preview(await sandbox.stack(HOME));
    const creates = steps.filter((s) => s.op === "create");
    assert.ok(creates.length > 100, `expected the whole region, got ${JSON.stringify(ops(steps))}`);
    const db = creates.find((s) => s.type === "aws:rds/instance:Instance");
    assert.ok(db, "the preview creates the database");
    // The provider API declares no preview support: the engine shows what AWS computes as unknown.
    assert.strictEqual(db.outputs.endpoint ?? UNKNOWN, UNKNOWN);
    assert.ok(
      steps.some((s) => s.type === "awsx:ec2:Vpc") &&
        steps.some((s) => s.type === "aws:ec2/natGateway:NatGateway"),
      "the awsx Vpc is constructed with its aws children",
    );
  });

  it("fails a stack file missing a required key with the CLI's own message", async function () {
    const stack = await sandbox.stack(HOME);
    await stack.removeConfig("magento-dr:domainName");
    try {
      await assert.rejects(
        preview(stack),
        /Stack 'prod-use1' is missing configuration value 'domainName'/,
      );
    } finally {
      await stack.setConfig("magento-dr:domainName", { value: "shop.example.com" });
    }
  });

  // Both stacks are deployed with the tree as it was before the parts (components/regionParts.ts),
  // as the deployments made before them hold it; the previews after them run the current tree,
  // and must show no change: the aliases keep every resource.
  async function upWithFormerTree(stack: Stack) {
    FORMER_TREE.flat = true;
    try {
      return await stack.up({ onOutput: log });
    } finally {
      FORMER_TREE.flat = false;
    }
  }

  it("deploys the home stack", async function () {
    const result = await upWithFormerTree(await sandbox.stack(HOME));
    assert.strictEqual(result.summary.result, "succeeded");
    assert.ok((result.summary.resourceChanges?.create ?? 0) > 100);
    assert.ok(Object.keys(result.outputs).length > 0, "the home stack exports outputs");
    await assertDeployedAsListed(HOME);
  });

  it("deploys the standby, whose StackReference reads the home stack's outputs", async function () {
    const stack = await sandbox.stack(STANDBY);
    const result = await upWithFormerTree(stack);
    assert.strictEqual(result.summary.result, "succeeded");
    await assertDeployedAsListed(STANDBY);
    const exported = await stack.exportStack();
    const reference = (exported.deployment?.resources ?? []).find(
      (r: { type: string }) => r.type === "pulumi:pulumi:StackReference",
    ) as { outputs: { outputs: Record<string, unknown> } } | undefined;
    assert.ok(reference, "the standby holds a StackReference");
    const homeOutputs = await (await sandbox.stack(HOME)).outputs();
    for (const [key, value] of Object.entries(reference.outputs.outputs)) {
      if (homeOutputs[key] && !homeOutputs[key].secret) {
        assert.deepStrictEqual(value, homeOutputs[key].value, `home output ${key}`);
      }
    }
  });

  for (const name of [HOME, STANDBY]) {
    it(`previews ${name} again with no changes, the tree's parts adopting what was deployed`, async function () {
      const { steps } = await preview(await sandbox.stack(name));
      // A StackReference is read on every run; reading it changes nothing.
      const changed = steps.filter(
        (s) => s.op !== "same" && !(s.op === "read" && s.type === "pulumi:pulumi:StackReference"),
      );
      assert.deepStrictEqual(
        changed.map((s) => `${s.op} ${s.urn}`),
        [],
      );
    });
  }

  // After a failover the home stack re-creates its EFS replication, which makes a new replica with
  // a new id; the home stack's output then names it. The standby must stay on what it mounts.
  it("keeps the standby on its media file system when the home stack names another replica", async function () {
    const home = await sandbox.stack(HOME);
    const original = await home.exportStack();
    const edited = JSON.parse(JSON.stringify(original));
    const stackResource = edited.deployment.resources.find(
      (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
    );
    const mounted = stackResource.outputs.mediaReplicaFileSystemId;
    assert.match(String(mounted), /^fs-/);
    stackResource.outputs.mediaReplicaFileSystemId = "fs-0feedfacefeedface";
    await home.importStack(edited);
    try {
      const { steps, onEvent } = stepCollector();
      const warnings: string[] = [];
      const result = await (
        await sandbox.stack(STANDBY)
      ).preview({
        onOutput: log,
        onEvent: (event) => {
          onEvent(event);
          const diag = event.diagnosticEvent;
          if (diag?.severity === "warning") warnings.push(diag.message);
        },
      });
      assert.ok(result.changeSummary, "the preview ran");
      const media = steps.filter((s) =>
        ["aws:efs/mountTarget:MountTarget", "aws:efs/accessPoint:AccessPoint"].includes(s.type),
      );
      assert.strictEqual(media.length, 4, "three mount targets and the access point");
      assert.deepStrictEqual(
        media.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`),
        [],
        "nothing of the standby's media moves",
      );
      const warning = warnings.find((w) => w.includes("stays on media file system"));
      assert.ok(warning, `a warning says what to set; got ${JSON.stringify(warnings)}`);
      assert.ok(warning.includes(`mediaReplicaFileSystemId=${mounted}`), warning);
    } finally {
      await home.importStack(original);
    }
  });

  it("refreshes the home stack with no drift (the providers' read)", async function () {
    const stack = await sandbox.stack(HOME);
    assert.ok(((await stack.exportStack()).deployment?.resources?.length ?? 0) > 100);
    const result = await stack.refresh({ onOutput: log });
    assert.strictEqual(result.summary.result, "succeeded");
    const changes = result.summary.resourceChanges ?? {};
    assert.deepStrictEqual(
      Object.keys(changes).filter((op) => op !== "same"),
      [],
      JSON.stringify(changes),
    );
  });

  // The engine refuses to delete a protected resource, and fails the destroy; it still deletes every
  // unprotected resource first (observed on v3.276: the ALB, Lambdas, alarms and the rest go).
  it("fails a destroy of the home stack and keeps every protected stateful resource", async function () {
    const stack = await sandbox.stack(HOME);
    const resources = async () =>
      ((await stack.exportStack()).deployment?.resources ?? []) as {
        urn: string;
        type: string;
        protect?: boolean;
      }[];
    const before = await resources();
    const protectedUrns = before.filter((r) => r.protect).map((r) => r.urn);
    for (const type of STATEFUL) {
      assert.ok(
        before.some((r) => r.protect && r.type === type),
        `${type} is protected`,
      );
    }
    await assert.rejects(stack.destroy({ onOutput: log }), /cannot be deleted|protected/);
    const after = new Set((await resources()).map((r) => r.urn));
    assert.deepStrictEqual(
      protectedUrns.filter((urn) => !after.has(urn)),
      [],
      "a protected resource was deleted",
    );
    console.log(
      `      destroy deleted ${before.length - after.size} unprotected resources of ${before.length}`,
    );
  });
});
