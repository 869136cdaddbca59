// `npm run mutation:score`: the mutation score per folder from each folder's last JSON report
// (reports/mutation/<folder>/mutation.json), and overall. Score = detected / valid, as Stryker
// counts it: detected = Killed + Timeout; valid = detected + Survived + NoCoverage (CompileError,
// RuntimeError and Ignored mutants are not valid).
import { existsSync, readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { MUTATION_GROUPS, reportDir } from "./mutationGroups.mjs";

export function countReport(report) {
  const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const file of Object.values(report.files)) {
    for (const m of file.mutants) {
      if (m.status === "Killed") c.killed++;
      else if (m.status === "Timeout") c.timeout++;
      else if (m.status === "Survived") c.survived++;
      else if (m.status === "NoCoverage") c.noCoverage++;
      else if (m.status === "Ignored") c.ignored++;
      else c.errors++;
    }
  }
  return c;
}

const score = (c) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? "n/a" : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)} %`;
};

export function printScores() {
  const rows = [];
  const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const group of Object.keys(MUTATION_GROUPS)) {
    const file = `${reportDir(group)}/mutation.json`;
    if (!existsSync(file)) {
      rows.push([group, "not measured", "", "", "", "", "", ""]);
      continue;
    }
    const c = countReport(JSON.parse(readFileSync(file, "utf8")));
    for (const k of Object.keys(total)) total[k] += c[k];
    const when = statSync(file).mtime.toISOString().slice(0, 16).replace("T", " ");
    rows.push([group, score(c), c.killed, c.timeout, c.survived, c.noCoverage, c.ignored, when]);
  }
  rows.push([
    "overall (measured)",
    score(total),
    total.killed,
    total.timeout,
    total.survived,
    total.noCoverage,
    total.ignored,
    "",
  ]);
  const header = [
    "folder",
    "score",
    "killed",
    "timeout",
    "survived",
    "no cov",
    "ignored",
    "report (UTC)",
  ];
  const table = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printScores();
