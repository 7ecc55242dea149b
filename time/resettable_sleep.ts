import { type Clock, systemClock } from "./clock.ts";
import type { SleepOptions } from "./sleep.ts";
import { checkDuration, checkFinite } from "./_validate.ts";

/**
 * A sleep you can move (Tokio's `Sleep`): a thenable that resolves when the
 * clock reaches its {@linkcode Sleep.prototype.deadline | deadline}, which
 * {@linkcode Sleep.prototype.reset | reset(ms)} and
 * {@linkcode Sleep.prototype.resetAt | resetAt(deadline)} change at any time.
 * Everyone awaiting it follows the new deadline. Typical use is an idle
 * timeout raced against activity and pushed back each time something happens.
 *
 * Unlike Tokio, `reset(ms)` takes a duration relative to now; `resetAt` takes
 * the absolute clock time that Tokio's `reset` takes. Resetting an elapsed
 * sleep to a future deadline makes it pending again; resetting it to a past
 * one leaves it elapsed.
 *
 * Cancellation: aborting `signal` cancels the timer and makes the sleep
 * reject with `signal.reason`, also for later awaits and after a reset.
 * Disposing it (`using`) cancels the timer: pending awaits then never settle,
 * like a dropped Tokio future.
 *
 * @example Idle timeout reset on activity
 * ```ts
 * import { FakeClock, Sleep } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * using idle = new Sleep(100, { clock });
 * let timedOut = false;
 * const watcher = idle.then(() => timedOut = true);
 * for (let i = 0; i < 3; i++) {
 *   await clock.tick(80);
 *   idle.reset(100); // activity: push the timeout back
 * }
 * assert.equal(timedOut, false);
 * await clock.tick(100);
 * await watcher;
 * assert.equal(timedOut, true);
 * assert.equal(clock.now(), 340);
 * ```
 */
export class Sleep implements PromiseLike<void>, Disposable {
  #clock: Clock;
  #signal: AbortSignal | undefined;
  #deadline: number;
  #cancelTimer: (() => void) | undefined;
  #fired = false;
  #waiters: PromiseWithResolvers<void> | undefined;

  /**
   * Starts a sleep of `ms` milliseconds.
   *
   * @param ms How long until the sleep elapses, in milliseconds.
   * @param options The signal and clock.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const sleep = new Sleep(50, { clock });
   * await clock.tick(50);
   * await sleep;
   * assert.equal(sleep.isElapsed, true);
   * ```
   */
  constructor(ms: number, options: SleepOptions = {}) {
    checkDuration(ms, "ms");
    this.#clock = options.clock ?? systemClock;
    this.#signal = options.signal;
    this.#deadline = this.#clock.now() + ms;
    if (!this.#signal?.aborted) this.#arm();
  }

  /**
   * The clock time at which the sleep elapses, in milliseconds.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock(1_000);
   * using sleep = new Sleep(50, { clock });
   * assert.equal(sleep.deadline, 1_050);
   * sleep.reset(10);
   * assert.equal(sleep.deadline, 1_010);
   * ```
   */
  get deadline(): number {
    return this.#deadline;
  }

  /**
   * Whether the sleep's timer has fired (and not been reset into the future
   * since). Awaiting an elapsed sleep resolves at once.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const sleep = new Sleep(50, { clock });
   * assert.equal(sleep.isElapsed, false);
   * await clock.tick(50);
   * assert.equal(sleep.isElapsed, true);
   * sleep.reset(5);
   * assert.equal(sleep.isElapsed, false);
   * await clock.tick(5);
   * assert.equal(sleep.isElapsed, true);
   * ```
   */
  get isElapsed(): boolean {
    return this.#fired;
  }

  /**
   * Moves the deadline to `ms` milliseconds from now (relative, unlike
   * Tokio's `reset`, which takes an instant: see
   * {@linkcode Sleep.prototype.resetAt | resetAt}).
   *
   * @param ms The new delay from now, in milliseconds.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const sleep = new Sleep(10, { clock });
   * sleep.reset(30);
   * await clock.tick(10);
   * assert.equal(sleep.isElapsed, false);
   * await clock.tick(20);
   * assert.equal(sleep.isElapsed, true);
   * ```
   */
  reset(ms: number): void {
    checkDuration(ms, "ms");
    this.#moveTo(this.#clock.now() + ms);
  }

  /**
   * Moves the deadline to the clock time `deadline` (Tokio's `reset`). A
   * deadline at or before now elapses on the next timer turn, or leaves an
   * already elapsed sleep elapsed.
   *
   * @param deadline The new deadline, in clock milliseconds.
   * @throws {RangeError} If `deadline` is NaN or infinite.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock(100);
   * const sleep = new Sleep(1_000, { clock });
   * sleep.resetAt(150);
   * await clock.tick(50);
   * assert.equal(sleep.isElapsed, true);
   * ```
   */
  resetAt(deadline: number): void {
    checkFinite(deadline, "deadline");
    this.#moveTo(deadline);
  }

  /**
   * Makes `Sleep` a thenable: `await sleep` waits for the current deadline.
   *
   * @typeParam R1 The fulfilment handler's result.
   * @typeParam R2 The rejection handler's result.
   * @param onfulfilled Called once the sleep elapses.
   * @param onrejected Called with `signal.reason` if the signal aborts first.
   * @returns A promise for the handler's result.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const sleep = new Sleep(5, { clock });
   * const at = sleep.then(() => clock.now());
   * await clock.tick(5);
   * assert.equal(await at, 5);
   * ```
   */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    let promise: Promise<void>;
    if (this.#fired) promise = Promise.resolve();
    else if (this.#signal?.aborted) promise = Promise.reject(this.#signal.reason);
    else promise = (this.#waiters ??= Promise.withResolvers<void>()).promise;
    return promise.then(onfulfilled, onrejected);
  }

  /**
   * Cancels the timer. Pending awaits never settle; the sleep can be re-armed
   * with `reset`.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Sleep } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * {
   *   using _sleep = new Sleep(5, { clock });
   *   assert.equal(clock.pending, 1);
   * }
   * assert.equal(clock.pending, 0);
   * ```
   */
  [Symbol.dispose](): void {
    this.#disarm();
  }

  #moveTo(deadline: number): void {
    this.#deadline = deadline;
    if (this.#signal?.aborted) return;
    if (this.#fired && deadline <= this.#clock.now()) return;
    this.#arm();
  }

  #arm(): void {
    this.#disarm();
    this.#fired = false;
    this.#cancelTimer = this.#clock.setTimer(
      this.#fire,
      Math.max(0, this.#deadline - this.#clock.now()),
    );
    this.#signal?.addEventListener("abort", this.#abort, { once: true });
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#signal?.removeEventListener("abort", this.#abort);
  }

  #fire = (): void => {
    this.#disarm();
    this.#fired = true;
    this.#waiters?.resolve();
    this.#waiters = undefined;
  };

  #abort = (): void => {
    this.#disarm();
    this.#waiters?.reject(this.#signal!.reason);
    this.#waiters = undefined;
  };
}
