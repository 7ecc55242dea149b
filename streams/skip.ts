import { checkCount } from "./_validate.ts";
import { skipWhile } from "./skip_while.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Drops the first `n` items, then passes the rest on (tokio-stream's
 * `skip`). The dropped items are pulled on the first `next()`.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param n How many items to drop (an integer >= 0).
 * @param options The abort signal.
 * @returns The items after the first `n`.
 * @throws {RangeError} If `n` is not an integer >= 0.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, skip } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await collect(skip(ReadableStream.from([1, 2, 3, 4]), 2)), [3, 4]);
 * ```
 */
export function skip<T>(
  source: StreamSource<T>,
  n: number,
  options?: StreamOptions,
): StreamIterator<T> {
  checkCount("n", n, 0);
  let left = n;
  return skipWhile(source, () => left-- > 0, options);
}
