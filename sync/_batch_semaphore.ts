// The fair, weighted semaphore under Semaphore, Mutex and RwLock, after
// Tokio's batch semaphore: a request that cannot be served at once takes
// every free permit and queues for the rest, so while anyone waits the free
// count is 0 and nobody (not even a try* call) overtakes the queue. Released
// permits go to the head waiter first; a waiter is resolved only when it
// holds all it asked for.

import { claimSignal } from "./select_safety.ts";
import { SemaphoreClosedError } from "./semaphore_closed_error.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";

class Acquire extends Waiter<unknown> {
  constructor(
    readonly core: BatchSemaphore,
    readonly needed: number,
    public collected: number,
    readonly grant: unknown,
    signal: AbortSignal | undefined,
  ) {
    super(signal);
  }

  protected override aborted(): void {
    this.core.release(this.collected);
  }
}

/** A FIFO semaphore whose acquisitions resolve a caller-made grant. */
export class BatchSemaphore {
  #permits: number;
  #closed = false;
  readonly #queue = new WaitQueue<Acquire>();

  constructor(permits: number) {
    this.#permits = permits;
  }

  get available(): number {
    return this.#permits;
  }

  get waiting(): number {
    return this.#queue.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves `grant` once `n` permits are held. */
  acquire<G>(n: number, grant: G, signal: AbortSignal | undefined): Promise<G> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Claiming may run other select branches' abort listeners: read the state after it.
    if (signal !== undefined && this.#permits >= n && !this.#closed && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    if (this.#closed) return Promise.reject(new SemaphoreClosedError());
    const permits = this.#permits;
    // While anyone waits `permits` is 0, so this never overtakes the queue.
    if (permits >= n) {
      this.#permits = permits - n;
      return Promise.resolve(grant);
    }
    this.#permits = 0;
    const waiter = new Acquire(this, n, permits, grant, signal);
    this.#queue.push(waiter);
    return waiter.promise as Promise<G>;
  }

  /** Takes `n` permits if that needs no wait; throws once closed. */
  tryAcquire(n: number): boolean {
    if (this.#closed) throw new SemaphoreClosedError();
    if (this.#permits < n) return false;
    this.#permits -= n;
    return true;
  }

  /** Hands `n` permits to the waiters in order; what is left becomes free. */
  /** Removes up to `n` free permits for good; returns how many. */
  forget(n: number): number {
    const forgotten = Math.min(n, this.#permits);
    this.#permits -= forgotten;
    return forgotten;
  }

  release(n: number): void {
    const queue = this.#queue;
    let head = queue.head;
    while (head !== undefined && n > 0) {
      const missing = head.needed - head.collected;
      if (n < missing) {
        head.collected += n;
        return;
      }
      queue.shift();
      if (head.claim()) {
        n -= missing;
        head.resolve(head.grant);
      }
      head = queue.head;
    }
    this.#permits += n;
  }

  /** Rejects every waiter; later acquisitions fail, releases still count. */
  close(): void {
    this.#closed = true;
    for (let waiter = this.#queue.shift(); waiter; waiter = this.#queue.shift()) {
      this.#permits += waiter.collected;
      waiter.reject(new SemaphoreClosedError());
    }
  }
}

/** A semaphore that also holds the value its guards give access to. */
export class GuardedValue<T> extends BatchSemaphore {
  constructor(public value: T, permits: number) {
    super(permits);
  }
}
