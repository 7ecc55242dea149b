import { claim } from "./_claim.ts";
import { type Clock, systemClock } from "./clock.ts";
import { checkFinite, checkPositive } from "./_validate.ts";

/**
 * What an {@linkcode Interval} does when the consumer pulls a tick more than
 * 5 ms after it was due (Tokio's `MissedTickBehavior`), with `t` the missed
 * tick's scheduled time, `now` the time it is pulled and `period` the period:
 *
 * - `"burst"`: the next tick is due at `t + period`, so missed ticks fire back
 *   to back until the schedule has caught up with the original grid.
 * - `"delay"`: the next tick is due at `now + period`: the grid moves, and
 *   ticks are never closer together than the period.
 * - `"skip"`: the next tick is due at the first grid point after `now`
 *   (`now + period - (now - t) % period`): missed ticks are dropped.
 */
export type MissedTickBehavior = "burst" | "delay" | "skip";

/** Lateness under which a tick counts as on time, as in Tokio. */
const TOLERANCE_MS = 5;

/** Options for {@linkcode interval}. */
export interface IntervalOptions {
  /**
   * What to do after the consumer fell behind by more than 5 ms.
   *
   * @default {"burst"}
   */
  missedTick?: MissedTickBehavior | undefined;
  /**
   * The clock time of the first tick, in milliseconds (Tokio's
   * `interval_at`).
   *
   * @default {clock.now()}
   */
  start?: number | undefined;
  /**
   * Aborting it makes every pending and later `tick()` reject with
   * `signal.reason`, which also ends a `for await` loop.
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

/** Options for {@linkcode Interval.prototype.tick}. */
export interface IntervalTickOptions {
  /**
   * Aborting it rejects this `tick()` with `signal.reason`; no tick is
   * consumed.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Creates an {@linkcode Interval} that ticks every `periodMs` milliseconds,
 * the first tick at once (Tokio's `interval`, or `interval_at` with `start`).
 *
 * @param periodMs The period, in milliseconds.
 * @param options The missed-tick behaviour, start time, signal and clock.
 * @returns The interval; pull ticks with `tick()` or `for await`.
 * @throws {RangeError} If `periodMs` is not a positive finite number or
 * `start` is not finite.
 * @throws {TypeError} If `missedTick` is not `"burst"`, `"delay"` or `"skip"`.
 *
 * @example A stalled consumer under "burst"
 * ```ts
 * import { FakeClock, interval } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const ticks = interval(50, { clock });
 * assert.equal(await ticks.tick(), 0);
 * await clock.tick(200); // the consumer stalls for 200 ms
 * const burst = [await ticks.tick(), await ticks.tick(), await ticks.tick(), await ticks.tick()];
 * assert.deepEqual(burst, [50, 100, 150, 200]);
 * assert.equal(clock.now(), 200);
 * ```
 */
export function interval(periodMs: number, options: IntervalOptions = {}): Interval {
  return new Interval(periodMs, options);
}

/**
 * Ticks on a fixed period (Tokio's `Interval`). Each tick resolves to its
 * scheduled clock time, not the time it was observed. Missed ticks are worked
 * out when the consumer pulls, with the {@linkcode MissedTickBehavior}
 * chosen. No timer is armed unless a `tick()` is waiting.
 *
 * @example Usage
 * ```ts
 * import { FakeClock, Interval } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const seen: number[] = [];
 * const loop = (async () => {
 *   for await (const at of new Interval(10, { clock })) {
 *     seen.push(at);
 *     if (seen.length === 3) break;
 *   }
 * })();
 * await clock.tick(20);
 * await loop;
 * assert.deepEqual(seen, [0, 10, 20]);
 * assert.equal(clock.pending, 0);
 * ```
 */
export class Interval implements AsyncIterable<number> {
  #period: number;
  #missedTick: MissedTickBehavior;
  #clock: Clock;
  #signal: AbortSignal | undefined;
  #next: number;
  /** Wakes every waiting `tick()` so it re-reads `#next` (after `reset`). */
  #wakers = new Set<() => void>();

