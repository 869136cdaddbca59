// The search replication function against a simulated domain on 127.0.0.1 (test/helpers/
// simSearchDomain.ts implements the replication plugin's documented API subset and records
// every request). RELIABILITY.md scenario 36.
import assert from "node:assert/strict";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  BadRequest,
  createSearchReplicationHandler,
  ReplicationReport,
  SearchReplicationSettings,
} from "../../functions/searchReplication/handler";
import {
  byAlias,
  chooseAliasTargets,
  parseIndexName,
  superseded,
} from "../../functions/searchReplication/magentoIndices";
import { NOT_IN_PROGRESS, SimSearchDomain } from "../helpers/simSearchDomain";
import { captureLogs } from "./fakeAws";

const HOME = "us-east-1";
const STANDBY = "eu-west-1";
const RULE = "magento-dr-magento2";

describe("Magento index names", () => {
  it("parses <prefix>_<entity>_<store>_v<N> and ignores anything else", () => {
    assert.deepEqual(parseIndexName("magento2", "magento2_product_1_v3"), {
      name: "magento2_product_1_v3",
      alias: "magento2_product_1",
      version: 3,
    });
    assert.equal(parseIndexName("magento2", "magento2_product_1"), undefined);
    assert.equal(parseIndexName("magento2", "other_product_1_v1"), undefined);
    assert.deepEqual(
      [...byAlias("magento2", ["magento2_product_1_v2", "magento2_product_1_v10"]).values()][0].map(
        (i) => i.version,
      ),
      [10, 2],
      "versions compare as numbers",
    );
    assert.deepEqual(superseded("magento2", ["magento2_product_1_v1", "magento2_product_1_v2"]), [
      "magento2_product_1_v1",
    ]);
  });

  it("keeps an alias that names one complete index, else takes the newest version with documents", () => {
    const docs = new Map([
      ["magento2_product_1_v1", 500],
      ["magento2_product_1_v2", 0],
      ["magento2_product_2_v4", 300],
      ["magento2_product_2_v5", 310],
      ["magento2_product_3_v1", 0],
    ]);
    const aliases = new Map([
      ["magento2_product_1", ["magento2_product_1_v1"]],
      ["magento2_product_2", ["magento2_product_2_v4", "magento2_product_2_v5"]],
    ]);
    const choices = chooseAliasTargets("magento2", docs, aliases);
    assert.deepEqual(
      choices.map((c) => [c.alias, c.target]),
      [
        ["magento2_product_1", "magento2_product_1_v1"],
        ["magento2_product_2", "magento2_product_2_v5"],
        ["magento2_product_3", undefined],
      ],
    );
  });
});

