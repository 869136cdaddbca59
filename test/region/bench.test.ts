// The benchmark's contract only (its shape, and that both runs complete); its figures are printed
// by `npx ts-node --transpile-only bench/promotion.ts`, never asserted as wall-clock claims.
import { benchPromotion } from "../../bench/promotion";
import { assert } from "./helpers/assertions";

describe("bench/promotion", function () {
  this.timeout(10_000);
  it("returns tiers, latency and both timings", async () => {
    const result = await benchPromotion(1);
    assert.deepEqual(Object.keys(result).sort(), [
      "parallelMs",
      "sequentialMs",
      "shopReadyMs",
      "stepLatencyMs",
      "tiers",
    ]);
    assert.equal(result.tiers, 8);
    assert.ok(result.parallelMs > 0 && result.sequentialMs > 0);
    assert.ok(result.shopReadyMs > 0 && result.shopReadyMs <= result.parallelMs);
  });
});
