import { claim, registerClaim } from "./_claim.ts";
import type { Clock } from "./clock.ts";
import type { TimeoutWork } from "./timeout.ts";

/**
 * Settles like `work` unless `ms` milliseconds (`Infinity` for no limit)
 * pass first, rejecting with a `TimeoutError` that says how long it waited,
 * or `signal` aborts, rejecting with its reason. Either way
 * the work's own signal is aborted with the same reason, and no timer or
 * listener is left behind. If a weir operation in the work has taken
 * something (it claimed the work's signal), the work gets until the next
 * timer turn to settle after the abort: a value it returns by then is the
 * result, so a message it took is not dropped.
 */
export function runUntil<T>(
  work: TimeoutWork<T>,
  ms: number,
  signal: AbortSignal | undefined,
  clock: Clock,
): Promise<T> {
  if (signal?.aborted || ms <= 0) {
    // A running promise's late rejection is dropped, as it is after a timeout.
    if (typeof work !== "function") Promise.resolve(work).then(undefined, () => {});
    return Promise.reject(
      signal?.aborted ? signal.reason : new DOMException(
        "Timed out before the work started: the deadline had passed",
        "TimeoutError",
      ),
    );
  }
  return new Promise<T>((resolve, reject) => {
    let controller: AbortController | undefined;
    let cancelTimer: (() => void) | undefined;
    let settled = false;
    let claimed = false;
    let failure: { reason: unknown } | undefined;
    const cleanUp = () => {
      cancelTimer?.();
      signal?.removeEventListener("abort", onAbort);
    };
    const settle = (ok: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      cleanUp();
      if (ok) resolve(value as T);
      else reject(value);
    };
    const fail = (reason: unknown) => {
      if (settled || failure !== undefined) return;
      cleanUp();
      controller?.abort(reason);
      if (!claimed) return settle(false, reason);
      // The work took something (a message, a permit, bytes) and may be about
      // to return it: give it until the next timer turn (on a FakeClock, the
      // microtasks the clock drains) to settle, so what it took is returned
      // rather than dropped. A work that does not settle by then is given up.
      failure = { reason };
      cancelTimer = clock.setTimer(() => settle(false, reason), 0);
    };
    const onAbort = () => fail(signal!.reason);
    if (ms !== Infinity) {
      cancelTimer = clock.setTimer(
        () => fail(new DOMException(`Timed out after ${ms} ms`, "TimeoutError")),
        ms,
      );
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    let promise: T | PromiseLike<T>;
    if (typeof work === "function") {
      controller = new AbortController();
      // An enclosing select (or timeout) arbitrating `signal` decides first.
      registerClaim(controller.signal, () => {
        if (!claim(signal)) return false;
        claimed = true;
        return true;
      });
      try {
        promise = work(controller.signal);
      } catch (error) {
        settle(false, error);
        return;
      }
    } else {
      promise = work;
    }
    Promise.resolve(promise).then(
      (value) => settle(true, value),
      (error) => settle(false, failure === undefined ? error : failure.reason),
    );
  });
}
