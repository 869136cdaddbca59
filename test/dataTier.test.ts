// The data tier of both stacks under Pulumi's mocks, and the ownership invariant that keeps a
// failover performed outside Pulumi from being undone by the next deploy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SEARCH_TLS_POLICY } from "../components/search";
import { AUTOMATION_OWNED_PARAMETERS } from "../components/endpoints";
import { replicaMoveWarning } from "../components/media";
import { runProgram } from "../plan/runProgram";
import { readStackConfig } from "../plan/stackConfig";
import { one, ofType, planOf } from "./helpers/plan";

const RDS = "aws:rds/instance:Instance";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";
const TABLE = "aws:dynamodb/table:Table";
const DOMAIN = "aws:opensearch/domain:Domain";
const EFS = "aws:efs/fileSystem:FileSystem";
const REPLICATION = "aws:efs/replicationConfiguration:ReplicationConfiguration";
const PARAMETER = "aws:ssm/parameter:Parameter";
const STATEFUL = [RDS, GROUP, GLOBAL, TABLE, DOMAIN, EFS, REPLICATION, "aws:kms/key:Key"];

describe("data tier: database", () => {
  it("runs the home writer Multi-AZ, encrypted, backed up, with a managed master password", async () => {
    const db = one(await planOf("prod-use1"), RDS);
    const i = db.inputs;
    assert.deepStrictEqual(
      [
        i.engine,
        i.engineVersion,
        i.multiAz,
        i.storageType,
        i.storageEncrypted,
        i.publiclyAccessible,
      ],
      ["mysql", "8.4", true, "gp3", true, false],
    );
    assert.match(i.kmsKeyId, /^arn:aws:kms:us-east-1:/);
    assert.ok(i.backupRetentionPeriod >= 7);
    assert.strictEqual(i.backupWindow, "03:00-04:00");
    assert.strictEqual(i.deletionProtection, true);
    // RDS cannot replicate across regions from a source whose master secret it manages: the
    // password is generated and kept in the shared, replicated db-master secret.
    assert.strictEqual(i.manageMasterUserPassword, undefined);
    assert.strictEqual(i.username, "magento_admin");
    const home = await planOf("prod-use1");
    const masterSecret = home.run.resources.find(
      (r) => r.type === "aws:secretsmanager/secret:Secret" && r.name.endsWith("-db-master"),
    )!;
    assert.deepStrictEqual(masterSecret.inputs.replicas, [{ region: "eu-west-1" }]);
    const version = home.run.resources.find(
      (r) =>
        r.type === "aws:secretsmanager/secretVersion:SecretVersion" &&
        r.name.endsWith("-db-master"),
    )!;
    const stored = JSON.parse(
      String(version.inputs.secretString?.value ?? version.inputs.secretString),
    );
    assert.deepStrictEqual(stored, {
      username: "magento_admin",
      password: i.password?.value ?? i.password,
    });
    assert.strictEqual(stored.password.length, 40);
    assert.match(
      String(home.run.outputs.databaseMasterSecretArn),
      /^arn:aws:secretsmanager:us-east-1:/,
    );
    assert.strictEqual(i.performanceInsightsEnabled, true);
    assert.deepStrictEqual(i.enabledCloudwatchLogsExports, ["error", "slowquery"]);
    assert.strictEqual(db.protect, true);
    const params = one(await planOf("prod-use1"), "aws:rds/parameterGroup:ParameterGroup").inputs
      .parameters;
    assert.ok(
      params.some(
        (p: { name: string; value: string }) =>
          p.name === "log_bin_trust_function_creators" && p.value === "1",
      ),
    );
    // The RPO heartbeat bounds the loss only if the replica keeps the source's commit order.
    assert.ok(
      params.some(
        (p: { name: string; value: string }) =>
          p.name === "replica_preserve_commit_order" && p.value === "1",
      ),
    );
  });

  it("runs the standby as a Multi-AZ cross-region replica of the home writer, encrypted with its own key", async () => {
    const home = await planOf("prod-use1");
    const replica = one(await planOf("prod-euw1"), RDS);
    assert.strictEqual(replica.inputs.replicateSourceDb, home.run.outputs.databaseArn);
    assert.match(String(replica.inputs.replicateSourceDb), /^arn:aws:rds:us-east-1:/);
    assert.strictEqual(replica.inputs.multiAz, true);
    assert.match(replica.inputs.kmsKeyId, /^arn:aws:kms:eu-west-1:/);
    assert.strictEqual(replica.inputs.manageMasterUserPassword, undefined);
    assert.strictEqual(replica.inputs.username, undefined);
    assert.deepStrictEqual(replica.ignoreChanges, ["replicateSourceDb"]);
  });
});

