// The small pieces every step stands on, with literal expectations: the deadline and the sleep
// (their listeners removed, their timers cleared, the reason passed on), the backoff's bounds,
// and how an error is named and classified (functions/region/deadline.ts, errors.ts).
import { getEventListeners } from "node:events";
import { backoffMs, DeadlineExceeded, sleep, withDeadline } from "../../functions/region/deadline";
import {
  describeError,
  errorName,
  isError,
  isThrottling,
  isTransient,
} from "../../functions/region/errors";
import { assert } from "./helpers/assertions";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("deadlines, sleeps and backoff", () => {
  it("backoff: equal jitter between half the ceiling and the ceiling, the ceiling doubling to its cap", () => {
    assert.equal(
      backoffMs(0, 100, 10_000, () => 0),
      50,
    );
    assert.equal(
      backoffMs(0, 100, 10_000, () => 1),
      100,
    );
    assert.equal(
      backoffMs(3, 100, 10_000, () => 0),
      400,
    );
    assert.equal(
      backoffMs(3, 100, 10_000, () => 1),
      800,
    );
    assert.equal(
      backoffMs(3, 100, 10_000, () => 0.5),
      600,
    );
    assert.equal(
      backoffMs(10, 100, 2_000, () => 0.5),
      1_500,
      "capped at maxMs",
    );
    assert.equal(
      backoffMs(-2, 100, 10_000, () => 1),
      100,
      "a negative attempt is the first",
    );
    assert.equal(
      backoffMs(0, 0, 0, () => 0),
      1,
      "never immediate",
    );
  });

  it("sleep: resolves after its time and leaves no listener on the signal", async () => {
    const controller = new AbortController();
    const slept = sleep(5, controller.signal);
    assert.equal(listeners(controller.signal), 1);
    await slept;
    assert.equal(listeners(controller.signal), 0);
  });

  it("sleep: an abort ends it at once with the signal's reason; an aborted signal never starts it", async () => {
    const controller = new AbortController();
    const reason = new DeadlineExceeded("step", 10);
    const started = Date.now();
    const slept = sleep(5_000, controller.signal);
    setTimeout(() => controller.abort(reason), 10);
    await assert.rejects(slept, (e: unknown) => e === reason);
    assert.ok(Date.now() - started < 1_000, "ended by the abort, not the time");
    assert.equal(listeners(controller.signal), 0);

    await assert.rejects(sleep(5_000, controller.signal), (e: unknown) => e === reason);
  });

  it("withDeadline: work that ignores its signal is cut at the deadline, with the label and time", async () => {
    let seen: AbortSignal | undefined;
    await assert.rejects(
      withDeadline("describe replica", 20, (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      }),
      (e: Error) =>
        e instanceof DeadlineExceeded &&
        e.message === "describe replica did not finish within 20 ms",
    );
    assert.equal(seen?.aborted, true, "the work's signal fired");
  });

  it("withDeadline: finished work leaves no timer and no listener on the parent", async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const value = await withDeadline(
      "quick",
      20,
      async (signal) => {
        seen = signal;
        return 42;
      },
      parent.signal,
    );
    assert.equal(value, 42);
    assert.equal(listeners(parent.signal), 0);
    await wait(40);
    assert.equal(seen?.aborted, false, "the deadline's timer was cleared");
  });

  it("withDeadline: the parent's abort stops the work with the parent's reason; an aborted parent never starts it", async () => {
    const parent = new AbortController();
    const reason = new Error("lease lost");
    const running = withDeadline("steps", 5_000, () => new Promise(() => undefined), parent.signal);
    parent.abort(reason);
    await assert.rejects(running, (e: unknown) => e === reason);

    let started = false;
    await assert.rejects(
      withDeadline(
        "late",
        5_000,
        async () => {
          started = true;
        },
        parent.signal,
      ),
      (e: unknown) => e === reason,
    );
    assert.equal(started, false);
  });
});

describe("errors: names and classes", () => {
  const withName = (name: string, extra: object = {}) =>
    Object.assign(new Error("m"), { name }, extra);

  it("the name: the modelled name, else the wire code (Code, code), never a bare Error", () => {
    assert.equal(errorName(withName("ThrottlingException")), "ThrottlingException");
    assert.equal(errorName(withName("Error", { Code: "Throttling" })), "Throttling");
    assert.equal(errorName(withName("", { code: "ECONNRESET" })), "ECONNRESET");
    assert.equal(errorName(withName("Error", { Code: 503, code: "EPIPE" })), "EPIPE");
    assert.equal(errorName(new Error("plain")), "Error");
    assert.equal(errorName({}), "Error");
    assert.equal(errorName("socket hang up"), "string");
    assert.equal(errorName(undefined), "undefined");
    assert.equal(errorName(null), "object");
    assert.deepEqual(describeError("socket hang up"), {
      name: "string",
      message: "socket hang up",
    });
    assert.deepEqual(describeError(withName("AccessDenied")), {
      name: "AccessDenied",
      message: "m",
    });
  });

  it("isError matches the name or either wire code, and nothing that is not an object", () => {
    assert.equal(
      isError(withName("Error", { Code: "InvalidParameterValue" }), "InvalidParameterValue"),
      true,
    );
    assert.equal(isError({ code: "ETIMEDOUT" }, "ETIMEDOUT"), true);
    assert.equal(isError(withName("Throttling"), "ThrottlingException"), false);
    assert.equal(isError("ThrottlingException", "ThrottlingException"), false);
    assert.equal(isError(undefined, "undefined"), false);
  });

  it("throttling: by name or by HTTP 429 only", () => {
    assert.equal(isThrottling(withName("TooManyRequestsException")), true);
    assert.equal(isThrottling(withName("Error", { $metadata: { httpStatusCode: 429 } })), true);
    assert.equal(isThrottling(withName("Error", { $metadata: { httpStatusCode: 500 } })), false);
    assert.equal(isThrottling(undefined), false);
  });

  it("transient: throttling, a named network or service fault, or any 5xx; never an abort, a deadline or a 4xx", () => {
    assert.equal(isTransient(withName("ThrottlingException")), true);
    assert.equal(isTransient(withName("Error", { code: "ECONNRESET" })), true);
    assert.equal(isTransient(withName("Error", { $metadata: { httpStatusCode: 500 } })), true);
    assert.equal(isTransient(withName("Error", { $metadata: { httpStatusCode: 503 } })), true);
    assert.equal(isTransient(withName("Error", { $metadata: { httpStatusCode: 499 } })), false);
    assert.equal(isTransient(withName("Error")), false);
    assert.equal(
      isTransient(withName("AbortError", { $metadata: { httpStatusCode: 503 } })),
      false,
    );
    assert.equal(isTransient(new DeadlineExceeded("step", 1)), false);
    assert.equal(
      isTransient(withName("DeadlineExceeded", { code: "ECONNRESET" })),
      false,
      "a deadline wins over its cause",
    );
    assert.equal(isTransient(withName("ConditionalCheckFailedException")), false);
  });
});
