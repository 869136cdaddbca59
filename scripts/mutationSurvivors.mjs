// `npm run mutation:survivors -- [folder | report.json] [path filter] [--list]`: per file of a
// Stryker JSON report, the score and the surviving (and uncovered) mutants counted by mutator;
// --list prints each one with its line, the code and the replacement. Default report: the
// functions/region folder's (reports/mutation/functions-region/mutation.json). Triage by kind:
// the mutators that survive most say which kind of test is missing (docs/verification.md).
import { existsSync, readFileSync } from "node:fs";
import { MUTATION_GROUPS, reportDir } from "./mutationGroups.mjs";

const args = process.argv.slice(2);
const list = args.includes("--list");
const [source = "functions/region", filter = ""] = args.filter((a) => !a.startsWith("--"));
const path = source in MUTATION_GROUPS ? `${reportDir(source)}/mutation.json` : source;
if (!existsSync(path)) {
  console.error(`No report at ${path}: run \`npm run mutation -- ${source}\` first.`);
  process.exit(2);
}
const report = JSON.parse(readFileSync(path, "utf8"));
const total = { detected: 0, undetected: 0 };
for (const [file, { mutants, source: code }] of Object.entries(report.files)) {
  if (!file.includes(filter)) continue;
  const lines = code.split("\n");
  let detected = 0;
  const byMutator = {};
  const shown = [];
  for (const m of mutants) {
    if (m.status === "Killed" || m.status === "Timeout") detected++;
    if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
    byMutator[m.mutatorName] = (byMutator[m.mutatorName] ?? 0) + 1;
    const line = m.location.start.line;
    const replacement = String(m.replacement ?? "")
      .replace(/\s+/g, " ")
      .slice(0, 60);
    shown.push(
      `  ${line} ${m.status === "NoCoverage" ? "(no test) " : ""}${m.mutatorName}: ` +
        `${lines[line - 1].trim().slice(0, 90)}  =>  ${replacement}`,
    );
  }
  const undetected = shown.length;
  total.detected += detected;
  total.undetected += undetected;
  const valid = detected + undetected;
  const score = valid === 0 ? "n/a" : `${((100 * detected) / valid).toFixed(1)} %`;
  const kinds = Object.entries(byMutator)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  console.log(`${file}: ${score} (${detected} of ${valid})${kinds ? `; survivors: ${kinds}` : ""}`);
  if (list) console.log(shown.join("\n"));
}
const valid = total.detected + total.undetected;
console.log(
  `total: ${valid === 0 ? "n/a" : `${((100 * total.detected) / valid).toFixed(1)} %`} (${total.detected} of ${valid})`,
);