describe("data tier: cache", () => {
  it("makes the home group Multi-AZ, failover-capable, encrypted, with AUTH and a week of snapshots", async () => {
    const plan = await planOf("prod-use1");
    const i = one(plan, GROUP).inputs;
    assert.ok(i.numCacheClusters >= 2);
    assert.deepStrictEqual(
      [
        i.automaticFailoverEnabled,
        i.multiAzEnabled,
        i.atRestEncryptionEnabled,
        i.transitEncryptionEnabled,
      ],
      [true, true, true, true],
    );
    assert.strictEqual(typeof i.authToken, "string");
    assert.ok(i.authToken.length >= 16);
    assert.ok(i.snapshotRetentionLimit >= 7);
    assert.strictEqual(i.engine, "redis");
    const global = one(plan, GLOBAL);
    assert.strictEqual(global.inputs.primaryReplicationGroupId, "magento-dr-prod-use1");
    assert.deepStrictEqual(global.ignoreChanges, ["primaryReplicationGroupId"]);
    assert.strictEqual(global.protect, true);
  });

  it("joins the standby group to the home Global Datastore, setting only what a member may set", async () => {
    const home = await planOf("prod-use1");
    const plan = await planOf("prod-euw1");
    assert.strictEqual(ofType(plan, GLOBAL).length, 0, "the Global Datastore is the home stack's");
    const member = one(plan, GROUP);
    assert.strictEqual(member.inputs.globalReplicationGroupId, home.run.outputs.globalDatastoreId);
    for (const inherited of [
      "engine",
      "engineVersion",
      "nodeType",
      "parameterGroupName",
      "transitEncryptionEnabled",
      "atRestEncryptionEnabled",
      "authToken",
      "numNodeGroups",
    ]) {
      assert.strictEqual(member.inputs[inherited], undefined, `a member must not set ${inherited}`);
    }
    assert.deepStrictEqual(
      [member.inputs.automaticFailoverEnabled, member.inputs.multiAzEnabled],
      [true, true],
    );
    assert.deepStrictEqual(member.ignoreChanges, ["globalReplicationGroupId"]);
  });
});

describe("data tier: sessions table", () => {
  it("is one global table owned by the home stack, with PITR and a key on the table and every replica", async () => {
    const plan = await planOf("prod-use1");
    const table = one(plan, TABLE);
    const i = table.inputs;
    assert.deepStrictEqual(
      [
        i.billingMode,
        i.pointInTimeRecovery.enabled,
        i.serverSideEncryption.enabled,
        i.deletionProtectionEnabled,
        i.ttl.enabled,
      ],
      ["PAY_PER_REQUEST", true, true, true, true],
    );
    assert.strictEqual(i.replicas.length, 1);
    assert.strictEqual(i.replicas[0].regionName, "eu-west-1");
    assert.strictEqual(i.replicas[0].pointInTimeRecovery, true);
    assert.strictEqual(i.replicas[0].deletionProtectionEnabled, true);
    assert.match(i.replicas[0].kmsKeyArn, /^arn:aws:kms:eu-west-1:/);
    const replicaKey = ofType(plan, "aws:kms/key:Key").filter(
      (k) => k.region === "eu-west-1" && k.name.includes("-sessions"),
    );
    assert.strictEqual(
      replicaKey.length,
      1,
      "the home stack creates the replica's key in eu-west-1",
    );
    const standby = await planOf("prod-euw1");
    assert.deepStrictEqual(
      ofType(standby, TABLE).map((t) => t.inputs.name),
      ["magento-dr-authority"],
      "the global table is the home stack's",
    );
    const name = one(standby, PARAMETER, "-sessions-table").inputs.value;
    assert.strictEqual(name, "magento-dr-state");
  });
});

