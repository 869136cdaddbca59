// Lists the program must get exactly right, asserted as literals: a test that loops over the
// code's own list passes whatever the list holds (dropping search/endpoint from it included).
import * as assert from "assert";
import { ofType, planOf } from "./helpers/plan";

describe("literal lists: what a deploy must not overwrite", () => {
  it("the automation-owned SSM parameters (maintenance and the search checker's state included), and only they, ignore value changes", async () => {
    for (const stack of ["prod-use1", "prod-euw1"]) {
      const owned = ofType(await planOf(stack), "aws:ssm/parameter:Parameter")
        .filter((p) => (p.ignoreChanges ?? []).includes("value"))
        .map((p) => String(p.inputs.name).replace(`/magento-dr/${stack}/`, ""))
        .sort();
      assert.deepStrictEqual(
        owned,
        [
          "active-region",
          "automation/search-health-state",
          "cache/primary-host",
          "epoch",
          "maintenance",
          "search/endpoint",
          // The promotion's search step writes its epoch here when a reindex is needed.
          "search/reindex-requested",
        ],
        stack,
      );
    }
  });
});
