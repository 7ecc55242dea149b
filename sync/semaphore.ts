import { BatchSemaphore } from "./_batch_semaphore.ts";
import { checkInteger, integerError } from "./_shared.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * Permits held from a {@linkcode Semaphore}. Releasing returns them (to the
 * first waiter in line, if any); `using` releases at the end of the scope.
 *
 * @example Usage
 * ```ts
 * import { Semaphore } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(3);
 * {
 *   using permit = await semaphore.acquire(2);
 *   assert.equal(permit.permits, 2);
 *   assert.equal(semaphore.available, 1);
 * }
 * assert.equal(semaphore.available, 3);
 * ```
 */
export interface SemaphorePermit extends Disposable {
  /**
   * How many permits this object still holds (0 once released or forgotten).
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const permit = await new Semaphore(2).acquire(2);
   * assert.equal(permit.permits, 2);
   * permit.release();
   * assert.equal(permit.permits, 0);
   * ```
   */
  readonly permits: number;
  /**
   * Gives the permits back to the semaphore. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * const permit = await semaphore.acquire();
   * permit.release();
   * permit.release();
   * assert.equal(semaphore.available, 1);
   * ```
   */
  release(): void;
  /**
   * Drops the permits without returning them: the semaphore's capacity
   * shrinks for good.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(2);
   * (await semaphore.acquire()).forget();
   * assert.equal(semaphore.available, 1);
   * ```
   */
  forget(): void;
  /**
   * Moves the permits `other` holds into this one (Tokio's `merge`);
   * `other` is left holding none.
   *
   * @param other A permit of the same semaphore.
   * @throws {TypeError} If `other` comes from another semaphore or is this
   * permit.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(3);
   * const permit = await semaphore.acquire(1);
   * permit.merge(await semaphore.acquire(2));
   * assert.equal(permit.permits, 3);
   * permit.release();
   * assert.equal(semaphore.available, 3);
   * ```
   */
  merge(other: SemaphorePermit): void;
  /**
   * Splits `n` of the held permits off into a new permit (Tokio's `split`).
   *
   * @param n How many to move, an integer from 0.
   * @returns The new permit, or `undefined` if this one holds fewer than `n`.
   * @throws {RangeError} If `n` is not an integer from 0.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(3);
   * const permit = await semaphore.acquire(3);
   * const part = permit.split(1);
   * assert.equal(part?.permits, 1);
   * assert.equal(permit.permits, 2);
   * assert.equal(permit.split(5), undefined);
   * part?.release();
   * assert.equal(semaphore.available, 1);
   * ```
   */
  split(n: number): SemaphorePermit | undefined;
  /**
   * Same as {@linkcode SemaphorePermit.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * {
   *   using _permit = await semaphore.acquire();
   *   assert.equal(semaphore.available, 0);
   * }
   * assert.equal(semaphore.available, 1);
   * ```
   */
  [Symbol.dispose](): void;
}

class HeldPermits implements SemaphorePermit {
  readonly #core: BatchSemaphore;
  #permits: number;

  constructor(core: BatchSemaphore, permits: number) {
    this.#core = core;
    this.#permits = permits;
  }

  get permits(): number {
    return this.#permits;
  }

  release(): void {
    const permits = this.#permits;
    this.#permits = 0;
    if (permits !== 0) this.#core.release(permits);
  }

  forget(): void {
    this.#permits = 0;
  }

  merge(other: SemaphorePermit): void {
    if (other === this) throw new TypeError("Cannot merge a SemaphorePermit into itself");
    if (!(other instanceof HeldPermits) || other.#core !== this.#core) {
      throw new TypeError("Cannot merge a SemaphorePermit of another Semaphore");
    }
    this.#permits += other.#permits;
    other.#permits = 0;
  }