describe("data tier: search", () => {
  it("spreads the domain over three AZs with dedicated masters, encrypted, HTTPS only, fine-grained access", async () => {
    const plan = await planOf("prod-euw1");
    const i = one(plan, DOMAIN).inputs;
    const c = i.clusterConfig;
    assert.deepStrictEqual(
      [
        c.zoneAwarenessEnabled,
        c.zoneAwarenessConfig.availabilityZoneCount,
        c.dedicatedMasterEnabled,
        c.dedicatedMasterCount,
      ],
      [true, 3, true, 3],
    );
    assert.ok(c.instanceCount >= 3);
    assert.strictEqual(i.vpcOptions.subnetIds.length, 3);
    assert.deepStrictEqual(
      [
        i.encryptAtRest.enabled,
        i.nodeToNodeEncryption.enabled,
        i.domainEndpointOptions.enforceHttps,
      ],
      [true, true, true],
    );
    assert.strictEqual(i.domainEndpointOptions.tlsSecurityPolicy, SEARCH_TLS_POLICY);
    assert.strictEqual(i.advancedSecurityOptions.enabled, true);
    assert.strictEqual(i.advancedSecurityOptions.internalUserDatabaseEnabled, true);
    // Unsigned basic-auth requests reach FGAC: the policy names no IAM principal (AWS's
    // recommended policy with fine-grained access control), on this domain's subresources only.
    const policy = JSON.parse(i.accessPolicies);
    assert.deepStrictEqual(policy.Statement[0], {
      Sid: "FineGrainedAccessControlDecides",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "es:ESHttp*",
      Resource: `arn:aws:es:eu-west-1:123456789012:domain/${i.domainName}/*`,
    });
    assert.deepStrictEqual(
      i.logPublishingOptions.map((o: { logType: string }) => o.logType).sort(),
      ["AUDIT_LOGS", "ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"],
    );
    const searchLogs = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").filter((g) =>
      g.inputs.name?.startsWith("/aws/opensearch/"),
    );
    assert.strictEqual(searchLogs.length, 4);
    assert.ok(searchLogs.every((g) => g.inputs.retentionInDays === 30));
  });
});

describe("data tier: search replication", () => {
  const OUTBOUND = "aws:opensearch/outboundConnection:OutboundConnection";
  const ACCEPTER = "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter";

  it("the standby follows the home domain over a DIRECT connection the home region accepts", async () => {
    const home = await planOf("prod-use1");
    const standby = await planOf("prod-euw1");
    assert.deepStrictEqual(
      ofType(home, OUTBOUND),
      [],
      "the home stack reads nothing of the standby",
    );
    const follow = one(standby, OUTBOUND, "follow-home-connection");
    assert.strictEqual(follow.region, "eu-west-1");
    assert.strictEqual(follow.inputs.connectionMode, "DIRECT");
    assert.strictEqual(follow.inputs.connectionAlias, "leader-us-east-1");
    assert.deepStrictEqual(follow.inputs.localDomainInfo, {
      ownerId: "123456789012",
      region: "eu-west-1",
      domainName: "magento-dr-prod-euw1",
    });
    assert.deepStrictEqual(follow.inputs.remoteDomainInfo, {
      ownerId: "123456789012",
      region: "us-east-1",
      domainName: home.run.outputs.searchDomainName,
    });
    const accept = one(standby, ACCEPTER, "follow-home-accept");
    assert.strictEqual(accept.region, "us-east-1", "accepted on the leader's side");
    assert.strictEqual(accept.parent, follow.parent);
  });

  it("the standby also owns the way back: the home domain follows it after a failover", async () => {
    const standby = await planOf("prod-euw1");
    const back = one(standby, OUTBOUND, "home-follows-connection");
    assert.strictEqual(back.region, "us-east-1");
    assert.strictEqual(back.inputs.connectionAlias, "leader-eu-west-1");
    assert.strictEqual(back.inputs.localDomainInfo.domainName, "magento-dr-prod-use1");
    assert.strictEqual(one(standby, ACCEPTER, "home-follows-accept").region, "eu-west-1");
  });

  it("every domain lets its followers read it (es:ESCrossClusterGet on the domain, not /*)", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const i = one(await planOf(stack), DOMAIN).inputs;
      const statement = JSON.parse(i.accessPolicies).Statement.find(
        (s: { Action: string }) => s.Action === "es:ESCrossClusterGet",
      );
      assert.match(
        statement.Resource,
        /^arn:aws:es:[a-z0-9-]+:123456789012:domain\/magento-dr-prod-[a-z0-9]+$/,
      );
      assert.strictEqual(statement.Principal.AWS, "*");
    }
  });

  it("refuses a standby on another major version than the home domain, naming both", async () => {
    await assert.rejects(
      planOf("prod-euw1", ["searchEngineVersion=OpenSearch_1.3"]),
      /searchEngineVersion = OpenSearch_1.3 cannot follow the home domain: follower OpenSearch_1.3 and leader OpenSearch_2.13 are not on the same major version/,
    );
  });
});

