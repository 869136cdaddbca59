// A throwaway MariaDB server on 127.0.0.1 for tests that need a real MySQL-protocol database (the
// RPO heartbeat's writer and reader): a fresh data directory under the system's temp dir, a free
// port, the smallest buffers that work. Like RDS it refuses connections without TLS
// (require_secure_transport), with a certificate for 127.0.0.1 from a CA made for the run
// (`caFile`), so the clients' TLS settings are exercised, not skipped. Start one per test file in `before` and reuse it: the
// data directory's initialisation takes a few seconds.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const MARIADB_SERVER = "mariadbd";

/** Why the server cannot run here (the Debian package to install), or undefined when it can. */
export function mariaDbMissing(): string | undefined {
  const missing = ["mariadbd", "mariadb-install-db", "mariadb"].filter(
    (c) => spawnSync("sh", ["-c", `command -v ${c} || test -x /usr/sbin/${c}`]).status !== 0,
  );
  return missing.length === 0
    ? undefined
    : `MariaDB is not installed (${missing.join(", ")} missing): sudo apt-get install mariadb-server mariadb-client (.ci/run does this)`;
}

export interface LocalMariaDb {
  host: "127.0.0.1";
  port: number;
  /** The PEM file of the CA that signed the server's certificate. */
  caFile: string;
  /** Runs SQL as root over the server's socket; returns the tab-separated rows. */
  sql(statement: string, database?: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const bin = (name: string) => (fs.existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

async function waitForSocket(socket: string, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) {
      throw new Error(`mariadbd exited (${child.exitCode}): ${fs.readFileSync(log, "utf8")}`);
    }
    const ping = spawnSync("mariadb", [
      "--no-defaults",
      "-uroot",
      `--socket=${socket}`,
      "-e",
      "SELECT 1",
    ]);
    if (ping.status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mariadbd did not answer within 30 s: ${fs.readFileSync(log, "utf8")}`);
}

/** A CA and a server certificate for IP 127.0.0.1 signed by it. */
function certificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=test-ca",
    "-keyout",
    f("ca-key.pem"),
    "-out",
    f("ca.pem"),
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    f("server-key.pem"),
    "-out",
    f("server.csr"),
  );
  fs.writeFileSync(f("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca-key.pem"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("san.cnf"),
    "-out",
    f("server.pem"),
  );
  return { ca: f("ca.pem"), cert: f("server.pem"), key: f("server-key.pem") };
}

export async function startMariaDb(): Promise<LocalMariaDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "magento-dr-mariadb-"));
  const datadir = path.join(dir, "data");
  const socket = path.join(dir, "mysqld.sock");
  const log = path.join(dir, "error.log");
  // mariadbd refuses to run as root unless told to; any other user runs as itself.
  const user = process.getuid?.() === 0 ? ["--user=root"] : [];
  const small = [
    "--innodb-buffer-pool-size=8M",
    "--innodb-log-file-size=4M",
    "--skip-log-bin",
    "--skip-name-resolve",
  ];
  execFileSync(
    bin("mariadb-install-db"),
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...user,
      ...small,
    ],
    { stdio: "pipe" },
  );
  const tls = certificates(dir);
  const port = await freePort();
  const child = spawn(
    bin("mariadbd"),
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${path.join(dir, "mysqld.pid")}`,
      `--log-error=${log}`,
      `--ssl-ca=${tls.ca}`,
      `--ssl-cert=${tls.cert}`,
      `--ssl-key=${tls.key}`,
      "--require-secure-transport=ON",
      ...user,
      ...small,
    ],
    { stdio: "ignore" },
  );
  await waitForSocket(socket, child, log);
  return {
    host: "127.0.0.1",
    port,
    caFile: tls.ca,
    sql: (statement, database) =>
      execFileSync(
        "mariadb",
        [
          "--no-defaults",
          "-uroot",
          `--socket=${socket}`,
          "--batch",
          "--skip-column-names",
          ...(database ? [database] : []),
          "-e",
          statement,
        ],
        { encoding: "utf8" },
      ),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
