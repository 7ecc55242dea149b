// A FIFO of pending waits shared by every primitive in sync/. The list is
// intrusive (each waiter is its own node), so enqueue, dequeue and the
// removal of an aborted waiter from the middle are all O(1) and allocate
// nothing beyond the waiter itself.

import { claim } from "../time/_claim.ts";

/** A node of a {@linkcode WaitQueue}. */
export class Link {
  prev: Link | undefined = undefined;
  next: Link | undefined = undefined;
  queue: WaitQueue<Link> | undefined = undefined;
}

/** An intrusive doubly linked FIFO of waiters. */
export class WaitQueue<W extends Link> {
  #head: W | undefined = undefined;
  #tail: W | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get head(): W | undefined {
    return this.#head;
  }

  push(node: W): void {
    node.queue = this;
    node.prev = this.#tail;
    node.next = undefined;
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
  }

  shift(): W | undefined {
    const node = this.#head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  remove(node: W): void {
    const { prev, next } = node;
    if (prev === undefined) this.#head = next as W | undefined;
    else prev.next = next;
    if (next === undefined) this.#tail = prev as W | undefined;
    else next.prev = prev;
    node.prev = node.next = node.queue = undefined;
    this.#size--;
  }
}

/**
 * A pending wait: the promise its caller awaits, and the abort listener
 * (the waiter itself, so no closure is allocated) that takes it out of its
 * queue and rejects it with `signal.reason`.
 */
export class Waiter<R> extends Link implements EventListenerObject {
  readonly promise: Promise<R>;
  #resolve!: (value: R) => void;
  #reject!: (reason: unknown) => void;
  readonly #signal: AbortSignal | undefined;

  constructor(signal: AbortSignal | undefined) {
    super();
    // Measured faster than Promise.withResolvers() on the contended paths.
    this.promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
    signal?.addEventListener("abort", this);
  }

  /**
   * Claims the wait for its select branch (see `time/_claim.ts`) right before
   * the caller hands it something. `false`: its signal is aborted, so it
   * left its queue and gets nothing; its abort listener rejects it (already,
   * or later in the abort being dispatched).
   */
  claim(): boolean {
    const signal = this.#signal;
    if (signal === undefined || claim(signal)) return true;
    this.queue?.remove(this);
    return false;
  }

  resolve(value: R): void {
    this.#signal?.removeEventListener("abort", this);
    this.#resolve(value);
  }

  reject(reason: unknown): void {
    this.#signal?.removeEventListener("abort", this);
    this.#reject(reason);
  }

  handleEvent(): void {
    this.queue?.remove(this);
    this.aborted();
    this.reject(this.#signal?.reason);
  }

  /** Undoes whatever the wait had already collected; runs before rejecting. */
  protected aborted(): void {}
}

/** A waiter that belongs to one handle, so closing that handle can find it. */
export class OwnedWaiter<R, O> extends Waiter<R> {
  constructor(readonly owner: O, signal: AbortSignal | undefined) {
    super(signal);
  }
}

/** Removes, in order, the waiters of `owner` (of every owner if `undefined`). */
export function removeOwned<R, O>(
  queue: WaitQueue<OwnedWaiter<R, O>>,
  owner: O | undefined,
): OwnedWaiter<R, O>[] {
  const removed = [];
  for (let waiter = queue.head; waiter;) {
    const next = waiter.next as OwnedWaiter<R, O> | undefined;
    if (owner === undefined || waiter.owner === owner) {
      queue.remove(waiter);
      removed.push(waiter);
    }
    waiter = next;
  }
  return removed;
}
