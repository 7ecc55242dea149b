import { type Clock, systemClock } from "./clock.ts";
import { runUntil } from "./_run_until.ts";
import { checkDuration, checkFinite } from "./_validate.ts";

/**
 * What {@linkcode timeout} bounds: a promise that is already running, or a
 * function that starts the work and stops it when its signal aborts.
 *
 * @typeParam T The work's result.
 */
export type TimeoutWork<T> = PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>);

/** Options for {@linkcode timeout} and {@linkcode timeoutAt}. */
export interface TimeoutOptions {
  /**
   * Aborting it rejects with `signal.reason` and aborts the work's signal
   * with the same reason.
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
 * Bounds `work` to `ms` milliseconds (Tokio's `timeout`). `work` is either a
 * promise that is already running or a function that receives an
 * `AbortSignal` and starts the work.
 *
 * On expiry the call rejects with a `DOMException` named `TimeoutError` that
 * says how long it waited, and the work's signal is aborted with that error
 * (where Tokio drops the future). `timeout(0, work)` rejects at once without
 * starting the work: Tokio polls the future once first, but a JavaScript
 * promise cannot be polled. A promise that settles after the timeout is
 * ignored, rejection included.
 *
 * Cancellation: aborting `signal` before or during the wait rejects with
 * `signal.reason` (the work is not started if it was already aborted),
 * aborts the work's signal and cancels the timer.
 *
 * @typeParam T The work's result.
 * @param ms The time limit, in milliseconds.
 * @param work The promise, or a function of an `AbortSignal` returning one.
 * @param options The signal and clock.
 * @returns A promise that settles like the work, unless time runs out first.
 * @throws {RangeError} (as a rejection) If `ms` is negative, NaN or infinite.
 *
 * @example Usage
 * ```ts
 * import { FakeClock, sleep, timeout } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const slow = timeout(50, (signal) => sleep(100, { signal, clock }), { clock });
 * const fast = timeout(50, (signal) => sleep(10, { signal, clock }).then(() => "done"), { clock });
 * await clock.tick(50);
 * assert.equal(await fast, "done");
 * await assert.rejects(slow, { name: "TimeoutError", message: "Timed out after 50 ms" });
 * assert.equal(clock.pending, 0);
 * ```
 */
export function timeout<T>(
  ms: number,
  work: TimeoutWork<T>,
  options: TimeoutOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  try {
    checkDuration(ms, "ms");
  } catch (error) {
    return Promise.reject(error);
  }
  return runUntil(work, ms, options.signal, clock);
}

/**
 * Bounds `work` to an absolute `deadline` on the clock (Tokio's
 * `timeout_at`), so several operations can share one time budget. It
 * behaves like {@linkcode timeout}, and a deadline at or before now rejects
 * at once with a `TimeoutError`, without starting the work.
 *
 * Cancellation: as for {@linkcode timeout}.
 *
 * @typeParam T The work's result.
 * @param deadline The clock time by which the work must settle, in ms.
 * @param work The promise, or a function of an `AbortSignal` returning one.
 * @param options The signal and clock.
 * @returns A promise that settles like the work, unless the deadline passes first.
 * @throws {RangeError} (as a rejection) If `deadline` is NaN or infinite.
 *
 * @example A deadline shared by three steps
 * ```ts
 * import { FakeClock, sleep, timeoutAt } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const deadline = clock.now() + 100;
 * const steps = (async () => {
 *   for (const ms of [40, 40, 40]) {
 *     await timeoutAt(deadline, (signal) => sleep(ms, { signal, clock }), { clock });
 *   }
 * })();
 * await clock.runAll();
 * await assert.rejects(steps, { name: "TimeoutError", message: "Timed out after 20 ms" });
 * assert.equal(clock.now(), 100);
 * ```
 */
export function timeoutAt<T>(
  deadline: number,
  work: TimeoutWork<T>,
  options: TimeoutOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  try {
    checkFinite(deadline, "deadline");
  } catch (error) {
    return Promise.reject(error);
  }
  return runUntil(work, deadline - clock.now(), options.signal, clock);
}
