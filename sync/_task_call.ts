/**
 * Calls `fn(arg)` and returns its result as a promise; a synchronous throw
 * becomes a rejected promise, so callers handle one failure path.
 */
export function callAsync<A, R>(fn: (arg: A) => R, arg: A): Promise<Awaited<R>> {
  try {
    return Promise.resolve(fn(arg));
  } catch (error) {
    return Promise.reject(error);
  }
}
