// The settings sources: the CLI promotes with exactly the orchestrator's FAILOVER_SETTINGS, read
// from the plan or from deployed state alike, localized for the home region with its outputs.
import assert from "node:assert/strict";
import { resolveSettings } from "../../functions/region/settings";
import { DeployedStackFacts, type StackStateReader } from "../../automation/settings/deployedFacts";
import { PlanStackFacts } from "../../automation/settings/planFacts";
import { DerivedSettingsSource, failoverSettingsFrom } from "../../automation/settings/source";
import { readTopology, stackNamed } from "../../automation/topology";
import { planOf } from "../helpers/plan";

const topology = readTopology();
const euw1 = stackNamed(topology, "prod-euw1");
const use1 = stackNamed(topology, "prod-use1");

async function orchestratorSettings() {
  const fn = (await planOf("prod-euw1")).run.resources.find((r) =>
    r.name.endsWith("-failover-orchestrator-fn"),
  )!;
  return resolveSettings(JSON.parse(fn.inputs.environment.variables.FAILOVER_SETTINGS));
}

describe("promote CLI: settings sources", function () {
  this.timeout(60_000);
  const fromPlan = new DerivedSettingsSource(
    topology,
    new PlanStackFacts((s) => planOf(s)),
    "plan",
  );

  it("uses the orchestrator's own settings for the stack that deploys it", async () => {
    assert.deepEqual(await fromPlan.settingsFor(euw1), await orchestratorSettings());
  });

  it("localizes them for the home stack from its outputs", async () => {
    const template = await orchestratorSettings();
    const home = (await planOf("prod-use1")).run.outputs;
    const s = await fromPlan.settingsFor(use1);
    assert.equal(s.localRegion, "us-east-1");
    assert.deepEqual(s.cache, {
      globalReplicationGroupId: template.cache.globalReplicationGroupId,
      replicationGroupId: "magento-dr-prod-use1",
    });
    assert.deepEqual(s.database, { instanceId: "magento-dr-prod-use1" });
    assert.deepEqual(s.media, { fileSystemId: home.mediaFileSystemId });
    assert.equal(s.parameters.epoch, "/magento-dr/prod-use1/epoch");
    assert.equal(s.parameters.dbWriter, "/magento-dr/prod-use1/db/writer-host");
    assert.equal(s.searchEndpoint, home.searchEndpoint);
    assert.deepEqual(s.capacity, {
      autoScalingGroupName: "magento-dr-prod-use1-magento",
      min: 2,
      desired: 3,
      max: 12,
    });
    assert.equal(s.notifyTopicArn, home.alertTopicArn);
    // Everything that is not the region's own is the orchestrator's, unchanged.
    for (const key of [
      "authority",
      "regions",
      "regionEndpoints",
      "gate",
      "deadlines",
      "retry",
      "sdk",
      "leaseTtlMs",
      "rpoBudgetSeconds",
      "initialActiveRegion",
    ] as const) {
      assert.deepEqual(s[key], template[key], key);
    }
  });

  it("reads the same settings from deployed state (resource outputs and stack outputs)", async () => {
    const state: StackStateReader = {
      outputs: async (stack) => (await planOf(stack)).run.outputs,
      // Deployed outputs carry the environment as the provider returns it.
      resources: async (stack) =>
        (await planOf(stack)).run.resources.map((r) => ({
          urn: r.urn,
          type: r.type,
          outputs: r.inputs,
        })),
    };
    const deployed = new DerivedSettingsSource(topology, new DeployedStackFacts(state), "deployed");
    assert.deepEqual(await deployed.settingsFor(euw1), await fromPlan.settingsFor(euw1));
    assert.deepEqual(await deployed.settingsFor(use1), await fromPlan.settingsFor(use1));
  });

  it("finds the orchestrator by its promoter tag whatever its name, by name only on an untagged legacy stack", () => {
    const fn = (name: string, tags: Record<string, string> | undefined, settings: object) => ({
      type: "aws:lambda/function:Function",
      name,
      props: { tags, environment: { variables: { FAILOVER_SETTINGS: JSON.stringify(settings) } } },
    });
    assert.deepEqual(
      failoverSettingsFrom("prod-euw1", [
        fn(
          "prod-euw1-failover-orchestrator-fn",
          { "magento-dr:role": "trigger" },
          { from: "name" },
        ),
        fn("prod-euw1-recovery-fn", { "magento-dr:role": "promoter" }, { from: "tag" }),
      ]),
      { from: "tag" },
    );
    assert.deepEqual(
      failoverSettingsFrom("prod-euw1", [
        fn("prod-euw1-failover-orchestrator-fn", undefined, { from: "legacy name" }),
      ]),
      { from: "legacy name" },
    );
  });

  it("fails naming the stack when it deploys no orchestrator", () => {
    assert.throws(
      () =>
        failoverSettingsFrom("prod-use1", [
          { type: "aws:lambda/function:Function", name: "prod-use1-fence-fn", props: {} },
        ]),
      /stack prod-use1 has no aws:lambda\/function:Function tagged magento-dr:role=promoter \(nor named \*-failover-orchestrator-fn\)/,
    );
  });
});
