// The promotion's search track (functions/region/steps/search.ts) against the simulated standby:
// the region's search replication function invoked as Lambda invokes it (by name, in this region,
// the payload as bytes, a handler error as FunctionError), the reindex request written to SSM
// once per epoch, and the page. Expectations are the operator's literal text.
import { createLogger } from "../../functions/region/log";
import { searchStep, type StepContext } from "../../functions/region/steps";
import { summary } from "../../functions/region/steps/search";
import type { ReplicationReport } from "../../functions/searchReplication/handler";
import { assert } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { SimFunctionError } from "./helpers/simAws";

const FUNCTION = "magento-dr-prod-euw1-search-replication";
const REINDEX = "/magento-dr/prod-euw1/search/reindex-requested";

describe("promotion: the search track", () => {
  const h = useRegionHarness({
    search: { replicationFunctionName: FUNCTION, reindexParameter: REINDEX },
  });
  const payloads: unknown[] = [];
  beforeEach(() => (payloads.length = 0));

  /** The region's function, answering `report` (or failing with it). */
  const deploy = (answer: unknown, region = "eu-west-1") => {
    h.sim.state.functions[FUNCTION] = {
      region,
      answer: (payload) => {
        payloads.push(payload);
        return answer;
      },
    };
  };
  const run = (epoch = 3) => {
    const ctx: StepContext = {
      settings: h.settings,
      clients: h.sim.clients("eu-west-1"),
      mode: "unplanned",
      epoch,
      signal: new AbortController().signal,
      deadlineAt: Date.now() + 5_000,
      log: createLogger({}, () => undefined),
    };
    return searchStep.run(ctx);
  };
  const report = (fields: Partial<ReplicationReport>): ReplicationReport => ({
    action: "promote",
    role: "leader",
    problems: [],
    ...fields,
  });
  const pages = () => h.sim.state.messages.filter((m) => /needs a reindex/.test(m.subject));

  it("every index complete: replication stopped, done, the aliases and their counts in the detail", async () => {
    deploy(
      report({
        stopped: ["magento2_product_1_v3", "magento2_category_1_v3"],
        aliases: [
          {
            alias: "magento2_product_1",
            index: "magento2_product_1_v3",
            documents: 1200,
            changed: true,
          },
          {
            alias: "magento2_category_1",
            index: "magento2_category_1_v3",
            documents: 40,
            changed: false,
          },
        ],
      }),
    );
    const result = await run();
    assert.deepEqual(result, {
      outcome: "done",
      detail:
        "stopped replication on 2 index(es); magento2_product_1 -> magento2_product_1_v3 (1200 docs), " +
        "magento2_category_1 -> magento2_category_1_v3 (40 docs)",
    });
    assert.deepEqual(payloads, [{ action: "promote" }]);
    assert.deepEqual(
      h.sim.calls.filter((c) => c.service === "lambda").map((c) => [c.command, c.region]),
      [["Invoke", "eu-west-1"]],
    );
    assert.equal(REINDEX in h.sim.state.ssm, false, "no reindex asked");
    assert.deepEqual(pages(), []);
  });

  it("indices missing: a reindex requested for this epoch, once, with one page saying what to do", async () => {
    deploy(
      report({
        problems: ["magento2_product_1 has no index", "magento2_category_1 is empty"],
        aliases: [{ alias: "magento2_product_1", index: undefined, documents: 0, changed: false }],
      }),
    );
    const first = await run(3);
    assert.deepEqual(first, {
      outcome: "reindex-requested",
      detail:
        "reindex requested: magento2_product_1 has no index; magento2_category_1 is empty; " +
        "stopped replication on 0 index(es); magento2_product_1 -> none (0 docs)",
    });
    assert.equal(h.sim.state.ssm[REINDEX], "3");
    assert.deepEqual(
      pages().map((p) => p.subject),
      ["Search in eu-west-1 needs a reindex after promotion"],
    );
    const page = JSON.parse(pages()[0].message);
    assert.deepEqual(page.problems, [
      "magento2_product_1 has no index",
      "magento2_category_1 is empty",
    ]);
    assert.equal(page.reindexParameter, REINDEX);
    assert.equal(
      page.byHand,
      "on one instance of this region: bin/magento indexer:reset catalogsearch_fulltext",
    );
    assert.equal(page.check, "bin/magento indexer:status catalogsearch_fulltext");

    // The same epoch again (a resumed run): the request stands, nothing written, no second page.
    const writes = () => h.sim.writes().filter((c) => c.command !== "Invoke").length;
    const before = writes();
    const again = await run(3);
    assert.equal(again.outcome, "reindex-requested");
    assert.equal(writes(), before, "no PutParameter, no Publish");
    assert.equal(pages().length, 1);

    // A later epoch asks again.
    await run(4);
    assert.equal(h.sim.state.ssm[REINDEX], "4");
    assert.equal(pages().length, 2);
  });

  it("a page that fails leaves the reindex request, and the detail says so", async () => {
    deploy(report({ problems: ["magento2_product_1 is empty"] }));
    h.sim.fail("Publish", Object.assign(new Error("topic gone"), { name: "NotFoundException" }));
    const result = await run();
    assert.equal(result.outcome, "reindex-requested");
    assert.equal(
      result.detail,
      "reindex requested: magento2_product_1 is empty; stopped replication on 0 index(es); no aliases; page failed: topic gone",
    );
    assert.equal(h.sim.state.ssm[REINDEX], "3");
  });

  it("the function throttled while its minute reconcile runs: invoked again", async () => {
    deploy(report({ stopped: [] }));
    h.sim.fail(
      "Invoke",
      Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }),
    );
    const result = await run();
    assert.equal(result.outcome, "done");
    assert.equal(h.sim.callsOf("Invoke").length, 2);
  });

  it("a function that failed, or answered no report, fails the step with what it said", async () => {
    deploy(new SimFunctionError({ errorType: "TimeoutError", errorMessage: "domain silent" }));
    await assert.rejects(
      run(),
      (error: Error) =>
        error.message ===
        'search replication function failed (Unhandled): {"errorType":"TimeoutError","errorMessage":"domain silent"}',
    );
    deploy({ action: "promote" });
    await assert.rejects(
      run(),
      (error: Error) =>
        error.message ===
        'search replication function answered without a report: {"action":"promote"}',
    );
    assert.equal(REINDEX in h.sim.state.ssm, false, "nothing asked of the instances");
  });

  it("a function of another region is not this region's: not found, nothing written", async () => {
    deploy(report({}), "us-east-1");
    await assert.rejects(run(), (error: Error) => error.name === "ResourceNotFoundException");
    assert.deepEqual(
      h.sim.writes().filter((c) => c.command !== "Invoke"),
      [],
    );
  });

  it("without search replication configured there is nothing to do", async () => {
    await h.renew({ search: undefined });
    assert.deepEqual(await run(), {
      outcome: "already-done",
      detail: "no search replication configured",
    });
    assert.deepEqual(h.sim.callsOf("Invoke"), []);
  });

  it("the summary of a report without stopped indices or aliases", () => {
    assert.equal(summary(report({})), "stopped replication on 0 index(es); no aliases");
  });
});
