// The instance bootstrap, run for real: bash and shellcheck on the script, PHP on the renderer,
// and `magento-dr sync` end to end against a fake `aws` CLI (the only part that needs AWS) that
// answers from files the test writes, and a fake `systemctl` that records reloads.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import {
  BOOTSTRAP_SCRIPT,
  ENV_LITERAL,
  ENV_RENDERER,
  packUserData,
  HEARTBEAT_WRITER,
  renderUserData,
  SESSION_MODULE,
  shippedText,
  USER_DATA_LIMIT_BYTES,
} from "../components/bootstrap/userData";
import { requireCommands } from "./helpers/localTools";
import { SESSION_KEY_PREFIX, TTL_ATTRIBUTE } from "../components/sessions";

import { PREFIX, sandboxPool, type Sandbox } from "./helpers/bootstrapSandbox";

describe("instance bootstrap", function () {
  before(() => requireCommands(["bash", "shellcheck", "php"]));
  this.timeout(30000);
  const fresh = sandboxPool();

  it("passes bash -n and shellcheck; the renderer passes php -l", () => {
    execFileSync("bash", ["-n", BOOTSTRAP_SCRIPT]);
    execFileSync("shellcheck", ["--severity=style", BOOTSTRAP_SCRIPT]);
    execFileSync("php", ["-l", ENV_RENDERER]);
    execFileSync("php", ["-l", HEARTBEAT_WRITER]);
  });

  it("renders a valid env.php with the region's endpoints and reloads PHP-FPM once", () => {
    const s = fresh();
    const { status, stderr } = s.run();
    assert.strictEqual(status, 0, stderr);
    const envPhp = path.join(s.root, "app/etc/env.php");
    execFileSync("php", ["-l", envPhp]);
    const rendered = JSON.parse(
      execFileSync("php", ["-r", "echo json_encode(require $argv[1]);", envPhp]).toString(),
    );
    assert.strictEqual(
      rendered.db.connection.default.host,
      "db-writer.eu-west-1.rds.amazonaws.com",
    );
    assert.strictEqual(
      rendered.db.slave_connection.default.host,
      "db-reader.eu-west-1.rds.amazonaws.com",
    );
    assert.strictEqual(rendered.db.connection.default.password, `pa'ss"\\word$`);
    assert.strictEqual(rendered.session.redis.host, "tls://master.cache-euw1.cache.amazonaws.com");
    assert.strictEqual(
      rendered.cache.frontend.default.backend_options.server,
      "tls://master.cache-euw1.cache.amazonaws.com",
    );
    assert.strictEqual(rendered.cache.frontend.page_cache.backend_options.database, "1");
    assert.strictEqual(
      rendered.system.default.catalog.search.opensearch_server_hostname,
      "https://vpc-search-euw1.eu-west-1.es.amazonaws.com",
    );
    assert.strictEqual(rendered.crypt.key, "0123456789abcdef0123456789abcdef");
    assert.ok(
      rendered.install.date,
      "Magento treats an env.php without install.date as not installed",
    );
    assert.strictEqual(rendered.cache_types.full_page, 1);
    assert.deepStrictEqual(
      Object.keys(rendered.db.connection.default.driver_options).map(Number),
      [1009, 1014],
      "PDO::MYSQL_ATTR_SSL_CA and PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT (mysqlnd)",
    );
    assert.strictEqual(s.reloads(), 1);
  });

  it("fences a region that is not active: maintenance on, no cron; unfences it on promotion", () => {
    const s = fresh();
    const flag = path.join(s.root, "var/.maintenance.flag");
    const cron = path.join(s.dir, "state", "magento-cron-enabled");
    assert.strictEqual(s.run().status, 0);
    assert.ok(fs.existsSync(flag), "standby runs in maintenance mode");
    assert.ok(!fs.existsSync(cron), "standby runs no Magento cron");

    s.setParameter("active-region", "eu-west-1");
    s.setParameter("epoch", "2");
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(flag));
    assert.ok(fs.existsSync(cron));
    assert.match(
      fs.readFileSync(path.join(s.dir, "systemctl.log"), "utf8"),
      /^enable --now magento-cron.timer$/m,
    );
  });

  /** The authority item as `aws dynamodb get-item --query ... --output text` prints it. */
  const authoritySays = (s: Sandbox, active: string, serving: string, untilMs: number) =>
    fs.writeFileSync(path.join(s.aws, "authority"), `${active}\t${serving}\t${untilMs}\n`);
  const withAuthority = (s: Sandbox) =>
    fs.appendFileSync(
      s.env.MAGENTO_DR_ENV!,
      "\nAUTHORITY_TABLE=magento-dr-authority\nAUTHORITY_REGION=us-west-2\n",
    );

  it("follows the authority table over its own stale parameter while it holds the serving lease", () => {
    const s = fresh();
    withAuthority(s);
    const flag = path.join(s.root, "var/.maintenance.flag");
    // The local parameter still names us-east-1 (written before the outage); the authority moved on.
    authoritySays(s, "eu-west-1", "eu-west-1", Date.now() + 100_000);
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(flag), "the authority says eu-west-1 is active and serving");
    // Active by the authority but no serving lease (not yet renewed): no writes.
    authoritySays(s, "eu-west-1", "None", 0);
    assert.strictEqual(s.run().status, 0);
    assert.ok(fs.existsSync(flag), "no confirmed serving lease: maintenance");
  });

  it("scenario 29: cut off from the authority, it stops taking writes when its serving lease runs out (fail closed)", () => {
    const s = fresh();
    withAuthority(s);
    s.setParameter("active-region", "eu-west-1");
    const flag = path.join(s.root, "var/.maintenance.flag");
    const cron = path.join(s.dir, "state", "magento-cron-enabled");
    // 7 s past the 5 s margin: room for the two runs below on a loaded machine (3 s was not).
    const until = Date.now() + 12_000;
    authoritySays(s, "eu-west-1", "eu-west-1", until);
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(flag) && fs.existsSync(cron), "serving");
    // The authority region becomes unreachable; shoppers still reach this region.
    fs.rmSync(path.join(s.aws, "authority"));
    const kept = s.run();
    assert.strictEqual(kept.status, 0);
    assert.match(kept.stderr, /"event":"authority-unreadable"/);
    assert.ok(!fs.existsSync(flag), "keeps serving while the confirmed lease lasts");
    // The lease runs out (less the 5 s skew margin): maintenance on and cron off on its own,
    // although its own parameters still name it active. The standby may take over only at
    // until + 10 s (authority.ts SERVING_SKEW_MS): the two never overlap.
    execFileSync("sleep", [String(Math.max(0, (until - 5_000 - Date.now()) / 1000) + 0.2)]);
    const fenced = s.run();
    assert.strictEqual(fenced.status, 0, fenced.stderr);
    assert.ok(fs.existsSync(flag), "maintenance on");
    assert.ok(!fs.existsSync(cron), "Magento cron stopped");
    assert.match(
      fs.readFileSync(path.join(s.dir, "systemctl.log"), "utf8"),
      /^disable --now magento-cron.timer$/m,
    );
    // Every read failing too (SSM and the table): still fenced, never unfenced by default.
    s.setParameter("active-region", "");
    const blind = s.run();
    assert.notStrictEqual(blind.status, 0);
    assert.match(blind.stderr, /fenced \(fail closed\)/);
    assert.ok(fs.existsSync(flag));
  });

  it("asks Magento for a search reindex once per request, only where Magento serves", () => {
    const s = fresh();
    const log = () => fs.readFileSync(path.join(s.dir, "systemctl.log"), "utf8");
    const resets = () =>
      log()
        .split("\n")
        .filter((l) => l === "start magento-search-reset.service");
    s.setParameter("search/reindex-requested", "7");
    assert.strictEqual(s.run().status, 0);
    assert.deepStrictEqual(resets(), [], "a standby (us-east-1 active) never reindexes");
    s.setParameter("active-region", "eu-west-1");
    const { status, stderr } = s.run();
    assert.strictEqual(status, 0);
    assert.match(
      stderr,
      /"event":"search-reset","detail":"catalogsearch_fulltext marked invalid for request 7"/,
    );
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(resets().length, 1, "once per request");
    s.setParameter("search/reindex-requested", "8");
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(resets().length, 2, "a newer promotion's request is honoured");
  });

  it("stays in maintenance while the fence says so, even in the active region", () => {
    const s = fresh();
    const flag = path.join(s.root, "var/.maintenance.flag");
    s.setParameter("active-region", "eu-west-1");
    s.setParameter("maintenance", "on");
    assert.strictEqual(s.run().status, 0);
    assert.ok(fs.existsSync(flag));
    const cron = path.join(s.dir, "state", "magento-cron-enabled");
    assert.ok(!fs.existsSync(cron));
    s.setParameter("maintenance", "off");
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(flag));
    assert.ok(fs.existsSync(cron));
    s.setParameter("maintenance", "on");
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(cron), "fencing stops Magento cron");
    assert.match(
      fs.readFileSync(path.join(s.dir, "systemctl.log"), "utf8"),
      /^disable --now magento-cron.timer$/m,
    );
  });

  it("keeps the current role when the active region cannot be read", () => {
    const s = fresh();
    s.setParameter("active-region", "eu-west-1");
    assert.strictEqual(s.run().status, 0);
    const cron = path.join(s.dir, "state", "magento-cron-enabled");
    assert.ok(fs.existsSync(cron));
    s.setParameter("active-region", "");
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.match(stderr, /"event":"role-unknown"/);
    assert.ok(fs.existsSync(cron), "a failed read must not fence a serving region");
    assert.ok(!fs.existsSync(path.join(s.root, "var/.maintenance.flag")));
  });

  it("keeps what setup:install wrote and fills what Magento needs", () => {
    const s = fresh();
    fs.writeFileSync(
      path.join(s.root, "app/etc/env.php"),
      "<?php return ['install' => ['date' => 'Mon, 02 Nov 2026 10:00:00 +0000'], 'cache_types' => ['config' => 0], 'db' => ['connection' => ['default' => ['host' => 'stale']]]];",
    );
    assert.strictEqual(s.run().status, 0);
    const envPhp = path.join(s.root, "app/etc/env.php");
    const rendered = JSON.parse(
      execFileSync("php", ["-r", "echo json_encode(require $argv[1]);", envPhp]).toString(),
    );
    assert.strictEqual(rendered.install.date, "Mon, 02 Nov 2026 10:00:00 +0000");
    assert.deepStrictEqual(
      rendered.cache_types,
      { config: 0 },
      "an operator's cache settings are kept",
    );
    assert.strictEqual(
      rendered.db.connection.default.host,
      "db-writer.eu-west-1.rds.amazonaws.com",
      "endpoints are ours",
    );
    assert.deepStrictEqual(rendered.downloadable_domains, ["shop.example.com"]);
    assert.strictEqual(rendered.directories.document_root_is_pub, true);
  });

  it("re-renders and reloads only when an endpoint changes", () => {
    const s = fresh();
    s.run();
    s.run();
    assert.strictEqual(s.reloads(), 1, "unchanged parameters must not reload PHP-FPM");
    s.setParameter("cache/primary-host", "replica-now-primary.cache.amazonaws.com");
    s.run();
    assert.strictEqual(s.reloads(), 2);
    assert.match(
      fs.readFileSync(path.join(s.root, "app/etc/env.php"), "utf8"),
      /replica-now-primary/,
    );
  });

  it("the cache fallback: Magento on its local file cache and database sessions, then back on Redis", () => {
    const s = fresh();
    s.setParameter("cache/primary-host", "local");
    const { status, stderr } = s.run();
    assert.strictEqual(status, 0, stderr);
    const envPhp = path.join(s.root, "app/etc/env.php");
    const read = () =>
      JSON.parse(
        execFileSync("php", ["-r", "echo json_encode(require $argv[1]);", envPhp]).toString(),
      );
    const fallback = read();
    assert.deepStrictEqual(fallback.session, { save: "db" });
    assert.deepStrictEqual(fallback.cache.frontend, [], "Magento's default: its file cache");
    assert.doesNotMatch(fs.readFileSync(envPhp, "utf8"), /Backend\\\\Redis|tls:\/\/local/);
    s.setParameter("cache/primary-host", "master.cache-euw1.cache.amazonaws.com");
    s.run();
    const back = read();
    assert.strictEqual(back.session.save, "redis");
    assert.strictEqual(
      back.cache.frontend.default.backend_options.server,
      "tls://master.cache-euw1.cache.amazonaws.com",
    );
    assert.strictEqual(s.reloads(), 2);
  });

  it("keeps the working env.php when an input is missing, and says so", () => {
    const s = fresh();
    s.run();
    const envPhp = path.join(s.root, "app/etc/env.php");
    const before = fs.readFileSync(envPhp, "utf8");
    s.setParameter("db/writer-host", "");
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.match(stderr, /parameter \/magento-dr\/prod-euw1\/db\/writer-host is missing/);
    assert.match(stderr, /"event":"render-failed"/);
    assert.strictEqual(fs.readFileSync(envPhp, "utf8"), before);
    assert.strictEqual(s.reloads(), 1);
  });

  it("packs the script, the renderer and the session module into user data, gzip'd under EC2's 16 KiB with room left", async () => {
    const userData = await new Promise<string>((resolve) =>
      renderUserData({
        project: "magento-dr",
        stack: "prod-euw1",
        region: "eu-west-1",
        parameterPath: PREFIX,
        fileSystemId: "fs-0123456789abcdef0",
        accessPointId: "fsap-0123456789abcdef0",
        authorityTable: "magento-dr-authority",
        authorityRegion: "eu-west-1",
        endpointAllowlist: {
          "db/writer-host": ["db.rds.amazonaws.com"],
          "db/reader-host": ["db.rds.amazonaws.com"],
          "cache/primary-host": ["master.cache.amazonaws.com"],
          "cache/reader-host": ["replica.cache.amazonaws.com"],
          "search/endpoint": ["vpc-search.es.amazonaws.com", "vpc-search-2.es.amazonaws.com"],
        },
      }).apply(resolve),
    );
    // What the launch template carries, and what cloud-init gets back from it.
    const packed = Buffer.from(packUserData(userData), "base64");
    assert.deepStrictEqual(
      [...packed.subarray(0, 2)],
      [0x1f, 0x8b],
      "gzip, which cloud-init detects",
    );
    assert.strictEqual(zlib.gunzipSync(packed).toString(), userData);
    // A quarter of the limit left for the files to grow (about 10.5 KB of 16 KiB on 29 Nov 2026).
    assert.ok(packed.length <= 0.75 * USER_DATA_LIMIT_BYTES, `${packed.length} bytes gzip'd`);
    assert.throws(
      () => packUserData(crypto.randomBytes(20 * 1024).toString("hex")),
      /user data is \d+ bytes gzip'd \(40960 plain\); EC2 accepts at most 16384/,
    );
    const s = fresh();
    const file = path.join(s.dir, "user-data.sh");
    fs.writeFileSync(file, userData);
    execFileSync("bash", ["-n", file]);
    assert.match(userData, /^SESSION_MODULE_SRC='\/usr\/local\/lib\/magento-dr\/session-module'$/m);
    // Unpack the payload the way the instance does, under a scratch root, and compare every file.
    const payload = /\nbash -euo pipefail <<'MAGENTO_DR_PAYLOAD'\n([^]*?)MAGENTO_DR_PAYLOAD\n/.exec(
      userData,
    );
    assert.ok(payload, "the user data carries the payload");
    const destdir = path.join(s.dir, "unpacked");
    const unpack = spawnSync("bash", ["-euo", "pipefail"], {
      input: payload[1],
      env: { ...process.env, DESTDIR: destdir },
      encoding: "utf8",
    });
    assert.strictEqual(unpack.status, 0, unpack.stderr);
    const same = (installed: string, source: string) =>
      assert.strictEqual(
        fs.readFileSync(path.join(destdir, installed), "utf8"),
        shippedText(source),
        installed,
      );
    same("usr/local/bin/magento-dr", BOOTSTRAP_SCRIPT);
    assert.strictEqual(
      fs.statSync(path.join(destdir, "usr/local/bin/magento-dr")).mode & 0o777,
      0o755,
    );
    same("usr/local/lib/magento-dr/render-env.php", ENV_RENDERER);
    same("usr/local/lib/magento-dr/env-literal.php", ENV_LITERAL);
    same("usr/local/lib/magento-dr/heartbeat.php", HEARTBEAT_WRITER);
    assert.ok(
      userData.includes(
        '"search/endpoint":["vpc-search.es.amazonaws.com","vpc-search-2.es.amazonaws.com"]',
      ),
      "the allowlist is rendered into the launch template",
    );
    const files = moduleFiles();
    assert.ok(files.length > 0);
    for (const f of files) {
      same(`usr/local/lib/magento-dr/session-module/${f}`, path.join(SESSION_MODULE, f));
    }
    assert.match(userData, /\nexec \/usr\/local\/bin\/magento-dr boot\n$/);
  });

  it("ignores a tampered endpoint parameter: keeps env.php, no reload, logs and publishes the alarm metric", () => {
    const s = fresh();
    assert.strictEqual(s.run().status, 0);
    const envPhp = path.join(s.root, "app/etc/env.php");
    const before = fs.readFileSync(envPhp, "utf8");
    for (const [name, value] of [
      ["search/endpoint", "attacker.example.com"],
      ["db/writer-host", "DB-WRITER.eu-west-1.rds.amazonaws.com.attacker.example"],
      ["cache/primary-host", "10.0.0.66"],
    ]) {
      const original = before.includes(value) ? "" : undefined;
      assert.strictEqual(original, undefined);
      const s2 = fresh();
      assert.strictEqual(s2.run().status, 0);
      const good = fs.readFileSync(path.join(s2.root, "app/etc/env.php"), "utf8");
      s2.setParameter(name, value);
      s2.setParameter("epoch", "7");
      const { status, stderr } = s2.run();
      assert.notStrictEqual(status, 0, `${name}=${value} must be refused`);
      assert.match(stderr, /"event":"endpoint-rejected"/);
      assert.ok(stderr.includes(`${PREFIX}${name}`), stderr);
      assert.strictEqual(fs.readFileSync(path.join(s2.root, "app/etc/env.php"), "utf8"), good);
      assert.strictEqual(s2.reloads(), 1, "no reload onto a redirected endpoint");
      assert.deepStrictEqual(s2.metrics(), [
        "--region eu-west-1 --namespace MagentoDR/Instances --metric-name EndpointRejected --dimensions Stack=prod-euw1 --value 1 --unit Count",
      ]);
    }
    // A host of the allowlist in another case is the same host.
    s.setParameter("db/reader-host", "DB-READER.eu-west-1.rds.amazonaws.com");
    assert.strictEqual(s.run().status, 0);
    assert.deepStrictEqual(s.metrics(), []);
  });

  it("never executes the current env.php: code in it is refused, not run", () => {
    const s = fresh();
    const marker = path.join(s.dir, "pwned");
    const envPhp = path.join(s.root, "app/etc/env.php");
    const hostile = `<?php file_put_contents(${JSON.stringify(marker)}, 'root'); return ['install' => ['date' => 'x']];`;
    fs.writeFileSync(envPhp, hostile);
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.ok(!fs.existsSync(marker), "the renderer ran code from env.php");
    assert.match(stderr, /not plain data/);
    assert.strictEqual(fs.readFileSync(envPhp, "utf8"), hostile, "nothing rendered over it");
  });

  it("never reads or writes through a symlink in the web-writable tree", () => {
    const s = fresh();
    const secret = path.join(s.dir, "root-only.php");
    fs.writeFileSync(secret, "<?php return ['install' => ['date' => 'root-secret']];");
    const envPhp = path.join(s.root, "app/etc/env.php");
    fs.symlinkSync(secret, envPhp);
    const victim = path.join(s.dir, "created-by-root");
    fs.symlinkSync(victim, path.join(s.root, "var/.maintenance.flag"));
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.match(stderr, /"event":"env-unreadable"/);
    assert.ok(fs.lstatSync(envPhp).isSymbolicLink(), "no env.php rendered from a symlinked one");
    assert.strictEqual(
      fs.readFileSync(secret, "utf8"),
      "<?php return ['install' => ['date' => 'root-secret']];",
    );
    assert.ok(!fs.existsSync(victim), "the maintenance flag was created through a symlink");
    assert.ok(fs.lstatSync(path.join(s.root, "var/.maintenance.flag")).isFile());
  });

  it("reads env.php as data: var_export output, Magento's short arrays and PDO constants", () => {
    const php = (code: string, ...args: string[]) =>
      spawnSync("php", ["-r", `require ${JSON.stringify(ENV_LITERAL)}; ${code}`, "--", ...args], {
        encoding: "utf8",
      });
    const value = {
      a: ["x", "it's", 'q"uote\\', 1, -2, 1.5, true, false, null],
      nested: { "0": "zero", key: { deep: "" } },
    };
    const roundTrip = php(
      `$v = json_decode(${JSON.stringify(JSON.stringify(value))}, true); echo json_encode(EnvLiteral::parse("<?php\nreturn " . var_export($v, true) . ";\n"));`,
    );
    assert.strictEqual(roundTrip.status, 0, roundTrip.stderr);
    assert.deepStrictEqual(JSON.parse(roundTrip.stdout), value);
    const pdo = php(
      `echo json_encode(EnvLiteral::parse("<?php return ['driver_options' => [\\PDO::MYSQL_ATTR_SSL_CA => '/ca.pem', 'n' => array(1, 2,)]];"));`,
    );
    assert.strictEqual(pdo.status, 0, pdo.stderr);
    assert.deepStrictEqual(Object.values(JSON.parse(pdo.stdout).driver_options), [
      "/ca.pem",
      [1, 2],
    ]);
    for (const hostile of [
      "<?php return [system('id')];",
      "<?php return ['a' => $x];",
      "<?php return ['a' => \"$x\"];",
      "<?php return ['a' => PHP_VERSION];",
      "<?php return ['a' => 1 + 1];",
      "<?php return []; echo 1;",
      "<?php return ['a' => <<<X\nfoo\nX];",
      "<?php return 'not an array';",
    ]) {
      const result = php(
        `try { EnvLiteral::parse($argv[1]); echo "accepted"; } catch (UnexpectedValueException $e) { echo "refused"; }`,
        hostile,
      );
      assert.strictEqual(result.stdout, "refused", hostile);
    }
  });
});

