// The instance bootstrap, run for real: bash and shellcheck on the script, PHP on the renderer,
// and `magento-dr sync` end to end against a fake `aws` CLI (the only part that needs AWS) that
// answers from files the test writes, and a fake `systemctl` that records reloads.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BOOTSTRAP_SCRIPT, ENV_RENDERER, renderUserData } from "../components/bootstrap/userData";
import { requireCommands } from "./helpers/localTools";

const PREFIX = "/magento-dr/prod-euw1/";

interface Sandbox {
  dir: string;
  aws: string;
  root: string;
  env: NodeJS.ProcessEnv;
  setParameter(name: string, value: string): void;
  reloads(): number;
  run(): { status: number | null; stderr: string };
}

function sandbox(): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "magento-dr-"));
  const root = path.join(dir, "magento");
  const bin = path.join(dir, "bin");
  const aws = path.join(dir, "aws");
  for (const d of [
    bin,
    path.join(root, "app/etc"),
    path.join(root, "var"),
    path.join(aws, "secrets"),
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const parameters: Record<string, string> = {
    "db/writer-host": "db-writer.eu-west-1.rds.amazonaws.com",
    "db/reader-host": "db-reader.eu-west-1.rds.amazonaws.com",
    "db/name": "magento",
    "db/secret-arn": "arn:db",
    "cache/primary-host": "master.cache-euw1.cache.amazonaws.com",
    "cache/reader-host": "replica.cache-euw1.cache.amazonaws.com",
    "cache/port": "6379",
    "cache/auth-secret-arn": "arn:cache",
    "search/endpoint": "vpc-search-euw1.eu-west-1.es.amazonaws.com",
    "search/secret-arn": "arn:search",
    "app/crypt-key-secret-arn": "arn:crypt",
    "app/base-url": "https://shop.example.com/",
    "active-region": "us-east-1",
    epoch: "1",
  };
  const writeParameters = () =>
    fs.writeFileSync(
      path.join(aws, "parameters.json"),
      JSON.stringify({
        Parameters: Object.entries(parameters).map(([k, v]) => ({ Name: PREFIX + k, Value: v })),
      }),
    );
  writeParameters();
  const secrets: Record<string, string> = {
    "arn:db": JSON.stringify({ username: "magento", password: `pa'ss"\\word$` }),
    "arn:cache": "redis-auth-token",
    "arn:search": JSON.stringify({ username: "magento", password: "search-secret" }),
    "arn:crypt": "0123456789abcdef0123456789abcdef",
  };
  for (const [arn, value] of Object.entries(secrets)) {
    fs.writeFileSync(
      path.join(aws, "secrets", arn.replace(":", "_")),
      JSON.stringify({ SecretString: value }),
    );
  }
  // A fake AWS CLI answering the calls magento-dr makes, from the files above.
  fs.writeFileSync(
    path.join(bin, "aws"),
    `#!/usr/bin/env bash
set -euo pipefail
data=${JSON.stringify(aws)}
case "$1 $2" in
  "ssm get-parameters-by-path") cat "$data/parameters.json" ;;
  "ssm get-parameter")
    name=""; while [[ $# -gt 0 ]]; do [[ "$1" == --name ]] && name="$2"; shift; done
    php -r '$p = json_decode(file_get_contents($argv[1]), true)["Parameters"];
      foreach ($p as $x) { if ($x["Name"] === $argv[2]) { echo $x["Value"], "\\n"; exit(0); } }
      fwrite(STDERR, "ParameterNotFound\\n"); exit(254);' "$data/parameters.json" "$name" ;;
  "secretsmanager get-secret-value")
    id=""; while [[ $# -gt 0 ]]; do [[ "$1" == --secret-id ]] && id="$2"; shift; done
    cat "$data/secrets/\${id/:/_}" ;;
  "dynamodb get-item")
    [[ -f "$data/authority" ]] || { echo "could not connect" >&2; exit 255; }
    cat "$data/authority" ;;
  *) echo "unexpected aws call: $*" >&2; exit 1 ;;
esac
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(bin, "systemctl"),
    `#!/usr/bin/env bash\necho "$*" >>${JSON.stringify(path.join(dir, "systemctl.log"))}\n`,
    {
      mode: 0o755,
    },
  );
  // `install -o root -g <group>` needs root; the sandbox's group is the runner's own.
  const group = execFileSync("id", ["-gn"]).toString().trim();
  const envFile = path.join(dir, "magento-dr.env");
  fs.writeFileSync(
    envFile,
    [
      "PROJECT=magento-dr",
      "STACK=prod-euw1",
      "REGION=eu-west-1",
      `PARAM_PATH=${PREFIX}`,
      `MAGENTO_ROOT=${root}`,
      `MAGENTO_USER=${group}`,
      `RENDERER=${ENV_RENDERER}`,
      `STATE_DIR=${path.join(dir, "state")}`,
    ].join("\n"),
  );
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, MAGENTO_DR_ENV: envFile };
  return {
    dir,
    aws,
    root,
    env,
    setParameter(name, value) {
      parameters[name] = value;
      writeParameters();
    },
    reloads: () => {
      const log = path.join(dir, "systemctl.log");
      return fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => l === "reload-or-restart php-fpm").length
        : 0;
    },
    run() {
      const result = spawnSync("bash", [BOOTSTRAP_SCRIPT, "sync"], { env, encoding: "utf8" });
      return { status: result.status, stderr: result.stderr };
    },
  };
}

