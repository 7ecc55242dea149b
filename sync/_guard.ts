// The guard objects behind MutexGuard, RwLockReadGuard and RwLockWriteGuard:
// they hold permits of a GuardedValue and refuse access once released.

import type { GuardedValue } from "./_batch_semaphore.ts";

/** Shared access: reads the value, releases its permits once. */
export class ReadGuard<T> implements Disposable {
  protected readonly state: GuardedValue<T>;
  #permits: number;
  readonly #kind: string;

  constructor(state: GuardedValue<T>, permits: number, kind: string) {
    this.state = state;
    this.#permits = permits;
    this.#kind = kind;
  }

  get value(): T {
    return this.held().value;
  }

  release(): void {
    const permits = this.take();
    if (permits !== 0) this.state.release(permits);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  /** The state, or a TypeError once released. */
  protected held(): GuardedValue<T> {
    if (this.#permits === 0) {
      throw new TypeError(`Cannot use a ${this.#kind} after it was released`);
    }
    return this.state;
  }

  /** Marks the guard released and returns the permits it held. */
  protected take(): number {
    const permits = this.#permits;
    this.#permits = 0;
    return permits;
  }
}

/** Exclusive access: also replaces the value. */
export class WriteGuard<T> extends ReadGuard<T> {
  override get value(): T {
    return this.held().value;
  }

  override set value(value: T) {
    this.held().value = value;
  }
}
