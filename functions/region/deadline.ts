// Every call that can touch the network runs under a deadline. SDK timeouts bound one HTTP
// attempt; these bound a whole step (attempts, retries and polling) so that a call to a
// blackholed endpoint can never outlive the Lambda (aws-sdk-js-v3 #3710, #3722, #4666).

export class DeadlineExceeded extends Error {
  constructor(
    public readonly label: string,
    public readonly ms: number,
  ) {
    super(`${label} did not finish within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Runs `work` with an AbortSignal that fires after `ms` (or when `parent` aborts) and rejects at
 * that moment even if `work` ignores the signal: the caller is never held hostage by a hung call.
 */
export async function withDeadline<T>(
  label: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  if (parent?.aborted) throw parent.reason ?? new DeadlineExceeded(label, 0);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(label, ms)), ms);
  const onParentAbort = () => controller.abort(parent?.reason ?? new DeadlineExceeded(label, 0));
  parent?.addEventListener("abort", onParentAbort, { once: true });
  const stopped = new Promise<never>((_, reject) =>
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
      once: true,
    }),
  );
  const running = work(controller.signal);
  // Whichever promise loses the race must not surface later as an unhandled rejection.
  running.catch(() => undefined);
  stopped.catch(() => undefined);
  try {
    return await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // Declared before the closures that use it: Pulumi's closure serializer cannot capture a
    // variable a nested function refers to before its declaration.
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Exponential backoff with "equal jitter": never less than half the ceiling, so a retry is never immediate. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}
