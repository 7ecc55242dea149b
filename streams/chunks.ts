import { UnaryStream } from "./_stream.ts";
import { checkCount, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Chunks<T> extends UnaryStream<T, T[]> {
  readonly #size: number;
  #ended = false;

  constructor(source: StreamSource<T>, size: number, signal: AbortSignal | undefined) {
    super(source, signal);
    this.#size = size;
  }

  protected async pull(): Promise<IteratorResult<T[], undefined>> {
    try {
      if (this.#ended) return this.exhausted();
      const batch: T[] = [];
      for (;;) {
        const result = await this.source.next();
        if (this.closed) return this.finish();
        if (result.done) {
          if (batch.length === 0) return this.exhausted();
          this.#ended = true;
          return this.emit(batch);
        }
        if (batch.push(result.value) === this.#size) return this.emit(batch);
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Groups items into arrays of `n`, in order; the last array holds what is
 * left when the source ends (never empty). Each array waits until `n` items
 * arrived: see `chunksTimeout` for a time bound. Items of an incomplete
 * array are lost on early exit.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param n The array size (an integer >= 1).
 * @param options The abort signal.
 * @returns Arrays of `n` items, the last one possibly shorter.
 * @throws {RangeError} If `n` is not an integer >= 1.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { chunks, collect } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const batches = chunks(ReadableStream.from([1, 2, 3, 4, 5]), 2);
 * assert.deepEqual(await collect(batches), [[1, 2], [3, 4], [5]]);
 * ```
 */
export function chunks<T>(
  source: StreamSource<T>,
  n: number,
  options?: StreamOptions,
): StreamIterator<T[]> {
  checkSource("source", source);
  checkCount("n", n, 1);
  return new Chunks(source, n, options?.signal);
}
