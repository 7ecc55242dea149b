import { GuardedValue } from "./_batch_semaphore.ts";
import { Guard } from "./_guard.ts";
import { checkInteger } from "./_shared.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

const MAX_READERS = 536_870_911;

/**
 * Shared read access to an {@linkcode RwLock}'s value until released.
 * Reading `value` after the release throws a `TypeError`.
 *
 * @typeParam T The protected value.
 *
 * @example Usage
 * ```ts
 * import { RwLock } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock([1, 2, 3]);
 * using a = await lock.read();
 * using b = await lock.read();
 * assert.equal(a.value, b.value);
 * ```
 */
export interface RwLockReadGuard<T> extends Disposable {
  /**
   * The protected value.
   *
   * @throws {TypeError} Once the guard is released.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const guard = await new RwLock("config").read();
   * assert.equal(guard.value, "config");
   * ```
   */
  readonly value: T;
  /**
   * Gives up the read access. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * const guard = await lock.read();
   * assert.equal(lock.tryWrite(), undefined);
   * guard.release();
   * assert.ok(lock.tryWrite());
   * ```
   */
  release(): void;
  /**
   * Same as {@linkcode RwLockReadGuard.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * {
   *   using _guard = await lock.read();
   * }
   * assert.ok(lock.tryWrite());
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * Exclusive write access to an {@linkcode RwLock}'s value until released.
 * Using `value` after the release throws a `TypeError`.
 *
 * @typeParam T The protected value.
 *
 * @example Usage
 * ```ts
 * import { RwLock } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock(1);
 * {
 *   using guard = await lock.write();
 *   guard.value = 2;
 * }
 * assert.equal((await lock.read()).value, 2);
 * ```
 */
export interface RwLockWriteGuard<T> extends Disposable {
  /**
   * The protected value; assign to replace it.
   *
   * @throws {TypeError} Once the guard is released.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const guard = await new RwLock<number[]>([]).write();
   * guard.value.push(1);
   * assert.deepEqual(guard.value, [1]);
   * ```
   */
  value: T;
  /**
   * Gives up the write access. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * const guard = await lock.write();
   * guard.release();
   * assert.ok(lock.tryRead());
   * ```
   */
  release(): void;
  /**
   * Turns the write access into read access without letting a writer in
   * between; waiting readers may then enter, unless a writer is first in
   * line. This guard is released by the call.
   *
   * @returns The read guard.
   * @throws {TypeError} Once the guard is released.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * const writer = await lock.write();
   * writer.value = 5;
   * using reader = writer.downgrade();
   * assert.equal(reader.value, 5);
   * assert.equal(lock.tryRead()?.value, 5);
   * ```
   */
  downgrade(): RwLockReadGuard<T>;
  /**
   * Same as {@linkcode RwLockWriteGuard.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * {
   *   using _guard = await lock.write();
   * }
   * assert.ok(lock.tryWrite());
   * ```
   */
  [Symbol.dispose](): void;
}

/** Options of {@linkcode RwLock}. */
export interface RwLockOptions {
  /**
   * How many read guards may be held at once; the next reader waits.
   * An integer from 1 to 536 870 911.
   *
   * @default {536870911}
   */
  maxReaders?: number;
}

/**
 * An async reader-writer lock, fair and write-preferring as Tokio's: all
 * requests are served in FIFO order, so a waiting writer blocks readers that
 * arrive after it, and readers cannot starve writers. Consequence: a task
 * that holds a read guard and asks for another one while a writer waits
 * deadlocks; do not nest reads.
 *
 * @typeParam T The protected value.
 *
 * @example Usage
 * ```ts
 * import { RwLock } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock({ routes: 1 });
 * const reader = await lock.read();
 * const writing = lock.write();
 * assert.equal(lock.tryRead(), undefined); // a writer waits: readers queue behind it
 * reader.release();
 * using writer = await writing;
 * writer.value = { routes: 2 };
 * ```
 */
export class RwLock<T> {
  readonly #state: GuardedValue<T>;
  readonly #maxReaders: number;

  /**
   * Creates an unlocked reader-writer lock.
   *
   * @param value The value to protect.
   * @param options Reader limit.
   * @throws {RangeError} If `maxReaders` is out of range.
   */
  constructor(value: T, options?: RwLockOptions) {
    const maxReaders = options?.maxReaders ?? MAX_READERS;
    checkInteger("maxReaders", maxReaders, 1, MAX_READERS);
    this.#maxReaders = maxReaders;
    this.#state = new GuardedValue(value, maxReaders);
  }

  /**
   * Waits for shared read access, in FIFO order with writers.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason`, holds
   * nothing, and loses its place in line.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The read guard.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * using guard = await new RwLock("v1").read();
   * assert.equal(guard.value, "v1");
   * ```
   */
  read(options?: SyncWaitOptions): Promise<RwLockReadGuard<T>> {
    const state = this.#state;
    return state.acquire(1, new Guard(state, 1, "RwLockReadGuard"), options?.signal);
  }

  /**
   * Waits for exclusive write access, in FIFO order. While it waits, readers
   * that arrive later wait too.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason`, holds
   * nothing (readers it was holding back may enter), and loses its place.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The write guard.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * {
   *   using guard = await lock.write();
   *   guard.value++;
   * }
   * assert.equal(lock.tryRead()?.value, 1);
   * ```
   */
  write(options?: SyncWaitOptions): Promise<RwLockWriteGuard<T>> {
    const state = this.#state;
    const max = this.#maxReaders;
    return state.acquire(max, new Guard(state, max, "RwLockWriteGuard"), options?.signal);
  }

  /**
   * Takes read access if that needs no waiting: no writer holds the lock or
   * waits for it, and the reader limit is not reached.
   *
   * @returns The read guard, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * assert.ok(lock.tryRead());
   * ```
   */
  tryRead(): RwLockReadGuard<T> | undefined {
    const state = this.#state;
    return state.tryAcquire(1) ? new Guard(state, 1, "RwLockReadGuard") : undefined;
  }

  /**
   * Takes write access if the lock is entirely free and nobody waits.
   *
   * @returns The write guard, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { RwLock } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * using _reader = lock.tryRead();
   * assert.equal(lock.tryWrite(), undefined);
   * ```
   */
  tryWrite(): RwLockWriteGuard<T> | undefined {
    const state = this.#state;
    const max = this.#maxReaders;
    return state.tryAcquire(max) ? new Guard(state, max, "RwLockWriteGuard") : undefined;
  }
}
