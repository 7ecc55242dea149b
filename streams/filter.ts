import { FILTER, transform } from "./_transform.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Keeps the items for which `fn` returns a truthy value (or a `Promise` of
 * one), in order; pulls the source until one matches or it ends.
 *
 * @typeParam T The item type.
 * @typeParam S The narrowed type when `fn` is a type guard.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes. If it
 * throws or rejects, the stream rejects with that error and the source is
 * cancelled.
 * @param options The abort signal.
 * @returns The matching items.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, filter } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const even = filter(ReadableStream.from([1, 2, 3, 4]), (n) => n % 2 === 0);
 * assert.deepEqual(await collect(even), [2, 4]);
 *
 * const strings = filter(ReadableStream.from([1, "a", 2, "b"]), (x) => typeof x === "string");
 * assert.deepEqual(await collect(strings), ["a", "b"]);
 * ```
 */
export function filter<T, S extends T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => value is S,
  options?: StreamOptions,
): StreamIterator<S>;
/**
 * Keeps the items for which `fn` returns a truthy value (or a `Promise` of
 * one), in order.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes.
 * @param options The abort signal.
 * @returns The matching items.
 *
 * @example Usage
 * ```ts
 * import { collect, filter } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const big = filter(ReadableStream.from([5, 50, 500]), async (n) => n > 10);
 * assert.deepEqual(await collect(big), [50, 500]);
 * ```
 */
export function filter<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T>;
export function filter<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  return transform(source, FILTER, fn, options);
}
