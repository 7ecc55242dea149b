import type { Clock } from "./clock.ts";
import { checkDuration, checkFinite } from "./_validate.ts";

/** How many microtask turns run between two timers (see {@linkcode FakeClock}). */
const MICROTASK_TURNS = 100;
/** How many timers `runAll()` fires, or `tick()` fires at one instant, before giving up. */
const MAX_TIMERS = 10_000;

interface FakeTimer {
  readonly deadline: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A manual {@linkcode Clock} for tests: time stands still until you call
 * {@linkcode FakeClock.prototype.tick | tick(ms)} or
 * {@linkcode FakeClock.prototype.runAll | runAll()}, which advance it and fire
 * due timers in deadline order (ties in creation order), so sleeps, timeouts,
 * intervals and retries run instantly and deterministically.
 *
 * Between two timers, and before and after advancing, the clock lets pending
 * promise callbacks run by awaiting 100 microtask turns. That settles any
 * chain of up to 100 promise hops (`await`s, `.then`s, async returns) that
 * does not wait for a macrotask or real I/O, so code resumed by one timer can
 * arm the next before the clock moves on. No real timer is ever created.
 *
 * @example Usage
 * ```ts
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * let woke = false;
 * clock.setTimer(() => woke = true, 1_000);
 * await clock.tick(999);
 * assert.equal(woke, false);
 * await clock.tick(1);
 * assert.equal(woke, true);
 * assert.equal(clock.now(), 1_000);
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  /** Armed timers sorted by `(deadline, seq)`. */
  #timers: FakeTimer[] = [];
  #advancing = false;

  /**
   * Creates a clock that reads `start` until it is advanced.
   *
   * @param start The initial time in milliseconds.
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new FakeClock(5_000).now(), 5_000);
   * ```
   */
  constructor(start = 0) {
    checkFinite(start, "start");
    this.#now = start;
  }

  /**
   * The current fake time in milliseconds.
   *
   * @returns The time, which only moves inside `tick()` and `runAll()`.
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock(10);
   * await clock.tick(5);
   * assert.equal(clock.now(), 15);
   * ```
   */
  now(): number {
    return this.#now;
  }

  /**
   * Arms a timer that fires when the clock reaches `now() + ms`. A negative
   * `ms` counts as 0, as with `setTimeout`; the timer still only fires
   * inside `tick()` or `runAll()`.
   *
   * @param callback Called once when the timer fires.
   * @param ms The delay in milliseconds.
   * @returns A function that cancels the timer (idempotent).
   * @throws {RangeError} If `ms` is NaN or infinite.
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const fired: string[] = [];
   * clock.setTimer(() => fired.push("b"), 20);
   * const cancel = clock.setTimer(() => fired.push("x"), 10);
   * clock.setTimer(() => fired.push("a"), 10);
   * cancel();
   * assert.equal(clock.pending, 2);
   * await clock.tick(20);
   * assert.deepEqual(fired, ["a", "b"]);
   * ```
   */
  setTimer(callback: () => void, ms: number): () => void {
    checkFinite(ms, "ms");
    const timer: FakeTimer = { deadline: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.splice(this.#indexAfter(timer), 0, timer);
    return () => {
      const i = this.#indexAfter(timer) - 1;
      if (this.#timers[i] === timer) this.#timers.splice(i, 1);
    };
  }

  /**
   * The number of armed timers (fired and cancelled ones are not counted).
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * clock.setTimer(() => {}, 10);
   * assert.equal(clock.pending, 1);
   * await clock.tick(10);
   * assert.equal(clock.pending, 0);
   * ```
   */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Advances the clock by `ms`, one timer at a time: each due timer (including
   * ones armed while advancing) fires at its own deadline, in deadline order,
   * with promise callbacks settled in between; then the clock reads the
   * target time. `tick(0)` settles promise callbacks and fires timers due now.
   *
   * @param ms How far to advance, in milliseconds.
   * @returns A promise that resolves once the clock reached the target.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   * @throws {Error} If another `tick()` or `runAll()` is still running, if a
   * timer callback throws (the error propagates), or if more than 10,000
   * timers fire at one instant (a timer re-arming itself with no delay).
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const seen: number[] = [];
   * const every = (ms: number) => {
   *   clock.setTimer(() => {
   *     seen.push(clock.now());
   *     every(ms);
   *   }, ms);
   * };
   * every(3);
   * await clock.tick(10);
   * assert.deepEqual(seen, [3, 6, 9]);
   * assert.equal(clock.now(), 10);
   * ```
   */
  async tick(ms: number): Promise<void> {
    checkDuration(ms, "ms");
    await this.#advance(this.#now + ms);
  }

  /**
   * Fires every timer, including ones armed while running, advancing the
   * clock to each deadline in turn, until none is armed.
   *
   * @returns A promise that resolves once no timer is armed.
   * @throws {Error} If more than 10,000 timers fire (something keeps
   * re-arming; advance with `tick(ms)` instead), if another `tick()` or
   * `runAll()` is still running, or if a timer callback throws.
   *
   * @example Usage
   * ```ts
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
   * const done = (async () => {
   *   await wait(100);
   *   await wait(200);
   *   return clock.now();
   * })();
   * await clock.runAll();
   * assert.equal(await done, 300);
   * assert.equal(clock.pending, 0);
   * ```
   */
  async runAll(): Promise<void> {
    await this.#advance(undefined);
  }

  /** Fires timers up to `target` (or all of them when undefined). */
  async #advance(target: number | undefined): Promise<void> {
    if (this.#advancing) {
      throw new Error("FakeClock is already advancing: await the running tick() or runAll() first");
    }
    this.#advancing = true;
    try {
      await settle();
      let fired = 0;
      let firedNow = 0;
      for (;;) {
        const timer = this.#timers[0];
        if (timer === undefined || (target !== undefined && timer.deadline > target)) break;
        if (target === undefined && fired === MAX_TIMERS) {
          throw new Error(
            `FakeClock.runAll() fired ${MAX_TIMERS} timers and ${this.#timers.length} are still armed: a timer keeps re-arming itself, advance with tick(ms) instead`,
          );
        }
        firedNow = timer.deadline === this.#now ? firedNow + 1 : 1;
        if (firedNow > MAX_TIMERS) {
          throw new Error(
            `FakeClock fired more than ${MAX_TIMERS} timers at ${this.#now} ms without advancing: a timer keeps re-arming itself with no delay`,
          );
        }
        fired++;
        this.#timers.shift();
        this.#now = timer.deadline;
        timer.callback();
        await settle();
      }
      if (target !== undefined) this.#now = target;
      await settle();
    } finally {
      this.#advancing = false;
    }
  }

  /** The index just past every timer ordered at or before `timer`. */
  #indexAfter(timer: FakeTimer): number {
    const timers = this.#timers;
    let lo = 0;
    let hi = timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = timers[mid]!;
      if (
        other.deadline < timer.deadline ||
        (other.deadline === timer.deadline && other.seq <= timer.seq)
      ) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Lets pending promise callbacks run, without a macrotask. */
async function settle(): Promise<void> {
  for (let i = 0; i < MICROTASK_TURNS; i++) await Promise.resolve();
}
