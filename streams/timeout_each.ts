import { TimedStream } from "./_timed.ts";
import { checkMs, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamSource, TimedStreamOptions } from "./types.ts";

class TimeoutEach<T> extends TimedStream<T, T> {
  readonly #ms: number;

  constructor(source: StreamSource<T>, ms: number, options: TimedStreamOptions) {
    super(source, options);
    this.#ms = ms;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      this.arm(this.#ms);
      for (;;) {
        const result = this.poll();
        if (result !== undefined) {
          this.disarm();
          return result.done ? this.exhausted() : this.emit(result.value);
        }
        if (this.fired) {
          throw new DOMException(`No item within ${this.#ms} ms`, "TimeoutError");
        }
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Bounds the wait for each item: if the source has not produced the next
 * item (or ended) within `ms` of a `next()` call, that call rejects with a
 * `DOMException` named `TimeoutError` and the source is cancelled.
 *
 * Differences from tokio-stream's `timeout`, which yields `Err(Elapsed)`
 * as an item and keeps going:
 * - expiry ends the stream (an async iterator cannot yield an error and
 *   continue; a `for await` loop stops at the rejection anyway);
 * - each wait starts when `next()` is called, so time the consumer spends
 *   between items never counts (tokio arms the first deadline at
 *   construction and the next one when an item arrives);
 * - an item that is already available wins over an expired timer, as in
 *   tokio, so `ms` of 0 fails only a source that is not ready at once.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param ms The time limit per item, in milliseconds.
 * @param options The abort signal and the clock.
 * @returns The same items.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 * @throws {TypeError} If `source` or `ms` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { timeoutEach } from "@weir/weir/streams";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const stalls = new ReadableStream<string>({ start: (c) => c.enqueue("first") });
 * const items = timeoutEach(stalls, 1_000, { clock });
 * assert.deepEqual(await items.next(), { done: false, value: "first" });
 * const second = items.next();
 * await clock.tick(1_000);
 * await assert.rejects(second, { name: "TimeoutError", message: "No item within 1000 ms" });
 * ```
 */
export function timeoutEach<T>(
  source: StreamSource<T>,
  ms: number,
  options: TimedStreamOptions = {},
): StreamIterator<T> {
  checkSource("source", source);
  checkMs("ms", ms);
  return new TimeoutEach(source, ms, options);
}
