import { drain, INSPECT, transform } from "./_transform.ts";
import type { StreamOptions, StreamSource } from "./types.ts";

/**
 * Calls `fn` on each item in order and resolves once the source ended. A
 * `Promise` returned by `fn` is awaited before the next item is pulled (for
 * bounded concurrency use `bufferUnordered` and drain it).
 *
 * Cancellation: aborting `signal` rejects with `signal.reason`, cancels the
 * source and aborts the `signal` given to `fn`.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn Handles an item. If it throws or rejects, the call rejects with
 * that error and the source is cancelled.
 * @param options The abort signal.
 * @returns A promise that resolves when every item was handled.
 * @throws {TypeError} (as a rejection) If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { forEach } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * await forEach(ReadableStream.from([1, 2]), async (n) => {
 *   seen.push(n);
 * });
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export async function forEach<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<void> {
  await drain(transform(source, INSPECT, fn, options));
}