describe("data tier: media", () => {
  it("replicates the home file system to the standby, which mounts the replica", async () => {
    const home = await planOf("prod-use1");
    const fs = one(home, EFS);
    assert.deepStrictEqual(
      [fs.inputs.encrypted, fs.inputs.availabilityZoneName],
      [true, undefined],
    );
    assert.strictEqual(
      one(home, "aws:efs/backupPolicy:BackupPolicy").inputs.backupPolicy.status,
      "ENABLED",
    );
    const replication = one(home, REPLICATION);
    // The replica gets a customer key of its own region at creation (it cannot change later).
    const replicaKey = one(home, "aws:kms/key:Key", "-media-replica-key");
    assert.deepStrictEqual(
      [replicaKey.region, replicaKey.inputs.enableKeyRotation, replicaKey.protect],
      ["eu-west-1", true, true],
    );
    assert.strictEqual(replication.inputs.destination.region, "eu-west-1");
    assert.match(replication.inputs.destination.kmsKeyId, /^arn:aws:kms:eu-west-1:/);
    assert.deepStrictEqual(replication.ignoreChanges, ["destination", "sourceFileSystemId"]);

    const standby = await planOf("prod-euw1");
    assert.strictEqual(ofType(standby, EFS).length, 0);
    const mounts = ofType(standby, "aws:efs/mountTarget:MountTarget");
    assert.strictEqual(mounts.length, 3);
    assert.ok(
      mounts.every((m) => m.inputs.fileSystemId === home.run.outputs.mediaReplicaFileSystemId),
    );
    const accessPoint = one(standby, "aws:efs/accessPoint:AccessPoint");
    assert.strictEqual(accessPoint.inputs.rootDirectory.path, "/magento/pub/media");
    // Named by the home stack: a later id from there never moves the mounts (the engine test
    // "keeps the standby on its media file system" shows the engine honouring it).
    for (const r of [...mounts, accessPoint]) {
      assert.deepStrictEqual(r.ignoreChanges, ["fileSystemId"], r.name);
    }
  });
});

describe("data tier: media after a failover", () => {
  it("keeps the standby on its pinned file system whatever the home stack now replicates to", async () => {
    const plan = await planOf("prod-euw1", ["mediaReplicaFileSystemId=fs-0123456789abcdef0"]);
    const mounts = ofType(plan, "aws:efs/mountTarget:MountTarget");
    assert.ok(mounts.every((m) => m.inputs.fileSystemId === "fs-0123456789abcdef0"));
    // The operator's pin is a deliberate choice: changing it moves the mounts.
    assert.ok(mounts.every((m) => m.ignoreChanges.length === 0));
    const orchestrator = one(plan, "aws:lambda/function:Function", "-failover-orchestrator-fn");
    const settings = JSON.parse(orchestrator.inputs.environment.variables.FAILOVER_SETTINGS);
    assert.strictEqual(settings.media.fileSystemId, "fs-0123456789abcdef0");
  });

  it("tells the operator the standby stayed, and what to set, when the home names another replica", () => {
    assert.strictEqual(replicaMoveWarning("s-media", "fs-1", "fs-1"), undefined);
    assert.strictEqual(replicaMoveWarning("s-media", undefined, "fs-2"), undefined);
    const warning = replicaMoveWarning("s-media", "fs-1", "fs-2")!;
    assert.match(warning, /stays on media file system fs-1; the home stack now names fs-2/);
    assert.match(warning, /Set magento-dr:mediaReplicaFileSystemId=fs-1 to keep it/);
    assert.match(warning, /or set it to fs-2 to move/);
  });
});

