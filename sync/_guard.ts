// The one guard class behind MutexGuard, RwLockReadGuard and
// RwLockWriteGuard: it holds permits of a GuardedValue and refuses access
// once released. Flat on purpose: a subclass makes every lock() allocate
// through V8's slower derived-constructor path.

import type { GuardedValue } from "./_batch_semaphore.ts";

/** Which public guard an instance stands for; names it in errors. */
export type GuardKind = "MutexGuard" | "RwLockReadGuard" | "RwLockWriteGuard";

/** Access to a GuardedValue while holding `permits` of it. */
export class Guard<T> implements Disposable {
  readonly #state: GuardedValue<T>;
  #permits: number;
  readonly #kind: GuardKind;

  constructor(state: GuardedValue<T>, permits: number, kind: GuardKind) {
    this.#state = state;
    this.#permits = permits;
    this.#kind = kind;
  }

  get value(): T {
    return this.#held().value;
  }

  set value(value: T) {
    const state = this.#held();
    if (this.#kind === "RwLockReadGuard") {
      throw new TypeError("Cannot assign the value through a RwLockReadGuard");
    }
    state.value = value;
  }

  release(): void {
    const permits = this.#permits;
    this.#permits = 0;
    if (permits !== 0) this.#state.release(permits);
  }

  /** Keeps one permit as a read guard and releases the rest. */
  downgrade(): Guard<T> {
    const state = this.#held();
    const permits = this.#permits;
    this.#permits = 0;
    state.release(permits - 1);
    return new Guard(state, 1, "RwLockReadGuard");
  }

  [Symbol.dispose](): void {
    this.release();
  }

  #held(): GuardedValue<T> {
    if (this.#permits === 0) {
      throw new TypeError(`Cannot use a ${this.#kind} after it was released`);
    }
    return this.#state;
  }
}
