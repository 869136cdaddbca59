// What the operator reads, as literal text: a run's output with only what changes between runs
// replaced (clock times, the test's table name, durations, the media replica's age), so a test
// can compare the whole transcript to the text written in it. Steps that run in parallel print
// in the order their fakes answer: progress lines of one block are ordered by step name (a stable
// sort, so a step's own lines keep their order); the order of steps is planned.test.ts's concern.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createRegionalClients } from "../../../functions/region/clients";
import type { CliDeps } from "../../../automation/context";
import type { Cli } from "./harness";

const PROGRESS = /^<t> {2}\S+ +(\S+)/;

export function normalize(text: string, tableName: string): string {
  return text
    .split(tableName)
    .join("<table>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<iso>")
    .replace(/\d{8}T\d{6}Z/g, "<stamp>")
    .replace(/^\d\d:\d\d:\d\dZ {2}/gm, "<t>  ")
    .replace(/^(<t> {2}\S+ +\S+ +)\d+\.\d s/gm, "$1<d> s")
    .replace(/(media +)\d+ s/g, "$1<n> s")
    .replace(/last sync \d+ s ago/g, "last sync <n> s ago");
}

/** The run's output so far, normalized, parallel steps' lines ordered by step name. */
export function transcript(c: Cli): string {
  const lines = normalize(c.output(), c.tableName).split("\n");
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    const name = (l: string) => PROGRESS.exec(l)![1];
    out.push(...block.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0)));
    block = [];
  };
  for (const line of lines) {
    if (PROGRESS.test(line)) block.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join("\n");
}

/** The questions the run asked, normalized like its transcript. */
export function questionsAsked(c: Cli): string[] {
  return c.questions.map((question) => normalize(question, c.tableName));
}

/** The text a test writes, one argument per line. */
export const text = (...lines: string[]) => lines.join("\n");

/** CliDeps overrides: the authority table behind `client` (default: one that denies every call). */
export function authorityVia(
  client: DynamoDBClient = {
    send: async () => {
      throw new Error(
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:GetItem",
      );
    },
  } as unknown as DynamoDBClient,
): Pick<CliDeps, "aws"> {
  const timeouts = { connectionTimeoutMs: 200, requestTimeoutMs: 1_000, maxAttempts: 1 };
  return {
    aws: {
      regional: (region) => createRegionalClients(region, timeouts),
      authority: () => client,
    },
  };
}
