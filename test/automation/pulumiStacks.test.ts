// PulumiStacks (StackOps and the state reader over the Automation API) against a stand-in
// `pulumi` executable that answers like the CLI and records every command line it is given: the
// reads never decrypt a secret, a stack is selected (never created) and must hold resources, the
// config write, refresh, preview and up run with the policy pack, the preview's engine events
// become the changes, and another update holding the stack is StackBusy, not a failure to retry.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiStacks } from "../../automation/pulumiStacks";
import { StackBusy } from "../../automation/stackOps";

describe("promote CLI: the stacks through the Automation API", function () {
  this.timeout(60_000);
  let dir: string;
  let log: string;
  let previousPath: string | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-reads-"));
    log = path.join(dir, "calls.log");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const state = {
      version: 3,
      deployment: {
        resources: [
          {
            urn: "urn:pulumi:prod-euw1::magento-dr::aws:lambda/function:Function::orchestrator",
            type: "aws:lambda/function:Function",
            outputs: {
              environment: { variables: { FAILOVER_SETTINGS: "{}" } },
              secretThing: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                ciphertext: "v1:AAAA",
              },
            },
          },
          {
            urn: "urn:pulumi:prod-euw1::magento-dr::pulumi:pulumi:Stack::magento-dr-prod-euw1",
            type: "pulumi:pulumi:Stack",
          },
        ],
      },
    };
    // What `preview --event-log` writes: one engine event per line (the Automation API tails the
    // file for CLIs before 3.205, the version this stand-in reports).
    const events = [
      { sequence: 0, timestamp: 1, preludeEvent: { config: {} } },
      {
        sequence: 1,
        timestamp: 1,
        resourcePreEvent: {
          metadata: {
            op: "same",
            urn: "urn:pulumi:prod-euw1::magento-dr::aws:rds/instance:Instance::db",
            type: "aws:rds/instance:Instance",
          },
        },
      },
      {
        sequence: 2,
        timestamp: 1,
        resourcePreEvent: {
          metadata: {
            op: "replace",
            urn: "urn:pulumi:prod-euw1::magento-dr::aws:efs/fileSystem:FileSystem::media",
            type: "aws:efs/fileSystem:FileSystem",
          },
        },
      },
      {
        sequence: 3,
        timestamp: 1,
        diagnosticEvent: { message: "warning: x", severity: "warning" },
      },
      { sequence: 4, timestamp: 1, summaryEvent: { resourceChanges: { same: 1, replace: 1 } } },
    ];
    const history = [
      {
        version: 7,
        kind: "update",
        startTime: "2026-11-29T23:00:00.000Z",
        endTime: "2026-11-29T23:01:00.000Z",
        message: "",
        environment: {},
        config: {},
        result: "succeeded",
        resourceChanges: { same: 412, update: 3 },
      },
    ];
    // Answers like the Pulumi CLI: secret outputs masked unless --show-secrets is given; prod-gone
    // does not exist; prod-empty exists with no resources; prod-busy is held by another update.
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/usr/bin/env bash
echo "$*" >>${JSON.stringify(log)}
args=" $* "
case "$1 $2" in
  "version "*) echo v3.200.0 ;;
  "stack select")
    if [[ "$args" == *" prod-gone "* ]]; then echo "error: no stack named 'prod-gone' found" >&2; exit 255; fi ;;
  "stack output")
    if [[ "$args" == *" --show-secrets "* ]]; then echo '{"region":"eu-west-1","token":"PLAINTEXT"}'
    else echo '{"region":"eu-west-1","token":"[secret]"}'; fi ;;
  "stack export")
    if [[ "$args" == *" prod-empty "* ]]; then echo '{"version":3,"deployment":{}}'
    else echo ${JSON.stringify(JSON.stringify(state))}; fi ;;
  "stack history") echo ${JSON.stringify(JSON.stringify(history))} ;;
  *)
    if [[ "$args" == *" prod-busy "* && "$1" != "config" ]]; then
      echo "error: [409] Conflict: Another update is currently in progress." >&2; exit 255
    fi
    case "$1" in
      preview)
        while [[ $# -gt 0 ]]; do
          if [[ "$1" == "--event-log" ]]; then
            printf '%s\\n' ${events.map((e) => JSON.stringify(JSON.stringify(e))).join(" ")} >"$2"
          fi
          shift
        done ;;
      up|refresh) echo "engine output of $1" ;;
    esac ;;
esac
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: magento-dr\nruntime: nodejs\n");
    previousPath = process.env.PATH;
    process.env.PATH = `${bin}:${process.env.PATH}`;
  });
  after(() => {
    process.env.PATH = previousPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => fs.writeFileSync(log, ""));

  /** The command lines the stand-in was given, `pulumi version` left out. */
  const calls = () =>
    fs
      .readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .filter((c) => c !== "version");

  const stacks = (output: string[] = []) =>
    new PulumiStacks(dir, (text) => output.push(text), path.join(dir, "bin", "pulumi"));

  it("reads outputs and resources without --show-secrets: secrets stay masked or encrypted", async () => {
    const s = stacks();
    assert.deepEqual(await s.outputs("prod-euw1"), { region: "eu-west-1", token: "[secret]" });
    assert.deepEqual(await s.resources("prod-euw1"), [
      {
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:lambda/function:Function::orchestrator",
        type: "aws:lambda/function:Function",
        outputs: {
          environment: { variables: { FAILOVER_SETTINGS: "{}" } },
          secretThing: {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            ciphertext: "v1:AAAA",
          },
        },
      },
      {
        urn: "urn:pulumi:prod-euw1::magento-dr::pulumi:pulumi:Stack::magento-dr-prod-euw1",
        type: "pulumi:pulumi:Stack",
        outputs: {},
      },
    ]);
    const made = calls();
    assert.ok(made.includes("stack output --json --stack prod-euw1"), made.join("\n"));
    assert.ok(made.includes("stack export --stack prod-euw1"), made.join("\n"));
    assert.deepEqual(
      made.filter((c) => c.includes("--show-secrets")),
      [],
      "nothing was decrypted",
    );
    // Selected once for both reads, never created.
    assert.equal(made.filter((c) => c.startsWith("stack select")).length, 1, made.join("\n"));
    assert.deepEqual(
      made.filter((c) => c.startsWith("stack init")),
      [],
    );
  });

  it("refuses a stack the backend does not have, or holds no resources of, naming it", async () => {
    await assert.rejects(stacks().outputs("prod-gone"), (error: Error) => {
      assert.match(
        error.message,
        /^stack prod-gone does not exist in this backend \([\s\S]*no stack named 'prod-gone' found[\s\S]*\): check `pulumi whoami` and the backend URL$/,
      );
      return true;
    });
    await assert.rejects(stacks().resources("prod-empty"), {
      message:
        "stack prod-empty has no deployed resources in this backend: check `pulumi whoami` and the backend URL",
    });
    assert.deepEqual(
      calls().filter((c) => c.startsWith("stack init")),
      [],
    );
  });

  it("writes the active region into the stack's config", async () => {
    await stacks().setActiveRegion("prod-euw1", "eu-west-1");
    assert.deepEqual(
      calls().filter((c) => c.startsWith("config")),
      [
        "config set magento-dr:activeRegion --stack prod-euw1 --plaintext --non-interactive -- eu-west-1",
      ],
    );
  });

  it("refresh and up stream the engine's output; up runs the policy pack and returns the summary", async () => {
    const output: string[] = [];
    const s = stacks(output);
    await s.refresh("prod-euw1");
    assert.deepEqual(await s.up("prod-euw1"), {
      resourceChanges: { same: 412, update: 3 },
      result: "succeeded",
    });
    assert.deepEqual(output.map((o) => o.trim()).filter(Boolean), [
      "engine output of refresh",
      "engine output of up",
    ]);
    const up = calls().find((c) => c.startsWith("up "));
    assert.match(up ?? "", / --policy-pack policies /);
    assert.match(up ?? "", / --policy-pack-config policies\/prod\.json /);
    assert.match(up ?? "", / --stack prod-euw1/);
  });

  it("preview: the engine's planned steps, with the policy pack", async () => {
    assert.deepEqual(await stacks().previewChanges("prod-euw1"), [
      {
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:rds/instance:Instance::db",
        type: "aws:rds/instance:Instance",
        op: "same",
      },
      {
        urn: "urn:pulumi:prod-euw1::magento-dr::aws:efs/fileSystem:FileSystem::media",
        type: "aws:efs/fileSystem:FileSystem",
        op: "replace",
      },
    ]);
    const preview = calls().find((c) => c.startsWith("preview "));
    assert.match(
      preview ?? "",
      / --policy-pack policies .*--policy-pack-config policies\/prod\.json /,
    );
  });

  it("a stack another update holds: StackBusy for refresh, preview and up, never a cancel", async () => {
    const s = stacks();
    for (const attempt of [
      () => s.refresh("prod-busy"),
      () => s.previewChanges("prod-busy"),
      () => s.up("prod-busy"),
    ]) {
      await assert.rejects(attempt(), (error: Error) => {
        assert.ok(error instanceof StackBusy, String(error));
        assert.equal(error.message, "another update is running on stack prod-busy");
        return true;
      });
    }
    assert.deepEqual(
      calls().filter((c) => c.startsWith("cancel")),
      [],
    );
  });
});
