// The domain's internal users for Magento and the search checker, put in place by the replication
// function as the master user, against the simulated domain's security plugin (test/helpers/
// simSearchDomain.ts: basic authentication, roles, role mappings, and every route authorized as
// the OpenSearch action it is; a role that does not grant an action gets 403).
import assert from "node:assert/strict";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { createSearchReplicationHandler } from "../../functions/searchReplication/handler";
import {
  ManagedUser,
  SEARCH_USERNAMES,
  searchUserSpecs,
} from "../../functions/searchReplication/users";
import { basicAuthorization } from "../../functions/searchAuth";
import { probeEndpoint } from "../../functions/searchProbe";
import { SimSearchDomain } from "../helpers/simSearchDomain";
import { captureLogs } from "./fakeAws";

const HOME = "us-east-1";
const STANDBY = "eu-west-1";
const MASTER = { username: "magento", password: "s3cret" };
const MAGENTO_PASSWORD = "Mag3nto-App-Pa55!";
const CHECKER_PASSWORD = "Ch3cker-Pa55#word";

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

describe("search users: Magento and the checker on their own least-privilege users", () => {
  let domain: SimSearchDomain;
  let logs: ReturnType<typeof captureLogs>;
  let passwords: { magento: string; checker: string };
  // Stubbed on the class for this describe only: a stub left on CloudWatchClient would break the
  // files that mock their own client instances when mocha runs them in the same process.
  let cloudwatch: AwsClientStub<CloudWatchClient>;
  before(() => {
    cloudwatch = mockClient(CloudWatchClient);
  });
  after(() => cloudwatch.restore());
  const specs = searchUserSpecs("magento2");

  let authority: () => Promise<string>;
  const handler = (master = MASTER) =>
    createSearchReplicationHandler(
      {
        region: STANDBY,
        domainName: "magento-dr-prod-euw1",
        endpoint: domain.url,
        indexPrefix: "magento2",
        leaderAliases: { [HOME]: "leader-us-east-1" },
        timeoutMs: 2000,
      },
      {
        activeRegion: () => authority(),
        headers: async () => ({ Authorization: basic(master.username, master.password) }),
        users: async (): Promise<ManagedUser[]> => [
          { spec: specs.magento, password: passwords.magento },
          { spec: specs.checker, password: passwords.checker },
        ],
        cloudwatch: new CloudWatchClient({ region: STANDBY }),
      },
    );

  /** One request as a user, the way Magento's client or the checker would send it. */
  async function as(
    who: { username: string; password: string },
    method: string,
    path: string,
    body?: unknown,
  ): Promise<number> {
    const response = await fetch(`${domain.url}${path}`, {
      method,
      headers: {
        authorization: basic(who.username, who.password),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await response.text();
    return response.status;
  }
  const magento = () => ({ username: SEARCH_USERNAMES.magento, password: passwords.magento });
  const checker = () => ({ username: SEARCH_USERNAMES.checker, password: passwords.checker });
  const securityWrites = () =>
    domain.writes().filter((w) => w.includes("/_plugins/_security/api/"));

  beforeEach(async () => {
    domain = new SimSearchDomain(MASTER);
    await domain.start();
    passwords = { magento: MAGENTO_PASSWORD, checker: CHECKER_PASSWORD };
    authority = async () => HOME;
    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await domain.stop();
  });

  it("the users action creates each role, user and mapping, and a second run writes nothing", async () => {
    const report = await handler()({ action: "users" });
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.users, [
      { username: "magento-app", role: "magento_dr_app", changed: ["role", "user", "mapping"] },
      {
        username: "magento-dr-checker",
        role: "magento_dr_checker",
        changed: ["role", "user", "mapping"],
      },
    ]);
    assert.deepEqual(domain.rolesOf("magento-app"), ["magento_dr_app"]);
    assert.deepEqual(domain.roles.get("magento_dr_app")?.index_permissions, [
      { index_patterns: ["magento2_*"], allowed_actions: ["crud", "create_index", "manage"] },
    ]);
    assert.deepEqual(domain.rolesOf("magento-dr-checker"), ["magento_dr_checker"]);

    const before = securityWrites().length;
    const again = await handler()({ action: "users" });
    assert.deepEqual(
      again.users?.map((u) => u.changed),
      [[], []],
    );
    assert.equal(securityWrites().length, before, "nothing written when all is in place");
  });

  it("the users action needs no authority: a deployment puts the users in place during its region's outage", async () => {
    authority = async () => {
      throw new Error("authority table unreachable");
    };
    const report = await handler()({ action: "users" });
    assert.deepEqual(report.problems, []);
    assert.equal(report.activeRegion, undefined);
    assert.deepEqual(domain.rolesOf("magento-app"), ["magento_dr_app"]);
    await assert.rejects(handler()(), /authority table unreachable/, "reconcile still needs it");
  });

  it("Magento's user works on its own indices and nothing else", async () => {
    await handler()({ action: "users" });
    domain.addIndex("other_index", { docs: 3 });
    // What Magento's indexer and storefront do (OpenSearch client: info, health, create, write,
    // search, alias rotation, delete the old version).
    assert.equal(await as(magento(), "GET", "/"), 200);
    assert.equal(await as(magento(), "GET", "/_cluster/health"), 200);
    assert.equal(await as(magento(), "PUT", "/magento2_product_1_v1", {}), 200);
    assert.equal(await as(magento(), "PUT", "/magento2_product_1_v1/_doc/1", { sku: "a" }), 201);
    assert.equal(await as(magento(), "GET", "/magento2_product_1_v1/_search"), 200);
    assert.equal(
      await as(magento(), "POST", "/_aliases", {
        actions: [{ add: { index: "magento2_product_1_v1", alias: "magento2_product_1" } }],
      }),
      200,
    );
    assert.equal(await as(magento(), "GET", "/magento2_product_1/_count"), 200);
    assert.equal(await as(magento(), "PUT", "/magento2_product_1_v2", {}), 200);
    assert.equal(await as(magento(), "DELETE", "/magento2_product_1_v2"), 200);

    // Other indices, cluster settings, the security API and replication: refused.
    assert.equal(await as(magento(), "GET", "/other_index/_search"), 403);
    assert.equal(await as(magento(), "PUT", "/other_index/_doc/1", { x: 1 }), 403);
    assert.equal(await as(magento(), "DELETE", "/other_index"), 403);
    assert.equal(
      await as(magento(), "POST", "/_aliases", {
        actions: [{ add: { index: "other_index", alias: "magento2_product_9" } }],
      }),
      403,
      "an alias cannot reach an index outside the prefix",
    );
    assert.equal(await as(magento(), "PUT", "/_cluster/settings", { persistent: { a: 1 } }), 403);
    assert.equal(await as(magento(), "GET", "/_plugins/_security/api/internalusers/magento"), 403);
    assert.equal(
      await as(magento(), "PUT", "/_plugins/_security/api/rolesmapping/all_access", {
        users: ["magento-app"],
      }),
      403,
    );
    assert.equal(
      await as(magento(), "POST", "/_plugins/_replication/_autofollow", {
        leader_alias: "leader-us-east-1",
        name: "steal",
        pattern: "*",
        use_roles: { leader_cluster_role: "all_access", follower_cluster_role: "all_access" },
      }),
      403,
    );
    assert.equal(domain.indices.get("other_index")?.docs, 3);
  });

  it("the checker's user reads cluster health and cannot write, search or manage anything", async () => {
    await handler()({ action: "users" });
    domain.addIndex("magento2_product_1_v1", { docs: 10 });
    assert.equal(await as(checker(), "GET", "/_cluster/health"), 200);
    assert.equal(await as(checker(), "PUT", "/magento2_product_1_v1/_doc/1", { x: 1 }), 403);
    assert.equal(await as(checker(), "PUT", "/magento2_new", {}), 403);
    assert.equal(await as(checker(), "GET", "/magento2_product_1_v1/_search"), 403);
    assert.equal(await as(checker(), "DELETE", "/magento2_product_1_v1"), 403);
    assert.equal(await as(checker(), "GET", "/_plugins/_security/api/roles/all_access"), 403);
    assert.equal(domain.indices.get("magento2_product_1_v1")?.docs, 10);
  });

  it("the checker's real probe is healthy as its own user, and a dead endpoint without it", async () => {
    await handler()({ action: "users" });
    const options = { timeoutMs: 2000, yellowIs: "healthy" as const };
    const probe = await probeEndpoint(domain.url, {
      ...options,
      headers: basicAuthorization(checker()),
    });
    assert.deepEqual([probe.status, probe.healthy], ["green", true]);
    // Before its user exists (or with a wrong password) every probe fails: this is why the
    // deployment switches the checker only after the users action succeeded.
    const denied = await probeEndpoint(domain.url, {
      ...options,
      headers: basicAuthorization({ ...checker(), password: "Wr0ng-pa55word!" }),
    });
    assert.deepEqual([denied.status, denied.detail], ["http-error", "HTTP 401"]);
  });

  it("a new secret version is put in place on the next run; the old password stops working", async () => {
    await handler()({ action: "users" });
    const old = magento();
    passwords.magento = "N3w-Mag3nto-Pa55!";
    const report = await handler()();
    assert.deepEqual(report.users?.[0], {
      username: "magento-app",
      role: "magento_dr_app",
      changed: ["user"],
    });
    assert.equal(await as(old, "GET", "/_cluster/health"), 401);
    assert.equal(await as(magento(), "GET", "/_cluster/health"), 200);
  });

  it("reconcile puts back a role widened by hand and flags a user mapped to another role", async () => {
    await handler()({ action: "users" });
    domain.roles.set("magento_dr_app", {
      cluster_permissions: ["unlimited"],
      index_permissions: [{ index_patterns: ["*"], allowed_actions: ["unlimited"] }],
    });
    domain.mappings.get("all_access")!.users.push("magento-dr-checker");

    const report = await handler()();
    assert.deepEqual(report.users?.[0].changed, ["role"]);
    assert.deepEqual(domain.roles.get("magento_dr_app")?.cluster_permissions, [
      "cluster_composite_ops",
      "cluster:monitor/main",
      "cluster:monitor/health",
    ]);
    // Another role's mapping is not this function's to rewrite: it is reported, and alarms.
    assert.ok(
      report.problems.includes(
        "search user magento-dr-checker has roles all_access, magento_dr_checker; expected only magento_dr_checker",
      ),
      report.problems.join("\n"),
    );
    const healthy = cloudwatch
      .commandCalls(PutMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricData ?? [])
      .find((d) => d.MetricName === "ReplicationHealthy");
    assert.equal(healthy?.Value, 0);
  });

  it("a user given backend roles by hand is rewritten to the plain user", async () => {
    await handler()({ action: "users" });
    domain.users.get("magento-app")!.backend_roles.push("admins");
    domain.mappings.set("all_access", {
      users: ["magento"],
      backend_roles: ["admins"],
      hosts: [],
    });
    const report = await handler()({ action: "users" });
    assert.deepEqual(report.users?.[0].changed, ["user"]);
    assert.deepEqual(domain.rolesOf("magento-app"), ["magento_dr_app"]);
  });

  it("the users action fails when the users cannot be put in place, naming no secret", async () => {
    await assert.rejects(
      handler({ username: "magento", password: "wrong" })({ action: "users" }),
      (error: Error) => {
        assert.match(
          error.message,
          /search users are not in place: search user magento-app: .*401/,
        );
        assert.ok(!error.message.includes(MAGENTO_PASSWORD));
        return true;
      },
    );
    assert.equal(domain.users.has("magento-app"), false);
  });

  it("no password reaches the log", async () => {
    await handler()({ action: "users" });
    passwords.magento = "R0tated-Pa55word!";
    await handler()();
    const text = JSON.stringify(logs.lines());
    for (const secret of [MAGENTO_PASSWORD, CHECKER_PASSWORD, "R0tated-Pa55word!", "s3cret"]) {
      assert.ok(!text.includes(secret), `the log holds a password`);
    }
    assert.ok(text.includes("magento-app"), "the log names the users");
  });

  it("refuses an index prefix that would widen Magento's pattern", () => {
    assert.throws(() => searchUserSpecs("*"), /index prefix "\*" must be lower-case/);
  });
});
