// Tests that run real local programs (the instance scripts under bash, shellcheck and PHP's CLI)
// say in one line what to install, instead of failing one by one with ENOENT.
import { spawnSync } from "child_process";

/** Debian package that provides each command the suite runs. */
const PACKAGES: Record<string, string> = {
  bash: "bash",
  shellcheck: "shellcheck",
  php: "php-cli",
  mariadbd: "mariadb-server",
  mariadb: "mariadb-client",
  nginx: "nginx-light",
};

/** Throws one message naming every missing command and the packages that provide them. */
export function requireCommands(commands: string[]): void {
  const missing = commands.filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
  if (missing.length > 0) {
    const packages = missing.map((c) => PACKAGES[c] ?? c).join(" ");
    throw new Error(
      `these tests run ${missing.join(", ")} for real: install them first ` +
        `(Debian/Ubuntu: sudo apt-get install ${packages}; .ci/run does this)`,
    );
  }
}
