import { whileStream } from "./_while.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Passes items on while `fn` returns a truthy value (or a `Promise` of
 * one); the first item it rejects is dropped, and the stream ends and
 * cancels the source (tokio-stream's `take_while`).
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes.
 * @param options The abort signal.
 * @returns The leading items that match.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, takeWhile } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const small = takeWhile(ReadableStream.from([1, 2, 9, 3]), (n) => n < 5);
 * assert.deepEqual(await collect(small), [1, 2]);
 * ```
 */
export function takeWhile<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  return whileStream(source, fn, true, options);
}
