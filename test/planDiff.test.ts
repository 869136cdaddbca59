// The property-level diff behind `npm run plan -- --diff`.
import * as assert from "assert";
import { diffPlans, diffValues } from "../plan/diff";
import { PlannedResource } from "../plan/runProgram";

function resource(urn: string, inputs: Record<string, unknown>): PlannedResource {
  return { urn, inputs } as unknown as PlannedResource;
}

describe("offline plan: --diff", () => {
  it("names each changed leaf with its path, and nothing that did not change", () => {
    assert.deepStrictEqual(
      diffValues(
        { a: 1, tags: { Role: "standby", Keep: "x" }, list: [1, 2], gone: true },
        { a: 1, tags: { Role: "active", Keep: "x" }, list: [1, 3], added: "y" },
      ),
      [
        { path: "added", before: undefined, after: "y" },
        { path: "gone", before: true, after: undefined },
        { path: "list[1]", before: 2, after: 3 },
        { path: "tags.Role", before: "standby", after: "active" },
      ],
    );
  });

  it("reports a list whose length changed as one change of the whole list", () => {
    assert.deepStrictEqual(diffValues({ l: [1] }, { l: [1, 2] }), [
      { path: "l", before: [1], after: [1, 2] },
    ]);
  });

  it("lists created, deleted and updated resources by URN, and skips unchanged ones", () => {
    const changes = diffPlans(
      [resource("urn:b", { x: 1 }), resource("urn:a", { x: 1 }), resource("urn:c", { x: 1 })],
      [resource("urn:a", { x: 2 }), resource("urn:c", { x: 1 }), resource("urn:d", {})],
    );
    assert.deepStrictEqual(changes, [
      { urn: "urn:a", kind: "update", properties: [{ path: "x", before: 1, after: 2 }] },
      { urn: "urn:b", kind: "delete", properties: [] },
      { urn: "urn:d", kind: "create", properties: [] },
    ]);
  });
});
