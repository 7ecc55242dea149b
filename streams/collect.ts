import { drain, INSPECT, transform } from "./_transform.ts";
import type { StreamOptions, StreamSource } from "./types.ts";

/**
 * Reads `source` to the end and resolves with its items in order.
 *
 * Cancellation: aborting `signal` rejects with `signal.reason` and cancels
 * the source; the items read so far are lost.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param options The abort signal.
 * @returns Every item.
 * @throws {TypeError} (as a rejection) If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await collect(ReadableStream.from(["a", "b"])), ["a", "b"]);
 * ```
 */
export async function collect<T>(source: StreamSource<T>, options?: StreamOptions): Promise<T[]> {
  const items: T[] = [];
  await drain(transform(source, INSPECT, (value: T) => {
    items.push(value);
  }, options));
  return items;
}
