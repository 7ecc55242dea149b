// The claim protocol between `select` and weir's cancel-safe waits.
//
// `select` aborts its losing branches, but a branch that already took a
// message off a channel cannot give it back. So every weir operation that
// takes something (a message, permits, a lock, a notification, a watch
// version, a pool lease, buffered bytes) first claims the signal it was
// given, synchronously, right before taking: on its fast path and when a
// sender or releaser hands it the item. `select` registers an arbiter on
// each branch's signal: the first claim commits the select to that branch
// and aborts the others at once (their waiters leave their queues before
// anything is handed to them); any later claim by another branch is
// refused, which aborts that branch's signal there and then. Tokio gets the
// same guarantee for free: a losing branch is never polled.
//
// Only the signal a branch receives is arbitrated: a signal derived from it
// (`AbortSignal.any`) is not, as is any signal outside a select. `timeout`
// and `retry` arbitrate the signal they hand their work the same way: once
// the work has taken something, its result wins over a later deadline or
// abort. The protocol lives in `time/` because `time` is the leaf every
// other folder may import.

const arbiters = new WeakMap<AbortSignal, () => boolean>();

/**
 * Makes `arbiter` decide the claims made with `signal`. It returns whether
 * the claim is granted; refusing, it must leave `signal` aborted.
 */
export function registerClaim(signal: AbortSignal, arbiter: () => boolean): void {
  arbiters.set(signal, arbiter);
}

/**
 * Claims `signal` right before taking something: `false` means `signal` is
 * aborted now (it was, or its select chose another branch), so the caller
 * must take nothing and reject with `signal.reason`. May run abort
 * listeners of other branches, so callers read their state again after it.
 */
export function claim(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return true;
  if (signal.aborted) return false;
  const arbiter = arbiters.get(signal);
  return arbiter === undefined || arbiter();
}
