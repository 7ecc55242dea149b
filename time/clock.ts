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
    const MAX = 2_147_483_647;
    const deadline = performance.now() + ms;
    let id: ReturnType<typeof setTimeout> | undefined;
    const arm = (delay: number) => {
      id = setTimeout(() => {
        const left = deadline - performance.now();
        if (left > MAX) arm(MAX);
        else if (left > 0 && delay === MAX) arm(left);
        else callback();
      }, Math.min(Math.max(0, delay), MAX));
    };
    arm(ms);
    return () => {
      if (id !== undefined) clearTimeout(id);
      id = undefined;
    };
  },
};
