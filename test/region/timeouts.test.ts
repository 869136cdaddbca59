// Deadlines, for real: a TCP endpoint on 127.0.0.1 that accepts connections and never answers,
// and REAL SDK clients (no mocks) pointed at it. Nothing may hang past its deadline.
import { createRegionalClients } from "../../functions/region/clients";
import { DeadlineExceeded, sleep, withDeadline } from "../../functions/region/deadline";
import { memoryLogger } from "../../functions/region/log";
import { promoteRegion, promotionDeps } from "../../functions/region/orchestrator";
import { assert, assertFields } from "./helpers/assertions";
import { useDynalite } from "../helpers/regionHarness";
import { FAKE_CREDENTIALS, uniqueTableName } from "./helpers/dynalite";
import { HOME, STANDBY, testSettings } from "./helpers/fixtures";
import { blackhole } from "./helpers/http";

describe("region deadlines", function () {
  this.timeout(10_000);

  it("withDeadline rejects at the deadline even when the work ignores its signal, and aborts the signal", async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const error = await withDeadline("stuck", 50, (signal) => {
      seen = signal;
      return new Promise(() => undefined);
    }).catch((e: unknown) => e);
    assert.ok(error instanceof DeadlineExceeded);
    assert.equal((error as DeadlineExceeded).label, "stuck");
    assert.ok(seen?.aborted);
    assert.ok(Date.now() - started < 500);
  });

  it("a parent's abort ends the child at once; sleep honours the signal", async () => {
    const parent = new AbortController();
    setTimeout(() => parent.abort(new DeadlineExceeded("run", 20)), 20);
    const error = await withDeadline(
      "step",
      5_000,
      (signal) => sleep(5_000, signal),
      parent.signal,
    ).catch((e: unknown) => e);
    assertFields(error, { name: "DeadlineExceeded", label: "run" });
  });

  describe("scenario 19: a blackholed endpoint", () => {
    const dynamo = useDynalite();
    let hole: Awaited<ReturnType<typeof blackhole>>;
    before(async () => {
      hole = await blackhole();
    });
    after(async () => hole.close());

    it("every step fails inside its deadline, the run reports, releases its lease and does not hang", async () => {
      const tableName = uniqueTableName();
      await dynamo().createAuthorityTable(tableName);
      const sdk = { connectionTimeoutMs: 200, requestTimeoutMs: 300, maxAttempts: 1 };
      const settings = testSettings({
        authority: { tableName, region: STANDBY },
        sdk,
        deadlines: {
          overallMs: 3_000,
          cacheMs: 800,
          databaseMs: 800,
          mediaMs: 800,
          capacityMs: 800,
          gateMs: 800,
          endpointsMs: 800,
          notifyMs: 300,
        },
      });
      // Real clients, real sockets: the endpoint accepts the connection and never answers.
      const clients = createRegionalClients(STANDBY, sdk, {
        endpoint: hole.endpoint,
        credentials: FAKE_CREDENTIALS,
      });
      const { logger, lines } = memoryLogger();
      const deps = promotionDeps(settings, {
        clients,
        authorityClient: dynamo().client(STANDBY),
        lagReaders: [async () => ({ source: "database", seconds: 0, detail: "test" })],
        log: logger,
        now: Date.now,
      });
      const started = Date.now();
      const report = await promoteRegion(deps, {
        incidentId: "blackhole-1",
        mode: "unplanned",
        epoch: 0,
        fromRegion: HOME,
        trigger: "test",
        holder: "orchestrator:eu-west-1:test",
      });
      const elapsed = Date.now() - started;
      assert.equal(report.outcome, "incomplete");
      // Phase 1 (parallel) ends by its deadline; audit + notify are bounded too.
      assert.ok(elapsed < 800 + 300 + 300 + 1_000, `took ${elapsed} ms`);
      // The critical path's first phase and the tracks that start with it all fail by their
      // deadlines; the capacity track waits for the app tier, which never serves.
      for (const name of ["cache", "database", "media", "app-tier", "gate"]) {
        const step = report.steps.find((s) => s.name === name);
        assert.equal(step?.outcome, "failed", name);
        assert.ok(
          (step?.durationMs ?? Infinity) <= 800 + 100,
          `${name} took ${step?.durationMs} ms`,
        );
      }
      for (const name of ["endpoints", "capacity"]) {
        assertFields(
          report.steps.find((s) => s.name === name),
          { outcome: "not-run" },
        );
      }
      assertFields(await deps.authority.read(), {
        phase: "promoting",
        holder: undefined,
        leaseExpiresAt: 0,
      });
      assert.ok(
        lines.some((l) => l.event === "notify-failed"),
        "a failing notification is logged, not fatal",
      );
    });
  });
});
