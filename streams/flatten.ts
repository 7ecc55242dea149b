import { closeIterator, iterate } from "./_iterate.ts";
import { UnaryStream } from "./_stream.ts";
import { checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/** What `flatten` accepts as an inner source. */
type Inner<T> = StreamSource<T> | Iterable<T>;

class Flatten<T> extends UnaryStream<Inner<T>, T> {
  #inner: AsyncIterator<T> | Iterator<T> | undefined;

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        if (this.#inner === undefined) {
          const outer = await this.source.next();
          if (this.closed) return this.finish();
          if (outer.done) return this.exhausted();
          this.#inner = open(outer.value);
        }
        const result = await this.#inner.next();
        if (this.closed) return this.finish();
        if (!result.done) return this.emit(result.value);
        this.#inner = undefined;
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override async teardown(reason: unknown): Promise<void> {
    const inner = this.#inner;
    this.#inner = undefined;
    await Promise.all([
      inner === undefined ? undefined : closeIterator(inner as AsyncIterator<T>, reason),
      super.teardown(reason),
    ]);
  }
}

function open<T>(inner: Inner<T>): AsyncIterator<T> | Iterator<T> {
  if (typeof (inner as Partial<Iterable<T>>)?.[Symbol.iterator] === "function") {
    return (inner as Iterable<T>)[Symbol.iterator]();
  }
  checkSource("each inner source", inner);
  return iterate(inner as StreamSource<T>);
}

/**
 * Yields the items of each inner source in turn: the next inner source is
 * pulled from `source` only once the current one ended (tokio-stream's
 * `flatten`). Inner sources may be `AsyncIterable`s, `ReadableStream`s or
 * sync `Iterable`s such as arrays. Early exit cancels both the current inner
 * source and `source`.
 *
 * @typeParam T The item type.
 * @param source The inner sources.
 * @param options The abort signal.
 * @returns The items of every inner source, in order.
 * @throws {TypeError} If `source` is not an `AsyncIterable` or a
 * `ReadableStream` (and, as a rejection, if an inner source is not
 * iterable).
 *
 * @example Usage
 * ```ts
 * import { collect, flatten } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const nested = ReadableStream.from([[1, 2], [], [3]]);
 * assert.deepEqual(await collect(flatten(nested)), [1, 2, 3]);
 * ```
 */
export function flatten<T>(
  source: StreamSource<StreamSource<T> | Iterable<T>>,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource("source", source);
  return new Flatten(source, options?.signal);
}
