import { FILTER_MAP, transform } from "./_transform.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Maps each item with `fn` and drops the ones it maps to `undefined`
 * (tokio-stream's `filter_map`, with `undefined` for `None`). A `Promise`
 * result is awaited. To keep `undefined` as an item, use `filter` then
 * `map`.
 *
 * @typeParam T The source item type.
 * @typeParam U The result item type.
 * @param source The items.
 * @param fn Maps an item, or returns `undefined` to drop it; its `signal`
 * aborts when the stream closes.
 * @param options The abort signal.
 * @returns The mapped items that were not `undefined`.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, filterMap } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const numbers = filterMap(ReadableStream.from(["1", "x", "3"]), (s) => {
 *   const n = Number(s);
 *   return Number.isNaN(n) ? undefined : n;
 * });
 * assert.deepEqual(await collect(numbers), [1, 3]);
 * ```
 */
export function filterMap<T, U>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => U | undefined | Promise<U | undefined>,
  options?: StreamOptions,
): StreamIterator<U> {
  return transform(source, FILTER_MAP, fn, options);
}