// The DynamoDB session module (components/bootstrap/session-module): selected in env.php once
// Magento knows it, installed by the bootstrap, and wired to the settings env.php carries.

function moduleFiles(dir = SESSION_MODULE): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

function withSessionParameters(s: Sandbox, store = "dynamodb"): void {
  s.setParameter("sessions/store", store);
  s.setParameter("sessions/table", "magento-dr-state");
  s.setParameter("sessions/region", "eu-west-1");
  s.setParameter("sessions/ttl-attribute", TTL_ATTRIBUTE);
  s.setParameter("sessions/key-prefix", SESSION_KEY_PREFIX);
}

function enableModuleInMagento(root: string): void {
  fs.writeFileSync(
    path.join(root, "app/etc/config.php"),
    "<?php return ['modules' => ['Magento_Store' => 1, 'MagentoDr_DynamoDbSession' => 1]];",
  );
}

describe("instance bootstrap: sessions", function () {
  before(() => requireCommands(["bash", "php"]));
  this.timeout(30000);
  const fresh = sandboxPool();

  it("keeps sessions in Redis until Magento has the module, then selects the region's replica", () => {
    const s = fresh();
    withSessionParameters(s);
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(s.rendered().session.save, "redis", "the module is not enabled yet");

    enableModuleInMagento(s.root);
    const metadata = path.join(s.root, "generated/metadata/global.php");
    fs.mkdirSync(path.dirname(metadata), { recursive: true });
    fs.writeFileSync(metadata, "<?php return ['Magento\\\\Store\\\\Model\\\\Store' => []];");
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(
      s.rendered().session.save,
      "redis",
      "enabled but not in the compiled DI configuration: Magento would fall back to files",
    );

    fs.writeFileSync(
      metadata,
      "<?php return ['Magento\\\\Framework\\\\Session\\\\SaveHandlerFactory' => ['handlers' => ['dynamodb' => 'MagentoDr\\\\DynamoDbSession\\\\Model\\\\SaveHandler']]];",
    );
    assert.strictEqual(s.run().status, 0);
    const session = s.rendered().session;
    assert.strictEqual(session.save, "dynamodb");
    assert.deepStrictEqual(session.dynamodb, {
      table_name: "magento-dr-state",
      region: "eu-west-1",
      session_lifetime_attribute: "expiresAt",
      key_prefix: "session#",
      hash_key: "pk",
      range_key: "sk",
      range_key_value: "session",
      min_lifetime: "60",
      max_lifetime: "2592000",
    });
    assert.strictEqual(
      session.redis.host,
      "tls://master.cache-euw1.cache.amazonaws.com",
      "Redis stays configured",
    );
    assert.strictEqual(s.reloads(), 2, "PHP-FPM reloads when the store changes, not otherwise");
  });

  it("keeps Redis when the store is redis or absent, and refuses an unknown store", () => {
    const s = fresh();
    enableModuleInMagento(s.root);
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(s.rendered().session.save, "redis", "no parameter: today's behaviour");
    withSessionParameters(s, "redis");
    assert.strictEqual(s.run().status, 0);
    assert.strictEqual(s.rendered().session.save, "redis");
    const before = fs.readFileSync(path.join(s.root, "app/etc/env.php"), "utf8");
    s.setParameter("sessions/store", "memcached");
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.match(stderr, /sessions\/store is "memcached": expected dynamodb or redis/);
    assert.strictEqual(fs.readFileSync(path.join(s.root, "app/etc/env.php"), "utf8"), before);
  });

  it("refuses to select DynamoDB without the table's settings, keeping the working env.php", () => {
    const s = fresh();
    withSessionParameters(s);
    enableModuleInMagento(s.root);
    s.setParameter("sessions/region", "");
    const { status, stderr } = s.run();
    assert.notStrictEqual(status, 0);
    assert.match(stderr, /parameter \/magento-dr\/prod-euw1\/sessions\/region is missing/);
  });

  it("installs, enables and compiles the module once, then finds it ready", () => {
    const s = fresh();
    const log = path.join(s.dir, "magento.log");
    fs.mkdirSync(path.join(s.root, "bin"));
    fs.mkdirSync(path.join(s.root, "generated/metadata"), { recursive: true });
    // Magento's CLI as far as the bootstrap uses it: module:enable writes config.php, the compile
    // writes the DI metadata with every enabled module's handlers.
    fs.writeFileSync(
      path.join(s.root, "bin/magento"),
      `<?php
file_put_contents(${JSON.stringify(log)}, implode(' ', array_slice($argv, 1)) . "\\n", FILE_APPEND);
if ($argv[1] === 'module:enable') {
    file_put_contents('app/etc/config.php', "<?php return ['modules' => ['" . $argv[2] . "' => 1]];");
} elseif ($argv[1] === 'setup:di:compile') {
    file_put_contents('generated/metadata/global.php', "<?php return ['handlers' => ['dynamodb' => 'MagentoDr\\\\\\\\DynamoDbSession']];");
}
`,
    );
    fs.appendFileSync(s.env.MAGENTO_DR_ENV!, `\nSESSION_MODULE_SRC=${SESSION_MODULE}\n`);
    const user = execFileSync("id", ["-un"]).toString().trim();
    fs.appendFileSync(s.env.MAGENTO_DR_ENV!, `MAGENTO_USER=${user}\n`);
    const first = s.run("install-session-module");
    assert.strictEqual(first.status, 0, first.stderr);
    assert.match(first.stderr, /"event":"session-module-installed"/);
    const installed = path.join(s.root, "app/code/MagentoDr/DynamoDbSession");
    assert.deepStrictEqual(moduleFiles(installed), moduleFiles());
    assert.deepStrictEqual(fs.readFileSync(log, "utf8").trim().split("\n"), [
      "module:enable MagentoDr_DynamoDbSession",
      "setup:di:compile",
    ]);
    assert.strictEqual(s.run("install-session-module").status, 0);
    assert.strictEqual(
      fs.readFileSync(log, "utf8").trim().split("\n").length,
      2,
      "an installed, enabled and compiled module is left alone",
    );
  });

  it("module: valid PHP, registered under the name module.xml declares, handler named in di.xml", () => {
    const files = moduleFiles();
    assert.deepStrictEqual(files, [
      "Model/SaveHandler.php",
      "Model/SessionConnection.php",
      "etc/di.xml",
      "etc/module.xml",
      "registration.php",
    ]);
    for (const file of files.filter((f) => f.endsWith(".php"))) {
      execFileSync("php", ["-l", path.join(SESSION_MODULE, file)]);
    }
    const read = (f: string) => fs.readFileSync(path.join(SESSION_MODULE, f), "utf8");
    assert.match(read("etc/module.xml"), /<module name="MagentoDr_DynamoDbSession"\s*\/>/);
    // The handler goes into the same array Magento's app/etc/di.xml fills with db and redis.
    const di = read("etc/di.xml").replace(/<!--[^]*?-->/g, "");
    const type =
      /<type name="Magento\\Framework\\Session\\SaveHandlerFactory">([^]*?)<\/type>/.exec(di);
    assert.ok(type, "di.xml configures SaveHandlerFactory");
    assert.match(
      type[1],
      /<argument name="handlers" xsi:type="array">\s*<item name="dynamodb" xsi:type="string">MagentoDr\\DynamoDbSession\\Model\\SaveHandler<\/item>/,
    );
    // PSR-4 under app/code/MagentoDr/DynamoDbSession: the class is where Magento will look.
    assert.match(read("Model/SaveHandler.php"), /namespace MagentoDr\\DynamoDbSession\\Model;/);
    assert.match(
      read("Model/SaveHandler.php"),
      /class SaveHandler implements SaveHandlerInterface/,
    );
  });

  it("module: builds the SDK's handler from the rendered env.php and stores sessions under the table's keys", () => {
    const s = fresh();
    withSessionParameters(s);
    enableModuleInMagento(s.root);
    assert.strictEqual(s.run().status, 0);
    const wiring = path.join(__dirname, "sessionModule/wiring.php");
    for (const file of [wiring, path.join(__dirname, "sessionModule/doubles.php")]) {
      execFileSync("php", ["-l", file]);
    }
    const result = spawnSync(
      "php",
      [wiring, path.join(s.root, "app/etc/env.php"), SESSION_MODULE],
      { encoding: "utf8" },
    );
    assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /all checks passed/);
    assert.ok(result.stdout.split("\n").filter((l) => l.startsWith("ok - ")).length >= 20);
  });
});
