import { UnaryStream } from "./_stream.ts";
import { checkCount, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Take<T> extends UnaryStream<T, T> {
  #left: number;

  constructor(source: StreamSource<T>, n: number, signal: AbortSignal | undefined) {
    super(source, signal);
    this.#left = n;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      if (this.#left === 0) return await this.finish();
      const result = await this.source.next();
      if (this.closed) return this.finish();
      if (result.done) return this.exhausted();
      this.#left--;
      return this.emit(result.value);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Passes the first `n` items on, then ends and cancels the source without
 * pulling it again (tokio-stream's `take`): `take(source, 0)` never pulls
 * it.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param n How many items to pass on (an integer >= 0).
 * @param options The abort signal.
 * @returns At most `n` items.
 * @throws {RangeError} If `n` is not an integer >= 0.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, take } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * let cancelled = false;
 * const endless = new ReadableStream<number>({
 *   pull: (controller) => controller.enqueue(1),
 *   cancel: () => {
 *     cancelled = true;
 *   },
 * });
 * assert.deepEqual(await collect(take(endless, 3)), [1, 1, 1]);
 * assert.ok(cancelled);
 * ```
 */
export function take<T>(
  source: StreamSource<T>,
  n: number,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource("source", source);
  checkCount("n", n, 0);
  return new Take(source, n, options?.signal);
}
