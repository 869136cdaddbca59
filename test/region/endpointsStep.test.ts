// The end of the critical path on its own (functions/region/steps/endpoints.ts) against the
// simulated standby: when it refuses, what it writes (only what differs, then one epoch bump),
// what it says, and the cache fallback while the cache group is not writable.
import { endpointsStep, type StepContext } from "../../functions/region/steps";
import { CACHE_FALLBACK_HOST } from "../../functions/region/steps";
import { memoryLogger } from "../../functions/region/log";
import { assert } from "./helpers/assertions";
import { useRegionHarness } from "../helpers/regionHarness";
import { SIM_IDS } from "./helpers/simAws";

describe("promotion: the endpoints step", () => {
  const h = useRegionHarness();
  /** The parameter names the instances read (the harness's settings). */
  const P = () => h.settings.parameters;
  let lines: Record<string, unknown>[];
  const run = () => {
    const log = memoryLogger();
    lines = log.lines;
    const ctx: StepContext = {
      settings: h.settings,
      clients: h.sim.clients("eu-west-1"),
      mode: "unplanned",
      epoch: 1,
      signal: new AbortController().signal,
      deadlineAt: Date.now() + 5_000,
      log: log.logger,
    };
    return endpointsStep.run(ctx);
  };
  const events = () => lines.map(({ time: _t, ...rest }) => rest);
  const puts = () => h.sim.callsOf("PutParameter").map((c) => c.input.Name);
  /** The database promoted and writable. */
  const writableDatabase = () => {
    h.sim.state.db.source = undefined;
    h.sim.state.db.status = "available";
  };

  it("a database still replicating: refused, nothing written", async () => {
    await assert.rejects(
      run(),
      (e: Error) => e.message === "local database is not writable yet (available)",
    );
    assert.deepEqual(puts(), []);
  });

  it("a promoted database still modifying: refused, naming its status", async () => {
    writableDatabase();
    h.sim.state.db.status = "modifying";
    await assert.rejects(
      run(),
      (e: Error) => e.message === "local database is not writable yet (modifying)",
    );
    assert.deepEqual(puts(), []);
  });

  it("the cache writable: every parameter pointed here, then one epoch bump; a rerun writes nothing", async () => {
    writableDatabase();
    h.sim.state.cache.role = "standalone";
    const result = await run();
    assert.deepEqual(result, {
      outcome: "done",
      detail: `updated ${P().dbWriter}, ${P().cachePrimary}, ${P().searchEndpoint}, ${P().activeRegion}, ${P().maintenance}, epoch 1`,
    });
    assert.deepEqual(h.sim.state.ssm, {
      [P().dbWriter]: SIM_IDS.dbEndpoint,
      [P().cachePrimary]: SIM_IDS.cacheEndpoint,
      [P().searchEndpoint]: "vpc-magento-euw1.eu-west-1.es.amazonaws.com",
      [P().activeRegion]: "eu-west-1",
      [P().maintenance]: "off",
      [P().epoch]: "1",
    });
    assert.deepEqual(puts().slice(-1), [P().epoch], "the bump comes last");
    assert.deepEqual(events(), []);

    const before = puts().length;
    assert.deepEqual(await run(), {
      outcome: "already-done",
      detail: "parameters already point here",
    });
    assert.equal(puts().length, before, "no write, no bump");
  });

  it("only what differs is written", async () => {
    writableDatabase();
    h.sim.state.cache.role = "standalone";
    h.sim.state.ssm[P().dbWriter] = SIM_IDS.dbEndpoint;
    h.sim.state.ssm[P().searchEndpoint] = "vpc-magento-euw1.eu-west-1.es.amazonaws.com";
    h.sim.state.ssm[P().epoch] = "4";
    const result = await run();
    assert.deepEqual(result, {
      outcome: "done",
      detail: `updated ${P().cachePrimary}, ${P().activeRegion}, ${P().maintenance}, epoch 5`,
    });
    assert.deepEqual(puts(), [P().cachePrimary, P().activeRegion, P().maintenance, P().epoch]);
  });

  it("the cache still a secondary: Magento on its local cache, said in the detail and the log", async () => {
    writableDatabase();
    const result = await run();
    assert.equal(result.outcome, "done");
    assert.match(result.detail, /, epoch 1; Magento on its local cache$/);
    assert.equal(h.sim.state.ssm[P().cachePrimary], CACHE_FALLBACK_HOST);
    assert.deepEqual(events(), [
      { level: "warn", event: "cache-fallback", role: "secondary", status: "available" },
    ]);
    assert.deepEqual(await run(), {
      outcome: "already-done",
      detail: "parameters already point here; Magento on its local cache",
    });
  });

  it("the cache unreadable: the fallback too, and the reason logged", async () => {
    writableDatabase();
    h.sim.state.cache.role = "standalone";
    h.sim.fail(
      "DescribeReplicationGroups",
      Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
    );
    const result = await run();
    assert.match(result.detail, /; Magento on its local cache$/);
    assert.deepEqual(events(), [
      { level: "warn", event: "cache-unreadable", error: "User is not authorized" },
      { level: "warn", event: "cache-fallback" },
    ]);
  });
});
