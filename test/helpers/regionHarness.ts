// The simulated region every test/region file builds: a local DynamoDB (dynalite) for the file, and
// for each test a fresh authority table, simulated AWS and clock (test/region/helpers/fixtures.ts
// `harness`). These register the mocha hooks once, instead of the same four hooks in every file.
import type { RegionFailoverSettingsInput } from "../../functions/region";
import { startDynalite, type LocalDynamo } from "../region/helpers/dynalite";
import { harness, type Harness } from "../region/helpers/fixtures";

type Overrides = Partial<RegionFailoverSettingsInput>;

/**
 * Starts dynalite before the enclosing describe block and stops it after; answers the running
 * instance (call it inside a hook or a test, never at describe time).
 */
export function useDynalite(): () => LocalDynamo {
  let dynamo: LocalDynamo | undefined;
  before(async () => {
    dynamo = await startDynalite();
  });
  after(async () => {
    await dynamo?.stop();
    dynamo = undefined;
  });
  return () => {
    if (!dynamo) throw new Error("dynalite is not running: use it inside a hook or a test");
    return dynamo;
  };
}

/** The current test's harness, and more on the same dynalite when a test needs them. */
export type RegionHarness = Harness & {
  /** Closes the current harness and puts a fresh one (these overrides) in its place. */
  renew(overrides?: Overrides): Promise<void>;
  /** Another harness beside the current one (the caller closes it). */
  another(overrides?: Overrides): Promise<Harness>;
};

/**
 * A fresh region harness for each test of the enclosing describe block, closed after it. The
 * settings overrides may be a function, evaluated in the beforeEach hook, for values that exist
 * only then (a health server an earlier beforeEach started). The answer stands for the current
 * test's harness: read it inside hooks and tests only.
 */
export function useRegionHarness(overrides: Overrides | (() => Overrides) = {}): RegionHarness {
  const dynamo = useDynalite();
  const settings = () => (typeof overrides === "function" ? overrides() : overrides);
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await harness(dynamo(), settings());
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const active = (): Harness => {
    if (!current)
      throw new Error("no region harness outside a test: use it inside a hook or a test");
    return current;
  };
  const extra = {
    renew: async (o: Overrides = settings()) => {
      await current?.close();
      current = await harness(dynamo(), o);
    },
    another: (o: Overrides = settings()) => harness(dynamo(), o),
  };
  return new Proxy({} as RegionHarness, {
    get: (_, key) => (key in extra ? Reflect.get(extra, key) : Reflect.get(active(), key)),
    set: (_, key, value) => Reflect.set(active(), key, value),
    has: (_, key) => key in extra || Reflect.has(active(), key),
  });
}
