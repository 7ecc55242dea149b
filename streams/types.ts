import type { Clock } from "../time/clock.ts";

/**
 * What every combinator in `@weir/weir/streams` reads from: an
 * `AsyncIterable` (an async generator, a channel stream, another combinator)
 * or a `ReadableStream`. A `ReadableStream` is read through a reader, so it
 * is locked from the first `next()` on and cancelled when the combinator
 * exits early.
 *
 * @typeParam T The item type.
 *
 * @example Usage
 * ```ts
 * import { collect, type StreamSource } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * async function* numbers() {
 *   yield 1;
 *   yield 2;
 * }
 * const sources: StreamSource<number>[] = [numbers(), ReadableStream.from([3, 4])];
 * assert.deepEqual(await collect(sources[0]!), [1, 2]);
 * assert.deepEqual(await collect(sources[1]!), [3, 4]);
 * ```
 */
export type StreamSource<T> = AsyncIterable<T> | ReadableStream<T>;

/**
 * What every combinator returns: a single-use async iterator that is its own
 * iterable, like an async generator. Breaking out of a `for await` loop,
 * calling `return()`, disposing it (`await using`), an error, or an abort of
 * its `signal` closes it: its sources are cancelled (`return()` or
 * `cancel()`) and the `AbortSignal` given to its callbacks and inner tasks
 * is aborted. `ReadableStream.from(it)` turns it into a stream.
 *
 * `next()` may be called again before the previous call settled: calls are
 * served one at a time, in call order.
 *
 * @typeParam T The item type.
 *
 * @example Usage
 * ```ts
 * import { map, type StreamIterator } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const doubled: StreamIterator<number> = map(ReadableStream.from([1, 2, 3]), (n) => n * 2);
 * assert.deepEqual(await doubled.next(), { done: false, value: 2 });
 * assert.deepEqual(await doubled.return(), { done: true, value: undefined });
 * assert.deepEqual(await doubled.next(), { done: true, value: undefined });
 * ```
 */
export interface StreamIterator<T>
  extends AsyncIterableIterator<T, undefined, unknown>, AsyncDisposable {
  /**
   * Resolves with the next item, or `{ done: true }` once the stream ended
   * or was closed. Rejects with an error of the source or a callback (then
   * the stream is closed and later calls resolve `{ done: true }`), or with
   * `signal.reason` once the `signal` option aborted (every later call
   * too).
   *
   * @returns The next result.
   */
  next(): Promise<IteratorResult<T, undefined>>;
  /**
   * Closes the stream early: cancels its sources and aborts its inner
   * tasks. Waits for the sources' own `return()`/`cancel()` unless one of
   * them is still busy answering a `next()` (a stuck async generator would
   * otherwise never let it finish), and rejects if one of them fails.
   *
   * @returns `{ done: true }`.
   */
  return(): Promise<IteratorReturnResult<undefined>>;
  /**
   * Returns the iterator itself.
   *
   * @returns This iterator.
   */
  [Symbol.asyncIterator](): StreamIterator<T>;
}

/** Options of every combinator. */
export interface StreamOptions {
  /**
   * Closes the stream when aborted: a pending and every later `next()`
   * rejects with `signal.reason`, the sources are cancelled and inner tasks
   * aborted. An already aborted signal rejects the first `next()` without
   * pulling anything.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options of the combinators that wait on timers. */
export interface TimedStreamOptions extends StreamOptions {
  /**
   * Where time comes from; pass a `FakeClock` (from `@weir/weir/time`) in
   * tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}
