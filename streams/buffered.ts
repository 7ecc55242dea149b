import { buffer } from "./_buffer.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/**
 * Runs `fn` on up to `n` items at once and yields the results in source
 * order (futures' `buffered`): a slow task holds back the results of later
 * ones that already finished.
 *
 * At most `n` tasks are started and not yet handed to the consumer, so
 * finished results never pile up beyond `n`; the source is pulled only when
 * such a slot is free, and only while the consumer waits in `next()`.
 * Tasks run while the consumer handles an item.
 *
 * If a task throws or rejects, the stream rejects with that error when it
 * reaches that task's position. On any early exit (`break`, error, abort)
 * the source is cancelled and the `signal` given to every task is aborted;
 * results still running are dropped.
 *
 * @typeParam T The source item type.
 * @typeParam U The result type.
 * @param source The items.
 * @param n How many tasks may be outstanding (an integer >= 1).
 * @param fn Starts a task for an item; stop the work when `signal` aborts.
 * @param options The abort signal.
 * @returns The results, in source order.
 * @throws {RangeError} If `n` is not an integer >= 1.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { buffered, collect } from "@weir/weir/streams";
 * import { FakeClock, sleep } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * let running = 0;
 * let most = 0;
 * const results = collect(buffered(ReadableStream.from([30, 10, 20]), 2, async (ms, signal) => {
 *   most = Math.max(most, ++running);
 *   await sleep(ms, { clock, signal });
 *   running--;
 *   return ms;
 * }));
 * await clock.runAll();
 * assert.deepEqual(await results, [30, 10, 20]);
 * assert.equal(most, 2);
 * ```
 */
export function buffered<T, U>(
  source: StreamSource<T>,
  n: number,
  fn: (value: T, signal: AbortSignal) => U | Promise<U>,
  options?: StreamOptions,
): StreamIterator<U> {
  return buffer(source, n, fn, true, options);
}
