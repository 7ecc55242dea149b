import { drain, INSPECT, transform } from "./_transform.ts";
import { checkFunction } from "./_validate.ts";
import type { StreamOptions, StreamSource } from "./types.ts";

/**
 * Folds the items into one value: `fn(accumulator, item)` for each item in
 * order, starting from `initial` (tokio-stream's `fold`). A `Promise`
 * returned by `fn` is awaited before the next item is pulled.
 *
 * Cancellation: aborting `signal` rejects with `signal.reason`, cancels the
 * source and aborts the `signal` given to `fn`.
 *
 * @typeParam T The item type.
 * @typeParam A The accumulator type.
 * @param source The items.
 * @param initial The starting accumulator.
 * @param fn Returns the next accumulator. If it throws or rejects, the call
 * rejects with that error and the source is cancelled.
 * @param options The abort signal.
 * @returns The last accumulator (`initial` for an empty source).
 * @throws {TypeError} (as a rejection) If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { reduce } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const total = await reduce(ReadableStream.from([1, 2, 3]), 0, (sum, n) => sum + n);
 * assert.equal(total, 6);
 * ```
 */
export async function reduce<T, A>(
  source: StreamSource<T>,
  initial: A,
  fn: (accumulator: A, value: T, signal: AbortSignal) => A | Promise<A>,
  options?: StreamOptions,
): Promise<A> {
  checkFunction("fn", fn);
  let accumulator = initial;
  const update = (next: A) => {
    accumulator = next;
  };
  await drain(transform(source, INSPECT, (value: T, signal: AbortSignal) => {
    const next = fn(accumulator, value, signal);
    if (next instanceof Promise) return next.then(update);
    accumulator = next;
  }, options));
  return accumulator;
}
