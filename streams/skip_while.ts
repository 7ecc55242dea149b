import { whileStream } from "./_while.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Drops items while `fn` returns a truthy value (or a `Promise` of one);
 * from the first item it rejects on, passes everything on without calling
 * `fn` again (tokio-stream's `skip_while`).
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes.
 * @param options The abort signal.
 * @returns The items from the first one `fn` rejects.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, skipWhile } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const rest = skipWhile(ReadableStream.from([1, 2, 9, 3]), (n) => n < 5);
 * assert.deepEqual(await collect(rest), [9, 3]);
 * ```
 */
export function skipWhile<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  return whileStream(source, fn, false, options);
}
