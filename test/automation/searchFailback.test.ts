// What failback says about the search copy at home: each reason it is not complete yet (problems
// first, then indices still copying, then replication lag), and the resync's summary as the
// progress line prints it.
import assert from "node:assert/strict";
import { describeResync, searchNotReady } from "../../automation/searchFailback";
import type { ReplicationReport } from "../../functions/searchReplication/handler";

const report = (fields: Partial<ReplicationReport>): ReplicationReport => ({
  action: "resync",
  problems: [],
  ...fields,
});

describe("promote CLI: failback's search copy", () => {
  it("is ready only with no problem, nothing copying and no lag; says which first", () => {
    const cases: [Partial<ReplicationReport>, string | undefined][] = [
      [{}, undefined],
      [{ bootstrapping: 0, lagOperations: 0, following: 3 }, undefined],
      [
        {
          problems: ["no auto-follow rule", "index magento2_product_1 missing"],
          bootstrapping: 2,
          lagOperations: 9,
        },
        "no auto-follow rule; index magento2_product_1 missing",
      ],
      [{ bootstrapping: 2, lagOperations: 9 }, "2 index(es) still copying (BOOTSTRAPPING)"],
      [{ bootstrapping: 1 }, "1 index(es) still copying (BOOTSTRAPPING)"],
      [{ lagOperations: 9 }, "9 operations behind"],
      [{ lagOperations: 1 }, "1 operations behind"],
    ];
    for (const [fields, expected] of cases) {
      assert.equal(searchNotReady(report(fields)), expected, JSON.stringify(fields));
    }
  });

  it("summarizes a resync: dropped, following, copying, lag and problems", () => {
    assert.equal(describeResync(undefined), "no search replication configured");
    assert.equal(describeResync(report({})), "following 0 index(es)");
    assert.equal(describeResync(report({ following: 1, dropped: [] })), "following 1 index(es)");
    assert.equal(
      describeResync(
        report({
          dropped: ["magento2_product_1_v1", "magento2_category_1_v1"],
          following: 2,
          bootstrapping: 1,
          lagOperations: 40,
          problems: ["leader unreachable", "rule paused"],
        }),
      ),
      "dropped magento2_product_1_v1, magento2_category_1_v1; following 2 index(es), 1 still copying, 40 operations behind; leader unreachable; rule paused",
    );
  });
});
