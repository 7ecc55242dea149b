import { MAP, transform } from "./_transform.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Replaces each item with `fn(item)`, one item at a time, in order. A
 * `Promise` returned by `fn` is awaited before the next item is pulled
 * (tokio-stream's `map`, or `then` for an async `fn`).
 *
 * `map`, `filter`, `filterMap` and `inspect` stacked on each other before
 * iteration starts run as one stream (one promise hop per item).
 *
 * @typeParam T The source item type.
 * @typeParam U The result item type.
 * @param source The items.
 * @param fn Maps an item; its `signal` aborts when the stream closes. If it
 * throws or rejects, the stream rejects with that error and the source is
 * cancelled.
 * @param options The abort signal.
 * @returns The mapped items.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, map } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const lengths = map(ReadableStream.from(["a", "bb", "ccc"]), (s) => s.length);
 * assert.deepEqual(await collect(lengths), [1, 2, 3]);
 *
 * const later = map(ReadableStream.from([1, 2]), async (n) => {
 *   await Promise.resolve();
 *   return n * 10;
 * });
 * assert.deepEqual(await collect(later), [10, 20]);
 * ```
 */
export function map<T, U>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => U | Promise<U>,
  options?: StreamOptions,
): StreamIterator<U> {
  return transform(source, MAP, fn, options);
}
