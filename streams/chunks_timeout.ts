import { TimedStream } from "./_timed.ts";
import { checkCount, checkMs, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamSource, TimedStreamOptions } from "./types.ts";

class ChunksTimeout<T> extends TimedStream<T, T[]> {
  readonly #size: number;
  readonly #ms: number;
  #ended = false;

  constructor(
    source: StreamSource<T>,
    size: number,
    ms: number,
    options: TimedStreamOptions,
  ) {
    super(source, options);
    this.#size = size;
    this.#ms = ms;
  }

  protected async pull(): Promise<IteratorResult<T[], undefined>> {
    try {
      if (this.#ended) return this.exhausted();
      const batch: T[] = [];
      for (;;) {
        const result = this.poll();
        if (result?.done) {
          this.disarm();
          if (batch.length === 0) return this.exhausted();
          this.#ended = true;
          return this.emit(batch);
        }
        if (result !== undefined) {
          if (batch.push(result.value) === 1) this.arm(this.#ms);
          if (batch.length === this.#size) {
            this.disarm();
            return this.emit(batch);
          }
          continue;
        }
        if (this.fired) {
          this.disarm();
          return this.emit(batch);
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
 * Groups items into arrays of up to `n`, handing an array out when it is
 * full, when `ms` passed since its first item arrived, or when the source
 * ends (tokio-stream's `chunks_timeout`). Arrays are never empty: with no
 * item, no timer runs. Items of an incomplete array are lost on early exit.
 *
 * The source is read while a `next()` waits (one item ahead at most); an
 * item that arrived between calls starts its array's timer when the next
 * call sees it.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param n The maximum array size (an integer >= 1).
 * @param ms How long an array may wait after its first item, in milliseconds.
 * @param options The abort signal and the clock.
 * @returns Arrays of 1 to `n` items.
 * @throws {RangeError} If `n` is not an integer >= 1, or `ms` is negative,
 * NaN or infinite.
 * @throws {TypeError} If an argument has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { chunksTimeout } from "@weir/weir/streams";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const trickle = new ReadableStream<number>({ start: (c) => [1, 2, 3].forEach((n) => c.enqueue(n)) });
 * const batches = chunksTimeout(trickle, 2, 50, { clock });
 * assert.deepEqual(await batches.next(), { done: false, value: [1, 2] });
 * const partial = batches.next();
 * await clock.tick(50);
 * assert.deepEqual(await partial, { done: false, value: [3] });
 * await batches.return();
 * ```
 */
export function chunksTimeout<T>(
  source: StreamSource<T>,
  n: number,
  ms: number,
  options: TimedStreamOptions = {},
): StreamIterator<T[]> {
  checkSource("source", source);
  checkCount("n", n, 1);
  checkMs("ms", ms);
  return new ChunksTimeout(source, n, ms, options);
}
