import { type Clock, systemClock } from "./clock.ts";
import { checkDuration, checkFinite } from "./_validate.ts";

/** Options for {@linkcode sleep}, {@linkcode sleepUntil} and `Sleep`. */
export interface SleepOptions {
  /**
   * Aborting it ends the wait early: the promise rejects with
   * `signal.reason` and the timer is cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Where time comes from; pass a `FakeClock` in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/**
 * Waits `ms` milliseconds (Tokio's `sleep`).
 *
 * Cancellation: aborting `signal` before or during the wait rejects with
 * `signal.reason` and cancels the timer.
 *
 * @param ms How long to wait, in milliseconds.
 * @param options The signal and clock.
 * @returns A promise that resolves once `ms` have passed on the clock.
 * @throws {RangeError} (as a rejection) If `ms` is negative, NaN or infinite.
 *
 * @example Usage
 * ```ts
 * import { FakeClock, sleep } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * let woke = false;
 * const done = sleep(1_000, { clock }).then(() => woke = true);
 * await clock.tick(999);
 * assert.equal(woke, false);
 * await clock.tick(1);
 * assert.equal(await done, true);
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal, clock = systemClock } = options;
  try {
    checkDuration(ms, "ms");
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Waits until the clock reads `deadline` (Tokio's `sleep_until`). A deadline
 * at or before now resolves on the next timer turn.
 *
 * Cancellation: aborting `signal` before or during the wait rejects with
 * `signal.reason` and cancels the timer.
 *
 * @param deadline The clock time to wait for, in milliseconds (compare
 * `clock.now()`).
 * @param options The signal and clock.
 * @returns A promise that resolves once the clock reaches `deadline`.
 * @throws {RangeError} (as a rejection) If `deadline` is NaN or infinite.
 *
 * @example Usage
 * ```ts
 * import { FakeClock, sleepUntil } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock(500);
 * const done = sleepUntil(2_000, { clock }).then(() => clock.now());
 * await clock.runAll();
 * assert.equal(await done, 2_000);
 * ```
 */
export function sleepUntil(deadline: number, options: SleepOptions = {}): Promise<void> {
  try {
    checkFinite(deadline, "deadline");
  } catch (error) {
    return Promise.reject(error);
  }
  return sleep(Math.max(0, deadline - (options.clock ?? systemClock).now()), options);
}
