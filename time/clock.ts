/**
 * The source of time for everything in weir that waits: `now()` in
 * milliseconds and one-shot timers. Pass a `FakeClock` in tests to run
 * timeouts, intervals and retries instantly and deterministically.
 *
 * @example Usage
 * ```ts
 * import { type Clock, systemClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock: Clock = systemClock;
 * const cancel = clock.setTimer(() => {}, 1_000);
 * cancel();
 * assert.equal(typeof clock.now(), "number");
 * ```
 */
export interface Clock {
  /** The current time in milliseconds (monotonic for `systemClock`). */
  now(): number;
  /**
   * Calls `callback` once, `ms` milliseconds from now.
   *
   * @returns A function that cancels the timer (idempotent).
   */
  setTimer(callback: () => void, ms: number): () => void;
}

const MAX_TIMEOUT = 2_147_483_647;

/**
 * The real clock: `performance.now()` and `setTimeout`. Delays longer than
 * `setTimeout`'s 2^31-1 ms limit are chained, never fired early.
 *
 * @example Usage
 * ```ts
 * import { systemClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const fired = await new Promise<boolean>((resolve) => {
 *   systemClock.setTimer(() => resolve(true), 1);
 * });
 * assert.ok(fired);
 * ```
 */
export const systemClock: Clock = {
  now(): number {
    return performance.now();
  },
  setTimer(callback: () => void, ms: number): () => void {
    if (ms <= MAX_TIMEOUT) {
      const id = setTimeout(callback, ms);
      return () => clearTimeout(id);
    }
    // Longer than setTimeout allows: re-arm until the deadline is within reach.
    const deadline = performance.now() + ms;
    let id: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const left = deadline - performance.now();
      if (left <= 0) {
        id = undefined;
        callback();
        return;
      }
      id = setTimeout(arm, Math.min(left, MAX_TIMEOUT));
    };
    arm();
    return () => {
      if (id !== undefined) clearTimeout(id);
      id = undefined;
    };
  },
};
