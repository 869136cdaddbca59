// The instances' health server (components/healthPaths.ts), run by real nginx: `magento-dr
// install-health-server` writes the server block, nginx serves it, and `magento-dr sync` moves the
// maintenance flag and the "named active" marker that decide what the serving path answers.
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { SERVING_HEALTH_PATH, SHALLOW_HEALTH_PATH } from "../components/healthPaths";
import { sandboxPool } from "./helpers/bootstrapSandbox";
import { requireCommands } from "./helpers/localTools";

describe("instance health server, run by real nginx", function () {
  before(() => requireCommands(["bash", "php", "nginx"]));
  this.timeout(30000);
  const fresh = sandboxPool();

  /** A port nothing listens on (nginx binds it next). */
  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });

  /** nginx with the written server block as its whole http {}: one process, no daemon. */
  async function startNginx(dir: string, serverBlock: string) {
    const conf = path.join(dir, "nginx-test.conf");
    fs.writeFileSync(
      conf,
      [
        "daemon off;",
        "master_process off;",
        `pid ${path.join(dir, "nginx.pid")};`,
        `error_log ${path.join(dir, "nginx-error.log")};`,
        "events {}",
        `http { include ${serverBlock}; }`,
      ].join("\n"),
    );
    // The real binary, not the sandbox's recording stub of the same name.
    const binary = execFileSync("sh", ["-c", "command -v nginx"]).toString().trim();
    const child = spawn(binary, ["-p", dir, "-c", conf, "-e", path.join(dir, "nginx-error.log")], {
      stdio: "ignore",
    });
    return {
      stop: () =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  }

  const get = async (port: number, p: string) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${p}`);
        return { status: response.status, body: await response.text() };
      } catch (error) {
        if (attempt > 50) throw error; // nginx is still binding
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  it("answers the shallow path without PHP; the serving path 503 while in maintenance, unless the authority names this region (a promotion under way)", async () => {
    const s = fresh();
    const port = await freePort();
    const confDir = path.join(s.dir, "conf.d");
    fs.mkdirSync(confDir);
    fs.appendFileSync(s.env.MAGENTO_DR_ENV!, `\nHEALTH_PORT=${port}\nNGINX_CONF_DIR=${confDir}\n`);
    // A recording `nginx` for the script's own `nginx -t` (it would test the machine's config).
    const bin = path.dirname(
      execFileSync("sh", ["-c", "command -v aws"], { env: s.env }).toString(),
    );
    fs.writeFileSync(
      path.join(bin, "nginx"),
      `#!/usr/bin/env bash\necho "nginx $*" >>${JSON.stringify(path.join(s.dir, "systemctl.log"))}\n`,
      { mode: 0o755 },
    );
    const installed = s.run("install-health-server");
    assert.strictEqual(installed.status, 0, installed.stderr);
    const serverBlock = path.join(confDir, "magento-dr-health.conf");
    assert.match(
      fs.readFileSync(path.join(s.dir, "systemctl.log"), "utf8"),
      /^nginx -t -q\nreload-or-restart nginx$/m,
      "config tested before nginx reloads it",
    );
    const nginx = await startNginx(s.dir, serverBlock);
    try {
      const flag = path.join(s.root, "var/.maintenance.flag");
      // A standby: maintenance on (its sync sets the flag).
      assert.strictEqual(s.run().status, 0);
      assert.ok(fs.existsSync(flag));
      assert.deepStrictEqual(await get(port, SHALLOW_HEALTH_PATH), {
        status: 200,
        body: "serving HTTP",
      });
      assert.deepStrictEqual(await get(port, SERVING_HEALTH_PATH), {
        status: 503,
        body: "maintenance",
      });
      // A promotion under way: the authority names this region, Magento is still in
      // maintenance (the database is being promoted). Route 53 may count it healthy now: the
      // primary's gate is closing and shoppers would otherwise wait for the next check cycle.
      s.setParameter("active-region", "eu-west-1");
      s.setParameter("maintenance", "on");
      assert.strictEqual(s.run().status, 0);
      assert.ok(fs.existsSync(flag), "still in maintenance");
      assert.strictEqual((await get(port, SERVING_HEALTH_PATH)).status, 200);
      // Promoted: maintenance off.
      s.setParameter("maintenance", "off");
      assert.strictEqual(s.run().status, 0);
      assert.ok(!fs.existsSync(flag));
      assert.strictEqual((await get(port, SERVING_HEALTH_PATH)).status, 200);
      assert.strictEqual((await get(port, SHALLOW_HEALTH_PATH)).status, 200);
      // Nothing else is served on this port: no way into Magento or its files from here.
      assert.strictEqual((await get(port, "/index.php")).status, 404);
      assert.strictEqual((await get(port, "/health_check.php")).status, 404);
      // Replaced by another region (an old primary coming back): fenced, 503 at once, no PHP.
      s.setParameter("active-region", "us-east-1");
      assert.strictEqual(s.run().status, 0);
      assert.ok(fs.existsSync(flag));
      assert.strictEqual((await get(port, SERVING_HEALTH_PATH)).status, 503);
      assert.strictEqual((await get(port, SHALLOW_HEALTH_PATH)).status, 200, "still serves HTTP");
    } finally {
      await nginx.stop();
    }
  });

  it("writes nothing and reloads nothing when nginx's conf.d cannot take the file", () => {
    const s = fresh();
    fs.appendFileSync(s.env.MAGENTO_DR_ENV!, `\nNGINX_CONF_DIR=${path.join(s.dir, "missing")}\n`);
    const result = s.run("install-health-server");
    assert.notStrictEqual(result.status, 0);
    assert.ok(!fs.existsSync(path.join(s.dir, "systemctl.log")), "nginx not reloaded");
  });
});
