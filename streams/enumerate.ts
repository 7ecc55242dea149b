import { UnaryStream } from "./_stream.ts";
import { checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Enumerate<T> extends UnaryStream<T, [number, T]> {
  #index = 0;

  protected async pull(): Promise<IteratorResult<[number, T], undefined>> {
    try {
      const result = await this.source.next();
      if (this.closed) return this.finish();
      if (result.done) return this.exhausted();
      return this.emit([this.#index++, result.value]);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Pairs each item with its index, from 0 (tokio-stream's `enumerate`).
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param options The abort signal.
 * @returns `[index, item]` pairs.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, enumerate } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await collect(enumerate(ReadableStream.from(["a", "b"]))), [[0, "a"], [1, "b"]]);
 * ```
 */
export function enumerate<T>(
  source: StreamSource<T>,
  options?: StreamOptions,
): StreamIterator<[number, T]> {
  checkSource("source", source);
  return new Enumerate(source, options?.signal);
}
