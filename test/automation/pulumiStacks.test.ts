// The CLI's reads of deployed stacks (status, --dry-run, settings) never decrypt a secret: run
// against a stand-in `pulumi` executable that records every command line it is given.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiStacks } from "../../automation/pulumiStacks";

describe("promote CLI: reading the stacks", function () {
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
        ],
      },
    };
    // Answers like the Pulumi CLI: secret outputs masked unless --show-secrets is given.
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/usr/bin/env bash
echo "$*" >>${JSON.stringify(log)}
case "$1 $2" in
  "version "*) echo v3.200.0 ;;
  "stack output")
    if [[ " $* " == *" --show-secrets "* ]]; then echo '{"region":"eu-west-1","token":"PLAINTEXT"}'
    else echo '{"region":"eu-west-1","token":"[secret]"}'; fi ;;
  "stack export") echo ${JSON.stringify(JSON.stringify(state))} ;;
  *) exit 0 ;;
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

  it("reads outputs and resources without --show-secrets: secrets stay masked or encrypted", async () => {
    const stacks = new PulumiStacks(dir, () => undefined, path.join(dir, "bin", "pulumi"));
    assert.deepEqual(await stacks.outputs("prod-euw1"), {
      region: "eu-west-1",
      token: "[secret]",
    });
    const [resource] = await stacks.resources("prod-euw1");
    assert.equal(resource.type, "aws:lambda/function:Function");
    assert.deepEqual(resource.outputs.secretThing, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "v1:AAAA",
    });
    const calls = fs.readFileSync(log, "utf8").trim().split("\n");
    assert.ok(
      calls.some((c) => c.startsWith("stack output --json --stack prod-euw1")),
      calls.join("\n"),
    );
    assert.ok(calls.some((c) => c.startsWith("stack export --stack prod-euw1")));
    assert.deepEqual(
      calls.filter((c) => c.includes("--show-secrets")),
      [],
      "nothing was decrypted",
    );
  });
});
