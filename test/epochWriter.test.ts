// The endpoint epoch parameter has ONE writer: functions/ssmParameters.ts bumpEpoch. The cache
// endpoint sync, the search health checker and the promotion's endpoints step ask it for a bump;
// nothing else may write the parameter. This reads every source that could (TypeScript that
// builds an SSM write, the instance scripts' `aws ssm put-parameter`) and fails when a write
// names the epoch anywhere but in bumpEpoch.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const SOURCES = ["functions", "components", "automation", "plan", "policies"];

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : files(full);
    return /\.(ts|sh|php)$/.test(e.name) ? [full] : [];
  });
}

/**
 * The parameter name of each SSM write in `text`: PutParameterCommand's `Name:`, writeString's
 * second argument, `aws ssm put-parameter --name`.
 */
function writtenNames(text: string): { at: number; name: string }[] {
  const found: { at: number; name: string }[] = [];
  const patterns = [
    /new PutParameterCommand\(\s*\{[^}]*?\bName:\s*([^,}\n]+)/g,
    /\bwriteString\(\s*[^,]+,\s*([^,)]+)/g,
    /put-parameter\b[^\n]*?--name[ =]("[^"]*"|\S+)/g,
  ];
  for (const pattern of patterns) {
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      found.push({ at: m.index, name: m[1].trim() });
    }
  }
  return found;
}

describe("the endpoint epoch parameter's one writer", () => {
  it("only bumpEpoch writes the epoch; every other SSM write names something else", () => {
    const writers: string[] = [];
    for (const file of SOURCES.flatMap((d) => files(path.join(ROOT, d)))) {
      const text = fs.readFileSync(file, "utf8");
      for (const { at, name } of writtenNames(text)) {
        if (/epoch/i.test(name)) {
          writers.push(
            `${path.relative(ROOT, file)}:${text.slice(0, at).split("\n").length} ${name}`,
          );
        }
      }
    }
    assert.deepStrictEqual(writers, [], "a second writer of the epoch parameter");
    // And bumpEpoch is a writer: its one PutParameterCommand names the parameter it was given.
    const ssm = fs.readFileSync(path.join(ROOT, "functions/ssmParameters.ts"), "utf8");
    const bump = ssm.slice(ssm.indexOf("export async function bumpEpoch"));
    assert.deepStrictEqual(
      writtenNames(bump.slice(0, bump.indexOf("\n}\n"))).map((w) => w.name),
      ["parameterName"],
    );
  });

  it("the three that change endpoints ask bumpEpoch, none writes it itself", () => {
    for (const file of [
      "functions/cacheEndpointSync.ts",
      "functions/searchHealth.ts",
      "functions/region/steps/endpoints.ts",
    ]) {
      assert.match(fs.readFileSync(path.join(ROOT, file), "utf8"), /\bbumpEpoch\(/, file);
    }
  });

  it("the scan sees a second writer: a write naming the epoch outside bumpEpoch is found", () => {
    const samples = [
      `await writeString(ssm(), settings.epochParameterName, "7");`,
      `new PutParameterCommand({ Name: names.epoch, Value: String(ctx.epoch), Type: "String" })`,
      `aws ssm put-parameter --name "\${PARAM_PATH}epoch" --value 2`,
    ];
    for (const sample of samples) {
      assert.match(writtenNames(sample)[0]?.name ?? "", /epoch/i, sample);
    }
    // A write whose value, not its name, is an epoch is not a writer of the parameter.
    const reindex = `new PutParameterCommand({ Name: parameter, Value: String(ctx.epoch) })`;
    assert.doesNotMatch(writtenNames(reindex)[0].name, /epoch/i);
  });
});