describe("search replication function against a simulated domain", () => {
  let domain: SimSearchDomain;
  let active: string;
  let logs: ReturnType<typeof captureLogs>;
  // Stubbed on the class for this describe only: a stub left on CloudWatchClient would break the
  // files that mock their own client instances when mocha runs them in the same process.
  let cloudwatch: AwsClientStub<CloudWatchClient>;
  before(() => {
    cloudwatch = mockClient(CloudWatchClient);
  });
  after(() => cloudwatch.restore());

  const settings = (): SearchReplicationSettings => ({
    region: STANDBY,
    domainName: "magento-dr-prod-euw1",
    endpoint: domain.url,
    indexPrefix: "magento2",
    leaderAliases: { [HOME]: "leader-us-east-1" },
    timeoutMs: 2000,
  });
  const run = (event?: unknown, overrides: Partial<SearchReplicationSettings> = {}) =>
    createSearchReplicationHandler(
      { ...settings(), ...overrides },
      {
        activeRegion: async () => active,
        headers: async () => ({
          Authorization: `Basic ${Buffer.from("magento:s3cret").toString("base64")}`,
        }),
        cloudwatch: new CloudWatchClient({ region: STANDBY }),
      },
    )(event);
  const metrics = () =>
    cloudwatch
      .commandCalls(PutMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricData ?? [])
      .map((d) => [d.MetricName, d.Value]);

  /** The home domain as the standby's connection sees it: two stores, one rotated once. */
  function homeLeads(): void {
    domain.leaders.set(
      "leader-us-east-1",
      new Map([
        ["magento2_product_1_v2", { docs: 1200, aliases: ["magento2_product_1"] }],
        ["magento2_product_2_v1", { docs: 800, aliases: ["magento2_product_2"] }],
        ["other_index", { docs: 5, aliases: [] }],
      ]),
    );
  }

  beforeEach(async () => {
    domain = new SimSearchDomain();
    await domain.start();
    active = HOME;
    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await domain.stop();
  });

  describe("reconcile (every minute)", () => {
    it("puts the auto-follow rule on the connection to the active region, once", async () => {
      homeLeads();
      const first = await run();
      assert.equal(first.ruleCreated, true);
      assert.deepEqual(domain.writes(), ["POST /_plugins/_replication/_autofollow"]);
      const rule = domain.requests.find((r) => r.method === "POST")!.body;
      assert.deepEqual(rule, {
        leader_alias: "leader-us-east-1",
        name: RULE,
        pattern: "magento2_*",
        use_roles: { leader_cluster_role: "all_access", follower_cluster_role: "all_access" },
      });
      assert.deepEqual([...domain.indices.keys()].sort(), [
        "magento2_product_1_v2",
        "magento2_product_2_v1",
      ]);
      assert.deepEqual(first.problems, []);
      assert.equal(first.following, 2);

      const second = await run();
      assert.equal(second.ruleCreated, false);
      assert.deepEqual(domain.writes(), ["POST /_plugins/_replication/_autofollow"], "idempotent");
      assert.deepEqual(metrics().slice(-3), [
        ["ReplicationHealthy", 1],
        ["ReplicationLagOperations", 0],
        ["FollowingIndices", 2],
      ]);
    });

    it("publishes the lag and alarms (healthy 0) on a paused index or a failed start", async () => {
      homeLeads();
      domain.failing.add("magento2_product_2_v1");
      await run();
      const index = domain.indices.get("magento2_product_1_v2")!;
      index.leaderCheckpoint = 1500;
      index.followerCheckpoint = 1200;
      const lagging = await run();
      assert.equal(lagging.lagOperations, 300);
      assert.match(
        lagging.problems.join("; "),
        /auto-follow could not start: magento2_product_2_v1/,
      );
      index.status = "PAUSED";
      const paused = await run();
      assert.match(paused.problems.join("; "), /not following: magento2_product_1_v2 \(PAUSED\)/);
      assert.match(paused.problems.join("; "), /no index follows the active region/);
      assert.deepEqual(
        metrics()
          .filter(([n]) => n === "ReplicationHealthy")
          .map(([, v]) => v),
        [0, 0, 0],
      );
      assert.deepEqual(
        metrics()
          .filter(([n]) => n === "ReplicationLagOperations")
          .map(([, v]) => v),
        [0, 300, 0],
      );
    });

    it("drops what a rotation on the leader left behind, and nothing that still follows", async () => {
      homeLeads();
      domain.addIndex("magento2_product_1_v1", { docs: 1100, status: "PAUSED" });
      const report = await run();
      assert.deepEqual(report.dropped, ["magento2_product_1_v1"]);
      assert.deepEqual(domain.writes(), [
        "POST /_plugins/_replication/_autofollow",
        "POST /_plugins/_replication/magento2_product_1_v1/_stop",
        "DELETE /magento2_product_1_v1",
      ]);
      assert.ok(domain.indices.has("magento2_product_1_v2"));
      assert.deepEqual(report.problems, []);
    });

    it("in the active region: removes a rule left from following and reports healthy", async () => {
      homeLeads();
      await run();
      active = STANDBY;
      const report = await run();
      assert.equal(report.role, "leader");
      assert.equal(report.ruleDeleted, true);
      assert.equal(domain.rules.size, 0);
      assert.equal(domain.writes().at(-1), "DELETE /_plugins/_replication/_autofollow");
      assert.deepEqual(metrics().at(-1), ["ReplicationHealthy", 1]);
    });

    it("reports a region it has no connection to instead of guessing one", async () => {
      active = "us-west-2";
      const report = await run();
      assert.deepEqual(report.problems, [
        "no connection from eu-west-1 to the active region us-west-2",
      ]);
      assert.equal(logs.lines().at(-1)?.level, "warn", "one structured line says what is wrong");
      assert.deepEqual(domain.writes(), []);
    });

    it("fails the invocation, after the work, when metrics cannot be published", async () => {
      homeLeads();
      cloudwatch.on(PutMetricDataCommand).rejects(new Error("throttled"));
      await assert.rejects(run(), /metrics could not be published/);
      assert.equal(domain.rules.size, 1, "the rule was put all the same");
    });

    it("refuses an unknown action and changes nothing", async () => {
      await assert.rejects(run({ action: "drop-everything" }), BadRequest);
      assert.deepEqual(domain.requests, []);
    });

    it("authenticates: the domain refuses anonymous requests", async () => {
      await assert.rejects(
        createSearchReplicationHandler(settings(), { activeRegion: async () => HOME })(),
        /HTTP 401/,
      );
    });
  });

  describe("promote (scenario 36)", () => {
    it("stops replication on every follower index, removes the rule, settles aliases and counts documents", async () => {
      homeLeads();
      await run();
      // A rotation half-replicated: the new version exists, the alias still names the old one
      // on the follower, and the old one is paused because the leader deleted it.
      domain.addIndex("magento2_product_2_v0", {
        docs: 790,
        aliases: [],
        status: "PAUSED",
      });
      domain.indices.get("magento2_product_2_v1")!.aliases = [];
      domain.indices.get("magento2_product_2_v0")!.aliases = ["magento2_product_2"];
      domain.requests.length = 0;
      active = STANDBY;

      const report = await run({ action: "promote" });

      assert.deepEqual(report.problems, []);
      assert.deepEqual(report.stopped, [
        "magento2_product_1_v2",
        "magento2_product_2_v0",
        "magento2_product_2_v1",
      ]);
      assert.equal(report.ruleDeleted, true);
      assert.deepEqual(
        report.aliases?.map((a) => [a.alias, a.index, a.documents, a.changed]),
        [
          ["magento2_product_1", "magento2_product_1_v2", 1200, false],
          ["magento2_product_2", "magento2_product_2_v0", 790, false],
        ],
      );
      assert.ok(
        [...domain.indices.values()].every((i) => i.status === NOT_IN_PROGRESS),
        "every index is writable",
      );
      assert.deepEqual(domain.writes(), [
        "POST /_plugins/_replication/magento2_product_1_v2/_stop",
        "POST /_plugins/_replication/magento2_product_2_v0/_stop",
        "POST /_plugins/_replication/magento2_product_2_v1/_stop",
        "DELETE /_plugins/_replication/_autofollow",
      ]);
      assert.ok(
        domain.requests.some((r) => r.path === "/magento2_product_1/_count"),
        "documents counted through the alias Magento reads",
      );
    });

    it("points an alias the follower lost at the newest complete index, after replication stopped", async () => {
      homeLeads();
      await run();
      domain.indices.get("magento2_product_1_v2")!.aliases = [];
      domain.requests.length = 0;
      const report = await run({ action: "promote" });
      const aliasCall = domain.requests.find((r) => r.path === "/_aliases");
      assert.deepEqual(aliasCall?.body, {
        actions: [{ add: { index: "magento2_product_1_v2", alias: "magento2_product_1" } }],
      });
      const order = domain.writes();
      assert.ok(
        order.indexOf("POST /_aliases") >
          order.indexOf("POST /_plugins/_replication/magento2_product_1_v2/_stop"),
        "aliases change only once the index no longer follows (metadata write block)",
      );
      assert.deepEqual(report.problems, []);
      assert.equal(domain.indices.get("magento2_product_1_v2")!.aliases[0], "magento2_product_1");
    });

    it("is idempotent: a second run stops nothing and writes nothing", async () => {
      homeLeads();
      await run();
      await run({ action: "promote" });
      domain.requests.length = 0;
      const again = await run({ action: "promote" });
      assert.deepEqual(again.stopped, []);
      assert.equal(again.ruleDeleted, false);
      assert.deepEqual(domain.writes(), []);
      assert.deepEqual(again.problems, []);
    });

    it("reports an empty domain (nothing ever replicated) so the step asks for a reindex", async () => {
      const report = await run({ action: "promote" });
      assert.deepEqual(report.problems, ["no Magento index (magento2_*) on magento-dr-prod-euw1"]);
    });

    it("reports an index without documents", async () => {
      domain.addIndex("magento2_product_1_v1", { docs: 0, aliases: ["magento2_product_1"] });
      const report = await run({ action: "promote" });
      assert.match(report.problems.join("; "), /no product index with documents/);
      assert.match(report.problems.join("; "), /magento2_product_1 has no documents/);
    });
  });

  describe("resync (failback)", () => {
    it("drops the indices that no longer follow, then follows the active region afresh", async () => {
      // The old home after a failover: its indices are stale copies of what it once led.
      domain.addIndex("magento2_product_1_v2", { docs: 1000, aliases: ["magento2_product_1"] });
      domain.addIndex("magento2_product_2_v1", { docs: 700, aliases: ["magento2_product_2"] });
      homeLeads();
      const report: ReplicationReport = await run({ action: "resync" });
      assert.deepEqual(report.dropped, ["magento2_product_1_v2", "magento2_product_2_v1"]);
      assert.equal(report.ruleCreated, true);
      assert.equal(domain.indices.get("magento2_product_1_v2")!.docs, 1200, "a fresh copy");
      assert.equal(domain.indices.get("magento2_product_1_v2")!.status, "SYNCING");
      assert.deepEqual(report.problems, []);
    });

    it("never drops the indices of the active region", async () => {
      domain.addIndex("magento2_product_1_v2", { docs: 1000 });
      active = STANDBY;
      await assert.rejects(run({ action: "resync" }), /eu-west-1 is the active region/);
      assert.deepEqual(domain.writes(), []);
    });
  });
});
