import { Waiter, type WaitQueue } from "./wait_queue.ts";

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
