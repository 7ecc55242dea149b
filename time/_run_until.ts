import { claim, registerClaim } from "./_claim.ts";
import type { Clock } from "./clock.ts";
import type { TimeoutWork } from "./timeout.ts";

/**
 * Settles like `work` unless `ms` milliseconds (`Infinity` for no limit)
 * pass first, rejecting with a `TimeoutError` that says how long it waited,
 * or `signal` aborts, rejecting with its reason. Either way
 * the work's own signal is aborted with the same reason, and no timer or
 * listener is left behind. A weir operation in the work that claims the
 * work's signal (it took something) disarms both: the work's result is then
 * the result.
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
    const cleanUp = () => {
      cancelTimer?.();
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (reason: unknown) => {
      cleanUp();
      reject(reason);
      controller?.abort(reason);
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
      // Once the work takes something (a message, a permit, bytes), its
      // result wins: a later deadline or abort must not drop what it took.
      // An enclosing select (or timeout) arbitrating `signal` decides first.
      registerClaim(controller.signal, () => {
        if (!claim(signal)) return false;
        cleanUp();
        return true;
      });
      try {
        promise = work(controller.signal);
      } catch (error) {
        cleanUp();
        reject(error);
        return;
      }
    } else {
      promise = work;
    }
    Promise.resolve(promise).then((value) => {
      cleanUp();
      resolve(value);
    }, (error) => {
      cleanUp();
      reject(error);
    });
  });
}
