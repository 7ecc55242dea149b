import { type Clock, systemClock } from "./clock.ts";
import { sleep } from "./sleep.ts";
import { runUntil } from "./_run_until.ts";
import { checkDuration } from "./_validate.ts";

/**
 * The error {@linkcode retry} rejects with once every attempt failed. Its
 * `cause` is the last attempt's error.
 *
 * @example Usage
 * ```ts
 * import { RetryError } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const error = new RetryError([new Error("a"), new Error("b")]);
 * assert.equal(error.name, "RetryError");
 * assert.equal(error.message, "Gave up after 2 attempts, the last failed with: b");
 * assert.equal(error.errors.length, 2);
 * ```
 */
export class RetryError extends Error {
  /** Every attempt's error, in attempt order. */
  readonly errors: readonly unknown[];

  /**
   * Creates the error from the attempts' errors.
   *
   * @param errors Every attempt's error, in attempt order (at least one).
   *
   * @example Usage
   * ```ts
   * import { RetryError } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const last = new Error("down");
   * assert.equal(new RetryError([last]).cause, last);
   * ```
   */
  constructor(errors: readonly unknown[]) {
    const last = errors.at(-1);
    super(
      `Gave up after ${errors.length} attempts, the last failed with: ${
        last instanceof Error ? last.message : String(last)
      }`,
      { cause: last },
    );
    this.name = "RetryError";
    this.errors = errors;
  }
}

/** Options for {@linkcode retry}. */
export interface RetryOptions {
  /**
   * How many attempts to make in total, the first included.
   *
   * @default {5}
   */
  maxAttempts?: number | undefined;
  /**
   * The delay before the second attempt, in milliseconds, before jitter.
   *
   * @default {100}
   */
  minDelay?: number | undefined;
  /**
   * The longest delay between two attempts, in milliseconds, before jitter.
   *
   * @default {10000}
   */
  maxDelay?: number | undefined;
  /**
   * How much the delay grows after each failed attempt (at least 1).
   *
   * @default {2}
   */
  multiplier?: number | undefined;
  /**
   * How the computed delay `d` is randomised: `"full"` waits `random() * d`,
   * `"equal"` waits `d / 2 + random() * d / 2`, `"none"` waits `d`.
   *
   * @default {"full"}
   */
  jitter?: "full" | "equal" | "none" | undefined;
  /**
   * The source of randomness for jitter, returning a number in `[0, 1)`.
   *
   * @default {Math.random}
   */
  random?: (() => number) | undefined;
  /**
   * Decides whether an attempt's error is worth another attempt; when it
   * returns `false`, `retry` rejects with that error as is.
   *
   * @default {() => true}
   */
  retryIf?: ((error: unknown, attempt: number) => boolean) | undefined;
  /**
   * A time limit for each attempt, in milliseconds. An attempt that runs out
   * has its signal aborted and fails with a `TimeoutError`, which
   * `retryIf` sees like any other error.
   *
   * @default {undefined}
   */
  attemptTimeout?: number | undefined;
  /**
   * Called after a failed attempt that will be retried, with its error, its
   * number (from 1) and the delay chosen before the next one.
   *
   * @default {undefined}
   */
  onRetry?: ((error: unknown, attempt: number, delay: number) => void) | undefined;
  /**
   * Aborting it stops retrying: `retry` rejects with `signal.reason`, and
   * the running attempt's signal is aborted.
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
 * Calls `fn` until it succeeds, waiting with exponential backoff in between.
 * The first attempt runs at once; after attempt `k` fails, the delay before
 * attempt `k + 1` is `min(maxDelay, minDelay * multiplier ** (k - 1))`, then
 * jittered. With the defaults the five attempts are separated by at most 100,
 * 200, 400 and 800 ms. `fn` receives a signal (aborted on `attemptTimeout` or
 * when `signal` aborts) and the attempt number, from 1.
 *
 * Cancellation: aborting `signal` before an attempt, during one or during a
 * delay rejects with `signal.reason` and leaves no timer behind.
 *
 * @typeParam T The result of a successful attempt.
 * @param fn The operation to attempt.
 * @param options Backoff, jitter, filtering, per-attempt timeout, signal and clock.
 * @returns A promise for the first successful attempt's result.
 * @throws {RetryError} (as a rejection) After `maxAttempts` failed attempts,
 * with every attempt's error.
 * @throws {RangeError} (as a rejection) If an option is out of range.
 * @throws {TypeError} (as a rejection) If `jitter` is unknown.
 *
 * @example Usage
 * ```ts
 * import { FakeClock, retry } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const startedAt: number[] = [];
 * const result = retry((_signal, attempt) => {
 *   startedAt.push(clock.now());
 *   if (attempt < 3) throw new Error("flaky");
 *   return "ok";
 * }, { jitter: "none", clock });
 * await clock.runAll();
 * assert.equal(await result, "ok");
 * assert.deepEqual(startedAt, [0, 100, 300]);
 * ```
 */
export async function retry<T>(
  fn: (signal: AbortSignal, attempt: number) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    maxAttempts = 5,
    minDelay = 100,
    maxDelay = 10_000,
    multiplier = 2,
    jitter = "full",
    random = Math.random,
    retryIf,
    attemptTimeout,
    onRetry,
    signal,
    clock = systemClock,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`'maxAttempts' must be a positive integer: received ${maxAttempts}`);
  }
  checkDuration(minDelay, "minDelay");
  checkDuration(maxDelay, "maxDelay");
  if (maxDelay < minDelay) {
    throw new RangeError(`'maxDelay' must be at least minDelay ${minDelay}: received ${maxDelay}`);
  }
  if (!(multiplier >= 1) || multiplier === Infinity) {
    throw new RangeError(
      `'multiplier' must be a finite number of at least 1: received ${multiplier}`,
    );
  }
  if (jitter !== "full" && jitter !== "equal" && jitter !== "none") {
    throw new TypeError(
      `'jitter' must be "full", "equal" or "none": received ${JSON.stringify(jitter)}`,
    );
  }
  if (attemptTimeout !== undefined) checkDuration(attemptTimeout, "attemptTimeout");

  const errors: unknown[] = [];
  for (let attempt = 1;; attempt++) {
    try {
      return await runUntil(
        (attemptSignal) => fn(attemptSignal, attempt),
        attemptTimeout ?? Infinity,
        signal,
        clock,
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (retryIf !== undefined && !retryIf(error, attempt)) throw error;
      errors.push(error);
      if (attempt === maxAttempts) throw new RetryError(errors);
      // Capping the growth keeps `0 * Infinity` (NaN) out when minDelay is 0.
      const growth = Math.min(multiplier ** (attempt - 1), Number.MAX_VALUE);
      const base = Math.min(maxDelay, minDelay * growth);
      const delay = jitter === "none"
        ? base
        : jitter === "equal"
        ? base / 2 + random() * base / 2
        : random() * base;
      onRetry?.(error, attempt, delay);
      await sleep(delay, { signal, clock });
    }
  }
}
