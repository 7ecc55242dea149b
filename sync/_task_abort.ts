/** A detach function that has nothing to detach. */
export function noop(): void {}

/**
 * Calls `callback(signal.reason)` once when `signal` aborts. The caller checks
 * `signal.aborted` first: an already aborted signal never fires again.
 *
 * @returns A function that removes the listener (idempotent).
 */
export function onAbort(
  signal: AbortSignal | undefined,
  callback: (reason: unknown) => void,
): () => void {
  if (signal === undefined) return noop;
  const listener = () => callback(signal.reason);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/**
 * A promise that `start` settles through the callbacks it receives, unless
 * `signal` aborts first: then it rejects with `signal.reason` after calling
 * the cleanup `start` returned (which must undo whatever `start` queued).
 * Settling removes the abort listener, so nothing outlives the wait.
 */
export function abortableWait<T>(
  signal: AbortSignal | undefined,
  start: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    let detach = noop;
    const cleanup = start(
      (value) => {
        settled = true;
        detach();
        resolve(value);
      },
      (error) => {
        settled = true;
        detach();
        reject(error);
      },
    );
    if (settled) return;
    detach = onAbort(signal, (reason) => {
      settled = true;
      cleanup();
      reject(reason);
    });
  });
}
