import { INSPECT, transform } from "./_transform.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Calls `fn` on each item and passes the item on unchanged. A `Promise`
 * returned by `fn` is awaited before the item is passed on.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn Looks at an item; its `signal` aborts when the stream closes.
 * If it throws or rejects, the stream rejects with that error and the
 * source is cancelled.
 * @param options The abort signal.
 * @returns The same items.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, inspect } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const items = inspect(ReadableStream.from(["a", "b"]), (s) => {
 *   seen.push(s);
 * });
 * assert.deepEqual(await collect(items), ["a", "b"]);
 * assert.deepEqual(seen, ["a", "b"]);
 * ```
 */
export function inspect<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  return transform(source, INSPECT, fn, options);
}
