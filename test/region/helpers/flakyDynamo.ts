// A DynamoDB client that fails chosen calls before (or after) they reach the real table
// (dynalite): throttling, a 5xx, or an answer lost after the write was applied. Every call is
// recorded, so a test asserts the attempts the code under test made.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface FlakyCall {
  command: string;
  input: Record<string, unknown>;
  failed?: string;
}

export interface FlakyRule {
  /** Which calls: command name and, optionally, a predicate on the input. */
  command: string;
  when?: (input: Record<string, unknown>) => boolean;
  /** How many matching calls fail (Infinity: all of them). */
  times: number;
  /** "before": the call never reaches the table; "after": applied, then the answer is lost. */
  at?: "before" | "after";
  error: () => Error;
  /** Another writer's work, run while this call is failing (after the write, for "after"):
   * the state the caller's retry meets is the one two faults at once leave behind. */
  meanwhile?: () => Promise<unknown>;
}

export const throttled = () =>
  Object.assign(new Error("Rate of requests exceeds the allowed throughput"), {
    name: "ProvisionedThroughputExceededException",
    $metadata: { httpStatusCode: 400 },
  });
export const unavailable = () =>
  Object.assign(new Error("Service unavailable"), {
    name: "InternalServerError",
    $metadata: { httpStatusCode: 500 },
  });

export function flakyDynamo(real: DynamoDBClient, rules: FlakyRule[]) {
  const calls: FlakyCall[] = [];
  const left = rules.map((r) => r.times);
  const client = {
    send: async (
      command: { constructor: { name: string }; input: Record<string, unknown> },
      options?: unknown,
    ) => {
      const name = command.constructor.name.replace(/Command$/, "");
      const call: FlakyCall = { command: name, input: command.input };
      calls.push(call);
      const index = rules.findIndex(
        (r, i) => r.command === name && left[i] > 0 && (!r.when || r.when(command.input)),
      );
      const rule = index >= 0 ? rules[index] : undefined;
      if (rule) left[index]--;
      if (rule && (rule.at ?? "before") === "before") {
        await rule.meanwhile?.();
        call.failed = rule.error().name;
        throw rule.error();
      }
      const out = await (real.send as (c: unknown, o?: unknown) => Promise<unknown>)(
        command,
        options,
      );
      if (rule) {
        await rule.meanwhile?.();
        call.failed = rule.error().name;
        throw rule.error();
      }
      return out;
    },
  } as unknown as DynamoDBClient;
  return { client, calls };
}

/** True for an UpdateItem whose update expression contains `text`. */
export const updating =
  (text: string) =>
  (input: Record<string, unknown>): boolean =>
    String(input.UpdateExpression ?? "").includes(text);
