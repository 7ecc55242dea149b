import { UnaryStream } from "./_stream.ts";
import { checkCount, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Skip<T> extends UnaryStream<T, T> {
  #left: number;

  constructor(source: StreamSource<T>, n: number, signal: AbortSignal | undefined) {
    super(source, signal);
    this.#left = n;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        const result = await this.source.next();
        if (this.closed) return this.finish();
        if (result.done) return this.exhausted();
        if (this.#left === 0) return this.emit(result.value);
        this.#left--;
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Drops the first `n` items, then passes the rest on (tokio-stream's
 * `skip`). The dropped items are pulled on the first `next()`.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param n How many items to drop (an integer >= 0).
 * @param options The abort signal.
 * @returns The items after the first `n`.
 * @throws {RangeError} If `n` is not an integer >= 0.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, skip } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await collect(skip(ReadableStream.from([1, 2, 3, 4]), 2)), [3, 4]);
 * ```
 */
export function skip<T>(
  source: StreamSource<T>,
  n: number,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource(source);
  checkCount(n, "n", 0);
  return new Skip(source, n, options?.signal);
}