  /**
   * Creates an interval; see {@linkcode interval}.
   *
   * @param periodMs The period, in milliseconds.
   * @param options The missed-tick behaviour, start time, signal and clock.
   * @throws {RangeError} If `periodMs` is not a positive finite number or
   * `start` is not finite.
   * @throws {TypeError} If `missedTick` is unknown.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, Interval } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const ticks = new Interval(100, { clock, start: 30 });
   * const first = ticks.tick();
   * await clock.tick(30);
   * assert.equal(await first, 30);
   * ```
   */
  constructor(periodMs: number, options: IntervalOptions = {}) {
    checkPositive(periodMs, "periodMs");
    const { missedTick = "burst", clock = systemClock, start } = options;
    if (missedTick !== "burst" && missedTick !== "delay" && missedTick !== "skip") {
      throw new TypeError(
        `'missedTick' must be "burst", "delay" or "skip": received ${JSON.stringify(missedTick)}`,
      );
    }
    if (start !== undefined) checkFinite(start, "start");
    this.#period = periodMs;
    this.#missedTick = missedTick;
    this.#clock = clock;
    this.#signal = options.signal;
    this.#next = start ?? clock.now();
  }

  /**
   * Waits for the next tick and returns its scheduled clock time.
   *
   * Cancellation: cancel safe. Aborting the interval's or this call's signal
   * before or during the wait rejects with `signal.reason`, consumes no tick
   * and leaves no timer behind.
   *
   * Select safety: select-safe for this call's `signal` (it claims it right
   * before it consumes a tick): a losing `select` branch consumes no tick.
   *
   * @param options A signal for this call.
   * @returns A promise for the tick's scheduled time, in clock milliseconds.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, interval } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const ticks = interval(100, { clock });
   * assert.equal(await ticks.tick(), 0); // the first tick is immediate
   * const next = ticks.tick();
   * await clock.tick(100);
   * assert.equal(await next, 100);
   * ```
   */
  async tick(options: IntervalTickOptions = {}): Promise<number> {
    const signal = this.#signal && options.signal
      ? AbortSignal.any([this.#signal, options.signal])
      : this.#signal ?? options.signal;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      const due = this.#next;
      if (now >= due) {
        // A select arbitrates the branch's own signal, not the combined one.
        if (!claim(options.signal)) throw options.signal!.reason;
        this.#next = this.#after(due, now);
        return due;
      }
      await this.#wait(due - now, signal);
    }
  }

  /**
   * Schedules the next tick one period from now, whatever was due before
   * (Tokio's `Interval::reset`); a waiting `tick()` follows the new schedule.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, interval } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const ticks = interval(100, { clock });
   * await ticks.tick();
   * await clock.tick(70);
   * ticks.reset();
   * const next = ticks.tick();
   * await clock.tick(100);
   * assert.equal(await next, 170);
   * ```
   */
  reset(): void {
    this.#next = this.#clock.now() + this.#period;
    for (const wake of this.#wakers) wake();
  }

  /**
   * Iterates over the ticks' scheduled times, forever or until the
   * interval's signal aborts (the loop then throws `signal.reason`).
   * Breaking out of the loop leaves no timer behind.
   *
   * @returns An async iterator of tick times.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, interval } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const seen: number[] = [];
   * const loop = (async () => {
   *   for await (const at of interval(25, { clock, missedTick: "delay" })) {
   *     seen.push(at);
   *     if (seen.length === 4) break;
   *   }
   * })();
   * await clock.tick(75);
   * await loop;
   * assert.deepEqual(seen, [0, 25, 50, 75]);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<number, void, undefined> {
    for (;;) yield await this.tick();
  }

  /** The time the tick after one due at `due` and pulled at `now` is due. */
  #after(due: number, now: number): number {
    const period = this.#period;
    if (now <= due + TOLERANCE_MS || this.#missedTick === "burst") return due + period;
    if (this.#missedTick === "delay") return now + period;
    return now + period - (now - due) % period;
  }

  /** Resolves after `ms`, or early on `reset()`; rejects on abort. */
  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        cancelTimer();
        this.#wakers.delete(wake);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = () => {
        settle();
        resolve();
      };
      const onAbort = () => {
        settle();
        reject(signal!.reason);
      };
      const cancelTimer = this.#clock.setTimer(wake, ms);
      this.#wakers.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
