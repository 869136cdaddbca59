// Without the Pulumi CLI on PATH the operator is told so, not that the stack does not exist.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../automation/errors";
import { PulumiCliMissing, requirePulumiCli } from "../../automation/pulumiCli";
import { PulumiStacks } from "../../automation/pulumiStacks";
import { PROJECT_DIR } from "../../plan/stackConfig";

describe("promote CLI: the Pulumi CLI is missing", () => {
  const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
    process.env.PATH = emptyPath;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("says the CLI is missing and how to get one (exit 2 like bad usage)", () => {
    assert.throws(
      () => requirePulumiCli(),
      (e: Error) =>
        e instanceof PulumiCliMissing &&
        e instanceof UsageError &&
        /^the Pulumi CLI is not usable from PATH \(ENOENT\): install it, or build the pinned one with scripts\/pulumi-tools.sh/.test(
          e.message,
        ),
    );
  });

  it("reading a stack's outputs fails with that message before the Automation API is asked", async () => {
    const stacks = new PulumiStacks(PROJECT_DIR, () => undefined);
    await assert.rejects(stacks.outputs("prod-use1"), PulumiCliMissing);
  });

  it("accepts a pulumi on PATH that answers `pulumi version`", () => {
    fs.writeFileSync(path.join(emptyPath, "pulumi"), "#!/bin/sh\necho v3.999.0\n", { mode: 0o755 });
    try {
      assert.equal(requirePulumiCli({ PATH: `${emptyPath}:/usr/bin:/bin` }), "v3.999.0");
    } finally {
      fs.rmSync(path.join(emptyPath, "pulumi"));
    }
  });
});
