import { claim } from "./_claim.ts";
import { type Clock, systemClock } from "./clock.ts";
import { checkPositive } from "./_validate.ts";

/** Slack for floating-point refill arithmetic, in tokens. */
const EPSILON = 1e-9;

/** Options for {@linkcode RateLimiter}. */
export interface RateLimiterOptions {
  /** How many tokens are added every `per` milliseconds, continuously. */
  rate: number;
  /**
   * The refill period, in milliseconds.
   *
   * @default {1000}
   */
  per?: number | undefined;
  /**
   * The bucket's capacity: the most tokens that can be taken at once. The
   * bucket starts full.
   *
   * @default {rate}
   */
  burst?: number | undefined;
  /**
   * Where time comes from; pass a `FakeClock` in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Options for {@linkcode RateLimiter.prototype.acquire}. */
export interface RateLimiterAcquireOptions {
  /**
   * Aborting it while waiting rejects with `signal.reason` and takes no
   * tokens.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

interface Waiter {
  readonly n: number;
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A token bucket: `rate` tokens are added every `per` milliseconds,
 * continuously, up to `burst`; the bucket starts full. Callers take tokens
 * with {@linkcode RateLimiter.prototype.acquire | acquire(n)}, which waits
 * in FIFO order, so a large request is not starved by smaller ones behind it.
 *
 * @example Ten requests per second, bursts of two
 * ```ts
 * import { FakeClock, RateLimiter } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const limiter = new RateLimiter({ rate: 10, burst: 2, clock });
 * const sentAt: number[] = [];
 * const sends = [1, 2, 3, 4].map(async () => {
 *   await limiter.acquire();
 *   sentAt.push(clock.now());
 * });
 * await clock.runAll();
 * await Promise.all(sends);
 * assert.deepEqual(sentAt, [0, 0, 100, 200]);
 * ```
 */
export class RateLimiter {
  #rate: number;
  #per: number;
  #burst: number;
  #clock: Clock;
  #tokens: number;
  #refilledAt: number;
  #queue: Waiter[] = [];
  #cancelTimer: (() => void) | undefined;

  /**
   * Creates a full bucket.
   *
   * @param options The rate, refill period, capacity and clock.
   * @throws {RangeError} If `rate`, `per` or `burst` is not a positive finite number.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, RateLimiter } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const limiter = new RateLimiter({ rate: 5, per: 60_000, clock: new FakeClock() });
   * assert.equal(limiter.available, 5);
   * ```
   */
  constructor(options: RateLimiterOptions) {
    const { rate, per = 1_000, burst = rate, clock = systemClock } = options;
    checkPositive(rate, "rate");
    checkPositive(per, "per");
    checkPositive(burst, "burst");
    this.#rate = rate;
    this.#per = per;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#refilledAt = clock.now();
  }

  /**
   * The tokens in the bucket now. It can be fractional, as the bucket
   * refills continuously.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, RateLimiter } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const limiter = new RateLimiter({ rate: 4, per: 100, clock });
   * assert.equal(limiter.tryAcquire(4), true);
   * await clock.tick(50);
   * assert.equal(limiter.available, 2);
   * ```
   */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Takes `n` tokens if they are in the bucket and nobody is waiting.
   * It never jumps the queue: with waiters it returns `false`.
   *
   * @param n How many tokens to take.
   * @returns Whether the tokens were taken.
   * @throws {RangeError} If `n` is negative, not finite or more than `burst`.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, RateLimiter } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const limiter = new RateLimiter({ rate: 3, clock: new FakeClock() });
   * assert.equal(limiter.tryAcquire(2), true);
   * assert.equal(limiter.tryAcquire(2), false);
   * assert.equal(limiter.tryAcquire(), true);
   * ```
   */
  tryAcquire(n = 1): boolean {
    this.#checkCount(n);
    if (this.#queue.length > 0) return false;
    this.#refill();
    if (this.#tokens + EPSILON < n) return false;
    this.#tokens = Math.max(0, this.#tokens - n);
    return true;
  }

  /**
   * Takes `n` tokens, waiting in FIFO order until the bucket holds them.
   *
   * Cancellation: aborting `signal` before or while waiting rejects with
   * `signal.reason`, takes no tokens and lets the next waiter move up. In a
   * losing `select` branch it takes no tokens either.
   *
   * Select safety: select-safe (it claims its signal right before it takes
   * tokens).
   *
   * @param n How many tokens to take.
   * @param options A signal to stop waiting.
   * @returns A promise that resolves once the tokens are taken.
   * @throws {RangeError} (as a rejection) If `n` is negative, not finite or
   * more than `burst`.
   *
   * @example Usage
   * ```ts
   * import { FakeClock, RateLimiter } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const limiter = new RateLimiter({ rate: 1, per: 100, clock });
   * await limiter.acquire();
   * const second = limiter.acquire().then(() => clock.now());
   * await clock.tick(100);
   * assert.equal(await second, 100);
   * ```
   */
  acquire(n = 1, options: RateLimiterAcquireOptions = {}): Promise<void> {
    const { signal } = options;
    try {
      this.#checkCount(n);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (signal !== undefined && this.#queue.length === 0 && this.available + EPSILON >= n) {
      if (!claim(signal)) return Promise.reject(signal.reason);
    }
    if (this.tryAcquire(n)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        signal,
        onAbort: () => {
          const wasHead = this.#queue[0] === waiter;
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          reject(signal!.reason);
          if (wasHead) this.#serve();
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      if (this.#queue.length === 1) this.#serve();
    });
  }

  #checkCount(n: number): void {
    if (typeof n !== "number" || !(n >= 0) || n > this.#burst) {
      throw new RangeError(`'n' must be a number from 0 to burst ${this.#burst}: received ${n}`);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#rate / this.#per);
    this.#refilledAt = now;
  }

  /** Hands tokens to waiters in order, then arms a timer for the next one. */
  #serve(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#refill();
    let head: Waiter | undefined;
    while ((head = this.#queue[0]) !== undefined && this.#tokens + EPSILON >= head.n) {
      // A failed claim (see `_claim.ts`) means the head is aborted: its abort
      // listener, now or later in the same dispatch, serves the rest.
      if (!claim(head.signal)) return;
      this.#queue.shift();
      this.#tokens = Math.max(0, this.#tokens - head.n);
      head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve();
    }
    if (head === undefined) return;
    const wait = (head.n - this.#tokens) * this.#per / this.#rate;
    this.#cancelTimer = this.#clock.setTimer(() => this.#serve(), wait);
  }
}