describe("data tier: endpoints for Magento", () => {
  it("publishes every endpoint the bootstrap reads, pointing at local resources in the standby", async () => {
    const plan = await planOf("prod-euw1");
    const parameters = new Map(ofType(plan, PARAMETER).map((p) => [p.inputs.name, p]));
    const value = (key: string) => parameters.get(`/magento-dr/prod-euw1/${key}`)?.inputs.value;
    for (const key of [
      "db/writer-host",
      "db/reader-host",
      "cache/primary-host",
      "cache/reader-host",
      "search/endpoint",
    ]) {
      assert.match(String(value(key)), /eu-west-1/, `${key} must be local to eu-west-1`);
    }
    assert.match(String(value("db/secret-arn")), /^arn:aws:secretsmanager:eu-west-1:/);
    assert.strictEqual(value("active-region"), "us-east-1");
    assert.strictEqual(value("epoch"), "0");
    for (const key of AUTOMATION_OWNED_PARAMETERS) {
      assert.deepStrictEqual(
        parameters.get(`/magento-dr/prod-euw1/${key}`)?.ignoreChanges,
        ["value"],
        key,
      );
    }
    assert.deepStrictEqual(
      parameters.get("/magento-dr/prod-euw1/db/writer-host")?.ignoreChanges,
      [],
    );
    // The architecture page's ownership section names exactly this list.
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "architecture.md"), "utf8");
    const documented = /the SSM\s+parameters the automation owns \(([^)]*)\)/.exec(doc)?.[1];
    assert.ok(documented, "docs/architecture.md lists the automation-owned parameters");
    assert.deepStrictEqual(
      [...documented.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      AUTOMATION_OWNED_PARAMETERS,
    );
  });

  it("reads the shared secrets from their replicas in the standby region", async () => {
    const home = (await planOf("prod-use1")).run.outputs;
    const standby = await planOf("prod-euw1");
    const crypt = one(standby, PARAMETER, "-app-crypt-key-secret-arn").inputs.value;
    assert.strictEqual(crypt, String(home.cryptKeySecretArn).replace(":us-east-1:", ":eu-west-1:"));
    const secrets = ofType(await planOf("prod-use1"), "aws:secretsmanager/secret:Secret").filter(
      (s) => s.inputs.replicas?.length,
    );
    assert.strictEqual(secrets.length, 4, "crypt key, cache auth, db user, db master");
    assert.ok(secrets.every((s) => s.inputs.replicas[0].region === "eu-west-1"));
  });
});

describe("data tier: ownership invariant", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: every stateful resource is protected with protect=true and none with protect=false`, async () => {
      const stateful = (await planOf(stack)).run.resources.filter((r) => STATEFUL.includes(r.type));
      assert.ok(stateful.length >= (stack === "prod-use1" ? 8 : 4));
      assert.deepStrictEqual(
        stateful.filter((r) => !r.protect).map((r) => r.name),
        [],
      );
      const unprotected = (await planOf(stack, ["protect=false"])).run.resources.filter((r) =>
        STATEFUL.includes(r.type),
      );
      assert.deepStrictEqual(
        unprotected.filter((r) => r.protect).map((r) => r.name),
        [],
      );
      assert.strictEqual(
        one(await planOf(stack, ["protect=false"]), RDS).inputs.deletionProtection,
        false,
      );
    });
  }

  it("the home stack creates the global singletons whatever activeRegion says", async () => {
    for (const overrides of [[], ["activeRegion=eu-west-1"]]) {
      const plan = await planOf("prod-use1", overrides);
      assert.strictEqual(ofType(plan, GLOBAL).length, 1);
      assert.strictEqual(ofType(plan, TABLE).length, 1);
      assert.strictEqual(ofType(plan, REPLICATION).length, 1);
      assert.strictEqual(
        one(plan, "aws:route53/record:Record", "-dns-primary").inputs.failoverRoutingPolicies[0]
          .type,
        "PRIMARY",
      );
    }
  });

  it("a standby whose home stack lacks the database output fails naming the output and the stack", async () => {
    const { project, config } = readStackConfig("prod-euw1");
    const { databaseArn: _omitted, ...incomplete } = (await planOf("prod-use1")).run.outputs;
    await assert.rejects(
      runProgram({
        project,
        stack: "prod-euw1",
        config,
        peerStacks: { "acme/magento-dr/prod-use1": incomplete },
      }),
      /home stack acme\/magento-dr\/prod-use1 has no output "databaseArn"/,
    );
  });
});