describe("instance bootstrap", function () {
  before(() => requireCommands(["bash", "shellcheck", "php"]));
  this.timeout(30000);
  const sandboxes: Sandbox[] = [];
  const fresh = () => {
    const s = sandbox();
    sandboxes.push(s);
    return s;
  };
  after(() => sandboxes.forEach((s) => fs.rmSync(s.dir, { recursive: true, force: true })));

  it("passes bash -n and shellcheck; the renderer passes php -l", () => {
    execFileSync("bash", ["-n", BOOTSTRAP_SCRIPT]);
    execFileSync("shellcheck", ["--severity=style", BOOTSTRAP_SCRIPT]);
    execFileSync("php", ["-l", ENV_RENDERER]);
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

  it("follows the authority table over its own stale parameter, and the parameter when the table is unreachable", () => {
    const s = fresh();
    const envFile = s.env.MAGENTO_DR_ENV!;
    fs.appendFileSync(
      envFile,
      "\nAUTHORITY_TABLE=magento-dr-authority\nAUTHORITY_REGION=eu-west-1\n",
    );
    const flag = path.join(s.root, "var/.maintenance.flag");
    // The local parameter still names us-east-1 (written before the outage); the authority moved on.
    fs.writeFileSync(path.join(s.aws, "authority"), "eu-west-1\n");
    assert.strictEqual(s.run().status, 0);
    assert.ok(!fs.existsSync(flag), "the authority says eu-west-1 is active");
    fs.rmSync(path.join(s.aws, "authority"));
    const { status, stderr } = s.run();
    assert.strictEqual(status, 0);
    assert.match(stderr, /"event":"authority-unreadable"/);
    assert.ok(fs.existsSync(flag), "falls back to the local parameter (us-east-1 active): fenced");
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

  it("embeds both files in user data that stays under EC2's 16 KiB limit", async () => {
    const userData = await new Promise<string>((resolve) =>
      renderUserData({
        project: "magento-dr",
        stack: "prod-euw1",
        region: "eu-west-1",
        parameterPath: PREFIX,
        fileSystemId: "fs-1",
        accessPointId: "fsap-1",
      }).apply(resolve),
    );
    assert.ok(Buffer.byteLength(userData) < 16 * 1024);
    const file = path.join(fresh().dir, "user-data.sh");
    fs.writeFileSync(file, userData);
    execFileSync("bash", ["-n", file]);
    assert.ok(userData.includes(fs.readFileSync(BOOTSTRAP_SCRIPT, "utf8").trimEnd()));
  });
});