  split(n: number): SemaphorePermit | undefined {
    checkInteger("n", n, 0);
    if (n > this.#permits) return undefined;
    this.#permits -= n;
    return new HeldPermits(this.#core, n);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * A fair, weighted counting semaphore, as Tokio's. `acquire(n)` waits in
 * FIFO order; a request that cannot be served takes the free permits and
 * waits for the rest, so a large request at the head is never starved by
 * later small ones (they wait behind it, and `tryAcquire` fails while anyone
 * waits). `close()` rejects every waiter with `SemaphoreClosedError`.
 *
 * @example Limit concurrency
 * ```ts
 * import { Semaphore } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(2);
 * let running = 0;
 * let peak = 0;
 * await Promise.all([1, 2, 3, 4, 5].map(async () => {
 *   using _permit = await semaphore.acquire();
 *   peak = Math.max(peak, ++running);
 *   await Promise.resolve();
 *   running--;
 * }));
 * assert.equal(peak, 2);
 * ```
 */
export class Semaphore {
  readonly #core: BatchSemaphore;

  /**
   * Creates a semaphore.
   *
   * @param permits Permits available at first, an integer from 0 to
   * `Number.MAX_SAFE_INTEGER`.
   * @throws {RangeError} If `permits` is out of range.
   */
  constructor(permits: number) {
    checkInteger("permits", permits, 0);
    this.#core = new BatchSemaphore(permits);
  }

  /**
   * Permits free right now (0 while anyone waits).
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(4);
   * using _permit = await semaphore.acquire(3);
   * assert.equal(semaphore.available, 1);
   * ```
   */
  get available(): number {
    return this.#core.available;
  }

  /**
   * How many `acquire` calls are waiting.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(0);
   * const pending = semaphore.acquire();
   * assert.equal(semaphore.waiting, 1);
   * semaphore.addPermits(1);
   * (await pending).release();
   * assert.equal(semaphore.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#core.waiting;
  }

  /**
   * Whether {@linkcode Semaphore.close} was called.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * semaphore.close();
   * assert.equal(semaphore.isClosed, true);
   * ```
   */
  get isClosed(): boolean {
    return this.#core.closed;
  }

  /**
   * Waits for `n` permits, in FIFO order with every other waiter.
   *
   * Cancel safety: safe. An aborted acquire rejects with `signal.reason` and
   * holds nothing: permits it had already collected while at the head of
   * the line are handed on to the next waiter. It loses its place in line.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param n How many permits, an integer from 0 up; 0 resolves at once.
   * @param options Abort signal.
   * @returns The held permits.
   * @throws {RangeError} (as a rejection) If `n` is not a non-negative integer.
   * @throws {SemaphoreClosedError} (as a rejection) Once the semaphore is closed.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * const first = await semaphore.acquire();
   * const second = semaphore.acquire();
   * first.release();
   * using permit = await second;
   * assert.equal(permit.permits, 1);
   * ```
   */
  acquire(n: number = 1, options?: SyncWaitOptions): Promise<SemaphorePermit> {
    const error = integerError("n", n, 0);
    if (error) return Promise.reject(error);
    const core = this.#core;
    return core.acquire(n, new HeldPermits(core, n), options?.signal);
  }

  /**
   * Takes `n` permits if that needs no waiting: enough are free and nobody
   * is already waiting.
   *
   * @param n How many permits, an integer from 0 up.
   * @returns The permits, or `undefined` if they are not available now.
   * @throws {RangeError} If `n` is not a non-negative integer.
   * @throws {SemaphoreClosedError} Once the semaphore is closed.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * const permit = semaphore.tryAcquire();
   * assert.ok(permit);
   * assert.equal(semaphore.tryAcquire(), undefined);
   * ```
   */
  tryAcquire(n: number = 1): SemaphorePermit | undefined {
    checkInteger("n", n, 0);
    const core = this.#core;
    return core.tryAcquire(n) ? new HeldPermits(core, n) : undefined;
  }

  /**
   * Removes up to `n` free permits for good (Tokio's `forget_permits`):
   * the semaphore shrinks. Permits held or collected by waiters are not
   * touched.
   *
   * @param n The most to remove, an integer from 0.
   * @returns How many were removed: `n`, or fewer if fewer were free.
   * @throws {RangeError} If `n` is out of range.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(3);
   * using _held = await semaphore.acquire(2);
   * assert.equal(semaphore.forgetPermits(5), 1);
   * assert.equal(semaphore.available, 0);
   * ```
   */
  forgetPermits(n: number): number {
    checkInteger("n", n, 0);
    return this.#core.forget(n);
  }

  /**
   * Adds `n` permits, serving waiters in order first.
   *
   * @param n How many, an integer from 0 up; the free count may not exceed
   * `Number.MAX_SAFE_INTEGER`.
   * @throws {RangeError} If `n` is out of range.
   *
   * @example Usage
   * ```ts
   * import { Semaphore } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(0);
   * semaphore.addPermits(2);
   * assert.equal(semaphore.available, 2);
   * ```
   */
  addPermits(n: number): void {
    checkInteger("n", n, 0, Number.MAX_SAFE_INTEGER - this.#core.available);
    this.#core.release(n);
  }

  /**
   * Closes the semaphore: every waiting and later `acquire` rejects with
   * `SemaphoreClosedError`, `tryAcquire` throws it. Held permits stay valid
   * and still return to the free count when released. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { Semaphore, SemaphoreClosedError } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(0);
   * const waiting = semaphore.acquire();
   * semaphore.close();
   * await assert.rejects(waiting, SemaphoreClosedError);
   * ```
   */
  close(): void {
    this.#core.close();
  }
}
