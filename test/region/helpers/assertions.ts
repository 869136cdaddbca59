// node:assert with the one helper it lacks on Node 20: a partial match of an object's fields.
import assert from "node:assert/strict";

export function assertFields(actual: unknown, expected: Record<string, unknown>, message?: string) {
  assert.ok(actual && typeof actual === "object", message ?? "expected an object");
  const picked = Object.fromEntries(
    Object.keys(expected).map((k) => [k, (actual as Record<string, unknown>)[k]]),
  );
  assert.deepEqual(picked, expected, message);
}

export { assert };
