import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export const BOOTSTRAP_SCRIPT = path.join(__dirname, "magento-dr.sh");
export const ENV_RENDERER = path.join(__dirname, "render-env.php");

export interface BootstrapSettings {
  project: string;
  stack: string;
  region: string;
  /** SSM path holding every endpoint, with a trailing slash: `/<project>/<stack>/`. */
  parameterPath: string;
  fileSystemId: pulumi.Input<string>;
  accessPointId: pulumi.Input<string>;
  /** The authority table (region-failover issue) that fences an old primary; optional. */
  authorityTable?: pulumi.Input<string>;
  authorityRegion?: string;
  /** @default "/var/www/magento" */
  magentoRoot?: string;
  /** @default "nginx" */
  magentoUser?: string;
}

// EC2 rejects user data above 16 KiB (before base64).
const USER_DATA_LIMIT_BYTES = 16 * 1024;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The launch template's user data: writes the settings file, installs the renderer and the
 * `magento-dr` script from this directory, and runs `magento-dr boot`. The scripts are files of
 * their own so the tests run them for real (bash, shellcheck, php -l).
 */
export function renderUserData(settings: BootstrapSettings): pulumi.Output<string> {
  const script = fs.readFileSync(BOOTSTRAP_SCRIPT, "utf8");
  const renderer = fs.readFileSync(ENV_RENDERER, "utf8");
  return pulumi
    .all([settings.fileSystemId, settings.accessPointId, settings.authorityTable ?? ""])
    .apply(([fileSystemId, accessPointId, authorityTable]) => {
      const env: Record<string, string> = {
        PROJECT: settings.project,
        STACK: settings.stack,
        REGION: settings.region,
        PARAM_PATH: settings.parameterPath,
        MAGENTO_ROOT: settings.magentoRoot ?? "/var/www/magento",
        MAGENTO_USER: settings.magentoUser ?? "nginx",
        FILE_SYSTEM_ID: fileSystemId,
        ACCESS_POINT_ID: accessPointId,
        RENDERER: "/usr/local/lib/magento-dr/render-env.php",
        AUTHORITY_TABLE: authorityTable,
        AUTHORITY_REGION: settings.authorityRegion ?? "",
      };
      const envFile = Object.entries(env)
        .map(([k, v]) => `${k}=${shellQuote(v)}`)
        .join("\n");
      const userData = [
        "#!/bin/bash",
        "set -euo pipefail",
        "umask 022",
        "mkdir -p /usr/local/lib/magento-dr",
        "cat >/etc/magento-dr.env <<'MAGENTO_DR_ENV'",
        envFile,
        "MAGENTO_DR_ENV",
        "cat >/usr/local/lib/magento-dr/render-env.php <<'MAGENTO_DR_RENDERER'",
        renderer.trimEnd(),
        "MAGENTO_DR_RENDERER",
        "cat >/usr/local/bin/magento-dr <<'MAGENTO_DR_SCRIPT'",
        script.trimEnd(),
        "MAGENTO_DR_SCRIPT",
        "chmod 0755 /usr/local/bin/magento-dr",
        "exec /usr/local/bin/magento-dr boot",
        "",
      ].join("\n");
      const bytes = Buffer.byteLength(userData);
      if (bytes > USER_DATA_LIMIT_BYTES) {
        throw new Error(
          `user data is ${bytes} bytes; EC2 accepts at most ${USER_DATA_LIMIT_BYTES}`,
        );
      }
      return userData;
    });
}
