// The instances' health server (components/healthPaths.ts), run by real nginx: `magento-dr
// install-health-server` writes the server block, nginx serves it, and `magento-dr sync` moves the
// maintenance flag and the "named active" marker that decide what the serving path answers.
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import {
  APP_HEALTH_PATH,
  SERVING_HEALTH_PATH,
  SHALLOW_HEALTH_PATH,
} from "../components/healthPaths";
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
  async function startNginx(dir: string, serverBlock: string, upstreams = "") {
    const conf = path.join(dir, "nginx-test.conf");
    fs.writeFileSync(
      conf,
      [
        "daemon off;",
        "master_process off;",
        `pid ${path.join(dir, "nginx.pid")};`,
        `error_log ${path.join(dir, "nginx-error.log")};`,
        "events {}",
        `http { ${upstreams} include ${serverBlock}; }`,
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

  /** A recording `nginx` for the script's own `nginx -t` and `nginx -T` (the machine's config). */
  function recordingNginx(s: ReturnType<typeof fresh>, printed = "") {
    const bin = path.dirname(
      execFileSync("sh", ["-c", "command -v aws"], { env: s.env }).toString(),
    );
    const dump = path.join(s.dir, "nginx-T.txt");
    fs.writeFileSync(dump, printed);
    fs.writeFileSync(
      path.join(bin, "nginx"),
      [
        "#!/usr/bin/env bash",
        `[[ "$1" == -T ]] && cat ${JSON.stringify(dump)}`,
        `echo "nginx $*" >>${JSON.stringify(path.join(s.dir, "systemctl.log"))}`,
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  }

  /** Debian names the binary after its PHP version (php-fpm8.2); the package is php-fpm. */
  function phpFpm(): string {
    const found = execFileSync("sh", [
      "-c",
      "command -v php-fpm || ls /usr/sbin/php-fpm* 2>/dev/null | head -1 || true",
    ])
      .toString()
      .trim();
    if (!found) {
      throw new Error(
        "this test runs PHP-FPM for real: install it first (Debian/Ubuntu: sudo apt-get install php-fpm; .ci/run does this)",
      );
    }
    return found;
  }

  /** PHP-FPM in the foreground, one worker, on a socket of its own. */
  function startPhpFpm(binary: string, dir: string, socket: string) {
    const conf = path.join(dir, "php-fpm.conf");
    fs.writeFileSync(
      conf,
      [
        "[global]",
        `pid = ${path.join(dir, "php-fpm.pid")}`,
        `error_log = ${path.join(dir, "php-fpm.log")}`,
        "[www]",
        `listen = ${socket}`,
        "pm = static",
        "pm.max_children = 1",
      ].join("\n"),
    );
    // -R: the suite may run as root (CI containers); -F: stay in the foreground.
    const child = spawn(binary, ["-F", "-R", "-n", "-y", conf], { stdio: "ignore" });
    let exited = false;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void gone.then(() => (exited = true));
    return {
      stop: async () => {
        if (!exited) child.kill("SIGTERM");
        await gone;
      },
    };
  }

  const waitFor = async (ready: () => boolean) => {
    for (let attempt = 0; !ready(); attempt++) {
      if (attempt > 50) throw new Error("PHP-FPM did not open its socket");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

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
    recordingNginx(s);
    const installed = s.run("install-health-server");
    assert.match(
      installed.stderr,
      /"event":"health-server-no-php","detail":"no upstream fastcgi_backend in nginx's configuration/,
    );
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
      // No fastcgi_backend upstream on this machine: the app path cannot reach PHP and says so.
      assert.deepStrictEqual(await get(port, APP_HEALTH_PATH), {
        status: 200,
        body: "serving HTTP (PHP-FPM not checked)",
      });
    } finally {
      await nginx.stop();
    }
  });

  it("the app path runs PHP through Magento's fastcgi_backend and fails when PHP-FPM is gone", async () => {
    const fpmBinary = phpFpm();
    const s = fresh();
    const port = await freePort();
    const confDir = path.join(s.dir, "conf.d");
    fs.mkdirSync(confDir);
    fs.appendFileSync(s.env.MAGENTO_DR_ENV!, `\nHEALTH_PORT=${port}\nNGINX_CONF_DIR=${confDir}\n`);
    // What `nginx -T` prints on an instance whose Magento site follows nginx.conf.sample.
    const socket = path.join(s.dir, "fpm.sock");
    const upstream = `upstream fastcgi_backend {\n    server unix:${socket};\n}`;
    recordingNginx(s, `# configuration file /etc/nginx/conf.d/magento.conf:\n${upstream}\n`);
    const installed = s.run("install-health-server");
    assert.strictEqual(installed.status, 0, installed.stderr);
    assert.doesNotMatch(installed.stderr, /health-server-no-php/);
    // The script PHP-FPM runs: no include, no connection, nothing of Magento's.
    const ping = fs.readFileSync(path.join(s.dir, "lib", "app-ping.php"), "utf8");
    assert.strictEqual(
      ping,
      '<?php\nheader("Content-Type: text/plain");\necho "PHP-FPM serving";\n',
    );
    // nginx resolves `include fastcgi_params` next to its configuration file.
    fs.copyFileSync("/etc/nginx/fastcgi_params", path.join(s.dir, "fastcgi_params"));
    const fpm = startPhpFpm(fpmBinary, s.dir, socket);
    const nginx = await startNginx(s.dir, path.join(confDir, "magento-dr-health.conf"), upstream);
    try {
      await waitFor(() => fs.existsSync(socket));
      assert.deepStrictEqual(await get(port, APP_HEALTH_PATH), {
        status: 200,
        body: "PHP-FPM serving",
      });
      await fpm.stop();
      // PHP-FPM gone: the target group's check fails (502), so the group replaces the instance.
      assert.strictEqual((await get(port, APP_HEALTH_PATH)).status, 502);
      assert.strictEqual((await get(port, SHALLOW_HEALTH_PATH)).status, 200, "nginx still answers");
    } finally {
      await fpm.stop();
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
