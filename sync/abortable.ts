/** Options for {@linkcode abortable}. */
export interface AbortableOptions<T> {
  /**
   * Called with the value when `promise` fulfils after the signal aborted:
   * the caller has stopped waiting, so whatever the value owns (a socket, a
   * lease) is released here instead of leaking.
   */
  onLate?: (value: T) => void;
}

/**
 * Waits for `promise`, or rejects with `signal.reason` as soon as `signal`
 * aborts, whichever comes first: the one way weir races work it cannot
 * cancel (a socket read, a dial, a flush) against a signal.
 *
 * The abandoned promise keeps running; a rejection it settles with later is
 * observed, so it never surfaces as unhandled, and a value it fulfils with
 * later goes to `onLate`. The abort listener is removed as soon as either
 * side settles, so a long-lived signal accumulates nothing. Without a signal
 * the promise is returned as it is.
 *
 * Cancellation: this stops the wait, not the work. Use it where the work
 * leaves no trace the caller must undo, or undo it in `onLate`.
 *
 * @typeParam T The promise's value.
 * @param promise The work to wait for.
 * @param signal Stops the wait.
 * @param options What to do with a value that arrives too late.
 * @returns The promise's outcome, or a rejection with `signal.reason`.
 *
 * @example A dial that gives up, closing a socket that opens too late
 * ```ts
 * import { abortable } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * let closed = false;
 * const dial = new Promise<{ close(): void }>((resolve) =>
 *   setTimeout(() => resolve({ close: () => (closed = true) }), 10)
 * );
 * const waiting = abortable(dial, controller.signal, { onLate: (conn) => conn.close() });
 * controller.abort(new Error("gave up"));
 * await assert.rejects(waiting, { message: "gave up" });
 * await dial;
 * assert.equal(closed, true);
 * ```
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  options: AbortableOptions<T> = {},
): Promise<T> {
  if (signal === undefined) return promise;
  const { onLate } = options;
  const late = (value: T) => onLate?.(value);
  if (signal.aborted) {
    promise.then(late, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let waiting = true;
    const onAbort = () => {
      waiting = false;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (waiting) resolve(value);
        else late(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
