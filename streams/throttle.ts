import { TimedStream } from "./_timed.ts";
import { checkMs, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamSource, TimedStreamOptions } from "./types.ts";

class Throttle<T> extends TimedStream<T, T> {
  readonly #ms: number;
  #readyAt = -Infinity;

  constructor(source: StreamSource<T>, ms: number, options: TimedStreamOptions) {
    super(source, options);
    this.#ms = ms;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      const early = this.#readyAt - this.clock.now();
      if (early > 0) {
        this.arm(early);
        while (!this.fired) {
          await this.wait();
          if (this.closed) return this.finish();
        }
        this.disarm();
      }
      const result = await this.source.next();
      if (this.closed) return this.finish();
      if (result.done) return this.exhausted();
      this.#readyAt = this.clock.now() + this.#ms;
      return this.emit(result.value);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Spaces items out by at least `ms` (tokio-stream's `throttle`): the first
 * item passes at once; after each item is handed out, the source is not
 * pulled again until `ms` have passed. Items are delayed, never dropped, and
 * nothing is read ahead. `ms` of 0 passes everything through.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param ms The minimum gap between items, in milliseconds.
 * @param options The abort signal and the clock.
 * @returns The same items, spaced out.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 * @throws {TypeError} If `source` or `ms` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { throttle } from "@weir/weir/streams";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const items = throttle(ReadableStream.from(["a", "b"]), 100, { clock });
 * assert.deepEqual(await items.next(), { done: false, value: "a" });
 * const second = items.next();
 * await clock.tick(99);
 * assert.equal(clock.now(), 99);
 * await clock.tick(1);
 * assert.deepEqual(await second, { done: false, value: "b" });
 * await items.return();
 * ```
 */
export function throttle<T>(
  source: StreamSource<T>,
  ms: number,
  options: TimedStreamOptions = {},
): StreamIterator<T> {
  checkSource("source", source);
  checkMs("ms", ms);
  return new Throttle(source, ms, options);
}
