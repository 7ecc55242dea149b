import { GuardedValue } from "./_batch_semaphore.ts";
import { Guard } from "./_guard.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * Exclusive access to a {@linkcode Mutex}'s value until released; `using`
 * releases at the end of the scope. Reading or writing `value` after the
 * release throws a `TypeError`.
 *
 * @typeParam T The protected value.
 *
 * @example Usage
 * ```ts
 * import { Mutex } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex({ hits: 0 });
 * {
 *   using guard = await mutex.lock();
 *   guard.value.hits++;
 * }
 * assert.equal(mutex.tryLock()?.value.hits, 1);
 * ```
 */
export interface MutexGuard<T> extends Disposable {
  /**
   * The protected value; assign to replace it.
   *
   * @throws {TypeError} Once the guard is released.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(1);
   * const guard = await mutex.lock();
   * guard.value += 1;
   * guard.release();
   * assert.throws(() => guard.value, TypeError);
   * assert.equal((await mutex.lock()).value, 2);
   * ```
   */
  value: T;
  /**
   * Unlocks, handing the lock to the next waiter if any. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex("x");
   * const guard = await mutex.lock();
   * guard.release();
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  release(): void;
  /**
   * Same as {@linkcode MutexGuard.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(0);
   * {
   *   using _guard = await mutex.lock();
   *   assert.equal(mutex.isLocked, true);
   * }
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * An async mutual-exclusion lock around a value, FIFO fair as Tokio's: a
 * released lock goes straight to the longest waiter, never to a later
 * caller. Hold it across `await`s to serialise async critical sections.
 * There is no deadlock detection: take several locks in one fixed order.
 *
 * @typeParam T The protected value.
 *
 * @example Usage
 * ```ts
 * import { Mutex } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const counter = new Mutex(0);
 * await Promise.all(Array.from({ length: 10 }, async () => {
 *   using guard = await counter.lock();
 *   const seen = guard.value;
 *   await Promise.resolve();
 *   guard.value = seen + 1;
 * }));
 * assert.equal(counter.tryLock()?.value, 10);
 * ```
 */
export class Mutex<T> {
  readonly #state: GuardedValue<T>;

  /**
   * Creates an unlocked mutex.
   *
   * @param value The value to protect.
   */
  constructor(value: T) {
    this.#state = new GuardedValue(value, 1);
  }

  /**
   * Whether a guard is held right now.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(0);
   * assert.equal(mutex.isLocked, false);
   * using _guard = await mutex.lock();
   * assert.equal(mutex.isLocked, true);
   * ```
   */
  get isLocked(): boolean {
    return this.#state.available === 0;
  }

  /**
   * Waits for the lock, in FIFO order. An unlocked mutex resolves without
   * queueing.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason`, never
   * holds the lock, and loses its place in line.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal (for a timeout: `AbortSignal.timeout(ms)`).
   * @returns The guard.
   *
   * @example Give up after a timeout
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(0);
   * using _held = await mutex.lock();
   * await assert.rejects(
   *   mutex.lock({ signal: AbortSignal.timeout(1) }),
   *   { name: "TimeoutError" },
   * );
   * ```
   */
  lock(options?: SyncWaitOptions): Promise<MutexGuard<T>> {
    const state = this.#state;
    return state.acquire(1, new Guard(state, 1, "MutexGuard"), options?.signal);
  }

  /**
   * Takes the lock if it is free and nobody waits for it.
   *
   * @returns The guard, or `undefined` if locking would wait.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(0);
   * const guard = mutex.tryLock();
   * assert.ok(guard);
   * assert.equal(mutex.tryLock(), undefined);
   * ```
   */
  tryLock(): MutexGuard<T> | undefined {
    const state = this.#state;
    return state.tryAcquire(1) ? new Guard(state, 1, "MutexGuard") : undefined;
  }

  /**
   * Locks, runs `fn` with the guard, and unlocks when `fn` settles, also
   * when it throws.
   *
   * Cancel safety: the signal only aborts the wait for the lock; once `fn`
   * runs, it runs to completion.
   *
   * Select safety: select-safe for the wait (the lock is claimed, see
   * {@linkcode claimSignal}); once `fn` runs, its branch has won.
   *
   * @typeParam R What `fn` resolves.
   * @param fn The critical section.
   * @param options Abort signal for the wait.
   * @returns What `fn` returned.
   *
   * @example Usage
   * ```ts
   * import { Mutex } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const log = new Mutex<string[]>([]);
   * const length = await log.runExclusive((guard) => guard.value.push("a"));
   * assert.equal(length, 1);
   * ```
   */
  async runExclusive<R>(
    fn: (guard: MutexGuard<T>) => R | PromiseLike<R>,
    options?: SyncWaitOptions,
  ): Promise<R> {
    using guard = await this.lock(options);
    return await fn(guard);
  }
}
