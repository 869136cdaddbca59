// The RPO heartbeat against a real MariaDB on 127.0.0.1: the instances' writer
// (components/bootstrap/heartbeat.php through `magento-dr heartbeat`), the standby's reader
// (functions/heartbeat/) and the loss window the promotion records (functions/region/lossWindow.ts).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BOOTSTRAP_SCRIPT } from "../components/bootstrap/userData";
import { createHeartbeatReaderHandler } from "../functions/heartbeat/handler";
import { HEARTBEAT_TABLE, readHeartbeats, utcDateTimeToIso } from "../functions/heartbeat/reader";
import { lossWindowFrom } from "../functions/region/lossWindow";
import { sandboxPool, type Sandbox } from "./helpers/bootstrapSandbox";
import { requireCommands } from "./helpers/localTools";
import { mariaDbMissing, startMariaDb, type LocalMariaDb } from "./helpers/mariadb";

// The sandbox's database secret: quotes, a backslash and a dollar, as a generated password may hold.
const PASSWORD = `pa'ss"\\word$`;

describe("RPO heartbeat (real MariaDB)", function () {
  this.timeout(60_000);
  let db: LocalMariaDb;
  const fresh = sandboxPool();

  before(async function () {
    const missing = mariaDbMissing();
    if (missing) {
      console.warn(`    skipped: ${missing}`);
      this.skip();
    }
    requireCommands(["bash", "php"]);
    if (!/^pdo_mysql$/m.test(spawnSync("php", ["-m"], { encoding: "utf8" }).stdout)) {
      throw new Error(
        "the heartbeat writer needs PHP's pdo_mysql: sudo apt-get install php-mysql (.ci/run does this)",
      );
    }
    db = await startMariaDb();
    const quoted = PASSWORD.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
    db.sql(
      `CREATE DATABASE magento; CREATE USER 'magento'@'%' IDENTIFIED BY '${quoted}';` +
        " GRANT ALL ON magento.* TO 'magento'@'%';",
    );
  });
  after(async () => db?.stop());
  beforeEach(() =>
    db?.sql(`DROP TABLE IF EXISTS ${HEARTBEAT_TABLE}; SET GLOBAL read_only = 0;`, "magento"),
  );

  const serverNow = () => Date.parse(utcDateTimeToIso(db.sql("SELECT UTC_TIMESTAMP(6)").trim()));
  const tableExists = () =>
    db.sql(`SHOW TABLES LIKE '${HEARTBEAT_TABLE}'`, "magento").trim() !== "";
  const beats = () =>
    !tableExists()
      ? []
      : db
          .sql(`SELECT region, beat_at, writer FROM ${HEARTBEAT_TABLE}`, "magento")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => line.split("\t"));
  const login = () => ({
    host: db.host,
    port: db.port,
    database: "magento",
    username: "magento",
    password: PASSWORD,
    ca: fs.readFileSync(db.caFile, "utf8"),
  });

  /** A sandboxed instance whose parameters point at the local server. */
  const instance = (): Sandbox => {
    const s = fresh();
    const host = `${db.host}:${db.port}`;
    const allowlist = path.join(s.dir, "endpoints.json");
    const allowed = JSON.parse(fs.readFileSync(allowlist, "utf8"));
    allowed["db/writer-host"].push(host);
    fs.writeFileSync(allowlist, JSON.stringify(allowed));
    s.setParameter("db/writer-host", host);
    return s;
  };
  /**
   * Renders env.php (`magento-dr sync`). The instance verifies the database against the RDS CA
   * bundle at /etc/pki/rds; here the server's certificate is the test CA's, so the heartbeat's
   * copy names that file instead (the one change the test makes to what the instance rendered).
   */
  const render = (s: Sandbox) => {
    const run = s.run();
    assert.strictEqual(run.status, 0, run.stderr);
    const copy = path.join(s.dir, "state", "heartbeat", "env.php");
    const text = fs.readFileSync(copy, "utf8");
    assert.ok(text.includes("'/etc/pki/rds/global-bundle.pem'"), "TLS as Magento connects");
    fs.writeFileSync(copy, text.replace("/etc/pki/rds/global-bundle.pem", db.caFile));
  };

  it("an instance beats its region's row where the database takes writes, with the rendered login (root-only)", () => {
    const s = instance();
    assert.strictEqual(s.run("heartbeat").status, 0, "before any render: skipped, not failed");
    assert.deepStrictEqual(beats(), []);
    render(s);
    const login = path.join(s.dir, "state", "heartbeat");
    assert.strictEqual(fs.statSync(login).mode & 0o777, 0o700);
    assert.strictEqual(fs.statSync(path.join(login, "env.php")).mode & 0o777, 0o600);
    const before = serverNow();
    const first = s.run("heartbeat");
    assert.strictEqual(first.status, 0, first.stderr);
    const [[region, beatAt]] = beats();
    assert.strictEqual(region, "eu-west-1");
    const at = Date.parse(utcDateTimeToIso(beatAt));
    assert.ok(at >= before && at <= serverNow(), `${beatAt} stamped by the server's clock`);
    assert.strictEqual(s.run("heartbeat").status, 0);
    assert.strictEqual(beats().length, 1, "one row per region, moved forward");
    assert.ok(Date.parse(utcDateTimeToIso(beats()[0][1])) >= at);
  });

  it("the instance runs the beat every 5 s from a timer that boot enables (and that survives a reboot)", () => {
    const script = fs.readFileSync(BOOTSTRAP_SCRIPT, "utf8");
    const timer = /magento-dr-heartbeat\.timer <<UNIT\n([^]*?)\nUNIT\n/.exec(script)?.[1] ?? "";
    assert.match(timer, /^OnUnitActiveSec=5s$/m);
    assert.match(timer, /^OnBootSec=/m, "a monotonic timer needs a first start");
    assert.match(timer, /^\[Install\]\nWantedBy=timers\.target$/m);
    assert.match(script, /systemctl enable --now [^\n]*magento-dr-heartbeat\.timer/);
    assert.match(script, /ExecStart=\$\(readlink -f "\$0"\) heartbeat/);
  });

  it("a read-only database (a replica) is skipped, successfully, and never written", () => {
    const s = instance();
    render(s);
    db.sql("SET GLOBAL read_only = 1");
    const run = s.run("heartbeat");
    assert.strictEqual(run.status, 0, run.stderr);
    assert.deepStrictEqual(beats(), []);
    assert.ok(!tableExists(), "not even the table is created");
  });

  it("a database that refuses is a failed beat that says why, not a hang", () => {
    const s = instance();
    render(s);
    const copy = path.join(s.dir, "state", "heartbeat", "env.php");
    const rendered = fs.readFileSync(copy, "utf8");
    fs.writeFileSync(
      copy,
      rendered.replace(/'username' => 'magento'/g, `'username' => 'intruder'`),
    );
    const denied = s.run("heartbeat");
    assert.strictEqual(denied.status, 2);
    assert.match(denied.stderr, /heartbeat: .*Access denied for user 'intruder'/);
    fs.writeFileSync(copy, rendered.replace(`${db.host}:${db.port}`, `${db.host}:1`));
    const refused = s.run("heartbeat");
    assert.strictEqual(refused.status, 2);
    assert.match(refused.stderr, /heartbeat: .*refused/i);
  });

  it("the reader answers every region's newest beat; a database without the table is no beat, not an error", async () => {
    assert.deepStrictEqual((await readHeartbeats(login(), 3_000)).beats, []);
    const s = instance();
    render(s);
    assert.strictEqual(s.run("heartbeat").status, 0);
    const report = await readHeartbeats(login(), 3_000);
    assert.deepStrictEqual(
      report.beats.map((b) => b.region),
      ["eu-west-1"],
    );
    assert.strictEqual(report.beats[0].beatAt, utcDateTimeToIso(beats()[0][1]));
  });

  it("the reader function never throws: bad credentials are an answer without beats", async () => {
    const handler = createHeartbeatReaderHandler(
      {
        region: "eu-west-1",
        host: `${db.host}:${db.port}`,
        database: "magento",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-user-AbCdEf",
        timeoutMs: 3_000,
        ca: fs.readFileSync(db.caFile, "utf8"),
      },
      {
        secretsManager: {
          send: async () => ({
            SecretString: JSON.stringify({ username: "magento", password: "x" }),
          }),
        } as never,
      },
    );
    const report = await handler();
    assert.deepStrictEqual(report.beats, []);
    assert.match(report.detail, /heartbeat unreadable: .*Access denied/);
  });

  it("scenario 35: heartbeat stopped 40 s before the outage → the recorded loss window is about 40 s", async () => {
    // The home region's instances beat, then stop (the app tier dies first); the region is lost
    // 40 s later, when the promotion reads the window. The clock of the promotion is set, not read.
    const s = instance();
    render(s);
    s.run("heartbeat");
    const lastBeatFrom = serverNow();
    assert.strictEqual(s.run("heartbeat").status, 0);
    const lastBeatBy = serverNow();
    const outage = lastBeatBy + 40_000;
    const report = await createHeartbeatReaderHandler(
      {
        region: "eu-west-1",
        host: `${db.host}:${db.port}`,
        database: "magento",
        secretArn: "arn:db",
        timeoutMs: 3_000,
        ca: fs.readFileSync(db.caFile, "utf8"),
      },
      {
        secretsManager: {
          send: async () => ({
            SecretString: JSON.stringify({ username: "magento", password: PASSWORD }),
          }),
        } as never,
      },
    )();
    const window = lossWindowFrom(report, "eu-west-1", outage);
    assert.ok(window.seconds !== undefined, window.detail);
    // The beat lies between the two server readings, so the window is 40 s plus at most the
    // time the last beat took.
    assert.ok(
      window.seconds >= 40 && window.seconds <= 40 + (lastBeatBy - lastBeatFrom) / 1000 + 0.1,
      `${window.seconds} s`,
    );
    assert.strictEqual(window.heartbeatAt, report.beats[0].beatAt);
    // A region with no beat on the replica: unknown, never zero.
    assert.strictEqual(lossWindowFrom(report, "us-east-1", outage).seconds, undefined);
  });
});
