import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as pulumi from "@pulumi/pulumi";

export const BOOTSTRAP_SCRIPT = path.join(__dirname, "magento-dr.sh");
export const ENV_RENDERER = path.join(__dirname, "render-env.php");
/** The DynamoDB session handler's Magento module (docs/sessions.md), as it goes under app/code. */
export const SESSION_MODULE = path.join(__dirname, "session-module");

const INSTALL_DIR = "/usr/local/lib/magento-dr";
const SESSION_MODULE_INSTALL_DIR = `${INSTALL_DIR}/session-module`;

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

/** Every file the instance needs, by where it goes, and with which mode. */
function payloadFiles(): { target: string; text: string; mode?: string }[] {
  const moduleFiles = (
    fs.readdirSync(SESSION_MODULE, { recursive: true, encoding: "utf8" }) as string[]
  )
    .filter((f) => fs.statSync(path.join(SESSION_MODULE, f)).isFile())
    .sort();
  return [
    {
      target: "/usr/local/bin/magento-dr",
      text: fs.readFileSync(BOOTSTRAP_SCRIPT, "utf8"),
      mode: "0755",
    },
    { target: `${INSTALL_DIR}/render-env.php`, text: fs.readFileSync(ENV_RENDERER, "utf8") },
    ...moduleFiles.map((f) => ({
      target: `${SESSION_MODULE_INSTALL_DIR}/${f}`,
      text: fs.readFileSync(path.join(SESSION_MODULE, f), "utf8"),
    })),
  ];
}

/**
 * A bash script that writes every payload file under `$DESTDIR` (unset on an instance: `/`), each
 * from a quoted heredoc so nothing in the files is expanded.
 */
export function payloadScript(): string {
  const lines: string[] = [];
  for (const file of payloadFiles()) {
    const text = file.text.endsWith("\n") ? file.text : `${file.text}\n`;
    if (text.split("\n").includes("MAGENTO_DR_FILE")) {
      throw new Error(`${file.target} contains the heredoc delimiter MAGENTO_DR_FILE`);
    }
    const target = `"\${DESTDIR:-}${file.target}"`;
    lines.push(`mkdir -p "$(dirname ${target})"`, `cat >${target} <<'MAGENTO_DR_FILE'`);
    lines.push(text + "MAGENTO_DR_FILE");
    if (file.mode) lines.push(`chmod ${file.mode} ${target}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The launch template's user data: writes the settings file, unpacks the `magento-dr` script, the
 * env.php renderer and the session module, and runs `magento-dr boot`. The files travel gzip'd
 * and base64-encoded inside the script, which keeps the user data a plain shell script (EC2 takes
 * at most 16 KiB of it, before its own base64) with room to grow. They are files of their own in
 * this directory so the tests run them for real (bash, shellcheck, php -l, PHP).
 */
export function renderUserData(settings: BootstrapSettings): pulumi.Output<string> {
  const payload = zlib.gzipSync(payloadScript(), { level: 9 }).toString("base64");
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
        RENDERER: `${INSTALL_DIR}/render-env.php`,
        SESSION_MODULE_SRC: SESSION_MODULE_INSTALL_DIR,
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
        "cat >/etc/magento-dr.env <<'MAGENTO_DR_ENV'",
        envFile,
        "MAGENTO_DR_ENV",
        "base64 -d <<'MAGENTO_DR_PAYLOAD' | gunzip | bash -euo pipefail",
        // base64 wraps nothing by itself: 76-column lines keep the script readable by tools.
        ...(payload.match(/.{1,76}/g) ?? []),
        "MAGENTO_DR_PAYLOAD",
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
