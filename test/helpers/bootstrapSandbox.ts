// The instance bootstrap's sandbox: `magento-dr` run for real by bash, against a fake \`aws\` CLI
// (the only part that needs AWS) that answers from files the test writes, and a fake \`systemctl\`
// that records what it was asked.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BOOTSTRAP_SCRIPT, ENV_RENDERER } from "../../components/bootstrap/userData";

export const PREFIX = "/magento-dr/prod-euw1/";

export interface Sandbox {
  dir: string;
  aws: string;
  root: string;
  env: NodeJS.ProcessEnv;
  setParameter(name: string, value: string): void;
  reloads(): number;
  /** Metrics the instance published (`<namespace> <name> <dimensions>` per line). */
  metrics(): string[];
  run(command?: string): { status: number | null; stderr: string };
  rendered(): any;
}

export function sandbox(): Sandbox {
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
# Every call must carry the watcher's timeouts: a dead endpoint must not stall it.
[[ "$1 $2 $3 $4" == "--cli-connect-timeout 5 --cli-read-timeout 10" ]] || { echo "unbounded aws call: $*" >&2; exit 1; }
shift 4
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
  "cloudwatch put-metric-data")
    shift 2; echo "$*" >>"$data/metrics.log" ;;
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
  // The hosts the stack created (the launch template writes this file); the second cache host
  // stands for the group's other node after an in-region failover.
  const allowlist = path.join(dir, "endpoints.json");
  fs.writeFileSync(
    allowlist,
    JSON.stringify({
      "db/writer-host": ["db-writer.eu-west-1.rds.amazonaws.com"],
      "db/reader-host": ["db-reader.eu-west-1.rds.amazonaws.com"],
      "cache/primary-host": [
        "master.cache-euw1.cache.amazonaws.com",
        "replica-now-primary.cache.amazonaws.com",
      ],
      "cache/reader-host": ["replica.cache-euw1.cache.amazonaws.com"],
      "search/endpoint": ["vpc-search-euw1.eu-west-1.es.amazonaws.com"],
    }),
  );
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
      `ENDPOINT_ALLOWLIST=${allowlist}`,
      "METRIC_NAMESPACE=MagentoDR/Instances",
      `STATE_DIR=${path.join(dir, "state")}`,
      `DR_LIB_DIR=${path.join(dir, "lib")}`,
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
    metrics: () => {
      const log = path.join(aws, "metrics.log");
      return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
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
    run(command = "sync") {
      const result = spawnSync("bash", [BOOTSTRAP_SCRIPT, command], { env, encoding: "utf8" });
      return { status: result.status, stderr: result.stderr };
    },
    rendered() {
      const envPhp = path.join(root, "app/etc/env.php");
      return JSON.parse(
        execFileSync("php", ["-r", "echo json_encode(require $argv[1]);", envPhp]).toString(),
      );
    },
  };
}

/** Fresh sandboxes for the calling describe block, removed after it. */
export function sandboxPool(): () => Sandbox {
  const sandboxes: Sandbox[] = [];
  after(() => sandboxes.forEach((s) => fs.rmSync(s.dir, { recursive: true, force: true })));
  return () => {
    const s = sandbox();
    sandboxes.push(s);
    return s;
  };
}
