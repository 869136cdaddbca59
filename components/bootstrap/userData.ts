import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as pulumi from "@pulumi/pulumi";
import { PARAMETERS } from "../../functions/contract";
import {
  INSTANCE_ENVIRONMENT as V,
  type InstanceVariable,
} from "../../functions/contractEnvironment";
import { METRIC_NAMESPACES } from "../../functions/contractMetrics";
import { HEALTH_PORT } from "../healthPaths";

export const BOOTSTRAP_SCRIPT = path.join(__dirname, "magento-dr.sh");
export const ENV_RENDERER = path.join(__dirname, "render-env.php");
/** The renderer's safe reader of the current env.php (installed beside it). */
export const ENV_LITERAL = path.join(__dirname, "env-literal.php");
/** Where the launch template writes the endpoint allowlist (root-owned, read by magento-dr). */
export const ENDPOINT_ALLOWLIST_PATH = "/etc/magento-dr.endpoints.json";
/** The endpoint parameters the renderer accepts only from the allowlist. */
export const ALLOWLISTED_ENDPOINTS = [
  PARAMETERS.dbWriterHost,
  PARAMETERS.dbReaderHost,
  PARAMETERS.cachePrimaryHost,
  PARAMETERS.cacheReaderHost,
  PARAMETERS.searchEndpoint,
] as const;
export type EndpointAllowlist = Record<
  (typeof ALLOWLISTED_ENDPOINTS)[number],
  pulumi.Input<string>[]
>;
/** The RPO heartbeat's writer (docs/rpo.md), installed beside the renderer. */
export const HEARTBEAT_WRITER = path.join(__dirname, "heartbeat.php");
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
  /**
   * Every host each endpoint parameter may name: the stack's own resources. Anything else in a
   * parameter is refused by the renderer (the instance keeps its env.php and alarms).
   */
  endpointAllowlist: EndpointAllowlist;
  /** The authority table (region-failover issue) that fences an old primary; optional. */
  authorityTable?: pulumi.Input<string>;
  authorityRegion?: string;
  /** @default "/var/www/magento" */
  magentoRoot?: string;
  /** @default "nginx" */
  magentoUser?: string;
}

// EC2 rejects user data above 16 KiB (before base64).
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A source file as it travels: whole-line comments dropped (they are most of the bytes, and EC2
 * takes at most 16 KiB of user data). Only lines that are nothing but a `#` or `//` comment go, so
 * a `#!` line, a PHP `#[...]` attribute and every line of code stay as they are; none of these
 * files has a heredoc or multi-line string holding such a line.
 */
export function shippedText(file: string): string {
  const text = fs.readFileSync(file, "utf8");
  if (!/\.(php|sh)$/.test(file)) return text;
  return text
    .split("\n")
    .filter((line) => !/^\s*(\/\/|#(?![![]))/.test(line))
    .join("\n");
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
      text: shippedText(BOOTSTRAP_SCRIPT),
      mode: "0755",
    },
    { target: `${INSTALL_DIR}/render-env.php`, text: shippedText(ENV_RENDERER) },
    { target: `${INSTALL_DIR}/env-literal.php`, text: shippedText(ENV_LITERAL) },
    { target: `${INSTALL_DIR}/heartbeat.php`, text: shippedText(HEARTBEAT_WRITER) },
    ...moduleFiles.map((f) => ({
      target: `${SESSION_MODULE_INSTALL_DIR}/${f}`,
      text: shippedText(path.join(SESSION_MODULE, f)),
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
 * The launch template's user data, as a shell script: writes the settings file, unpacks the
 * `magento-dr` script, the env.php renderer and the session module, and runs `magento-dr boot`.
 * The files are files of their own in this directory so the tests run them for real (bash,
 * shellcheck, php -l, PHP); the script carries them as plain heredocs, and the launch template
 * receives the whole script gzip'd (packUserData).
 */
export function renderUserData(settings: BootstrapSettings): pulumi.Output<string> {
  const payload = payloadScript();
  if (payload.split("\n").includes("MAGENTO_DR_PAYLOAD")) {
    throw new Error("a bootstrap file contains the heredoc delimiter MAGENTO_DR_PAYLOAD");
  }
  return pulumi
    .all([
      settings.fileSystemId,
      settings.accessPointId,
      settings.authorityTable ?? "",
      pulumi.output(settings.endpointAllowlist),
    ])
    .apply(([fileSystemId, accessPointId, authorityTable, allowlist]) => {
      // Every key of the contract (the type says so), in the order the script documents them.
      const env: Record<InstanceVariable, string> = {
        [V.project]: settings.project,
        [V.stack]: settings.stack,
        [V.region]: settings.region,
        [V.parameterPath]: settings.parameterPath,
        [V.magentoRoot]: settings.magentoRoot ?? "/var/www/magento",
        [V.magentoUser]: settings.magentoUser ?? "nginx",
        [V.fileSystemId]: fileSystemId,
        [V.accessPointId]: accessPointId,
        [V.renderer]: `${INSTALL_DIR}/render-env.php`,
        [V.sessionModuleSource]: SESSION_MODULE_INSTALL_DIR,
        [V.endpointAllowlist]: ENDPOINT_ALLOWLIST_PATH,
        [V.metricNamespace]: METRIC_NAMESPACES.instances,
        [V.authorityTable]: authorityTable,
        [V.authorityRegion]: settings.authorityRegion ?? "",
        [V.healthPort]: String(HEALTH_PORT),
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
        `cat >${ENDPOINT_ALLOWLIST_PATH} <<'MAGENTO_DR_ENDPOINTS'`,
        JSON.stringify(allowlist),
        "MAGENTO_DR_ENDPOINTS",
        "bash -euo pipefail <<'MAGENTO_DR_PAYLOAD'",
        payload + "MAGENTO_DR_PAYLOAD",
        "exec /usr/local/bin/magento-dr boot",
        "",
      ].join("\n");
      packUserData(userData); // fails the plan here, naming the size, if it cannot fit
      return userData;
    });
}

/**
 * What the launch template carries: the script gzip'd, then base64 as the template expects.
 * cloud-init uncompresses gzip'd user data and uses it as if it were not compressed ("Gzip
 * Compressed Content", cloud-init's User-Data Formats, which gives the reason: "user-data is
 * limited to 16384 bytes"). The limit applies to the compressed bytes: the plain script is about
 * three times larger, so the files have room to grow.
 */
export function packUserData(script: string): string {
  const packed = zlib.gzipSync(script, { level: 9 });
  if (packed.length > USER_DATA_LIMIT_BYTES) {
    throw new Error(
      `user data is ${packed.length} bytes gzip'd (${Buffer.byteLength(script)} plain); ` +
        `EC2 accepts at most ${USER_DATA_LIMIT_BYTES}`,
    );
  }
  return packed.toString("base64");
}
