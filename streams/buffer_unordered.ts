import { buffer } from "./_buffer.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Runs `fn` on up to `n` items at once and yields the results as they
 * finish (futures' `buffer_unordered`): bounded concurrency with
 * backpressure.
 *
 * At most `n` tasks are started and not yet handed to the consumer, so
 * finished results never pile up beyond `n`; the source is pulled only when
 * such a slot is free, and only while the consumer waits in `next()`.
 * Tasks run while the consumer handles an item.
 *
 * If a task throws or rejects, the stream rejects with that error in its
 * completion turn. On any early exit (`break`, error, abort) the source is
 * cancelled and the `signal` given to every running task is aborted:
 * nothing keeps running after the consumer left.
 *
 * @typeParam T The source item type.
 * @typeParam U The result type.
 * @param source The items.
 * @param n How many tasks may be outstanding (an integer >= 1).
 * @param fn Starts a task for an item; stop the work when `signal` aborts.
 * @param options The abort signal.
 * @returns The results, in completion order.
 * @throws {RangeError} If `n` is not an integer >= 1.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { bufferUnordered, collect } from "@weir/weir/streams";
 * import { FakeClock, sleep } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const delays = ReadableStream.from([30, 10, 20]);
 * const results = collect(bufferUnordered(delays, 3, async (ms, signal) => {
 *   await sleep(ms, { clock, signal });
 *   return ms;
 * }));
 * await clock.runAll();
 * assert.deepEqual(await results, [10, 20, 30]);
 * ```
 */
export function bufferUnordered<T, U>(
  source: StreamSource<T>,
  n: number,
  fn: (value: T, signal: AbortSignal) => U | Promise<U>,
  options?: StreamOptions,
): StreamIterator<U> {
  return buffer(source, n, fn, false, options);
}
