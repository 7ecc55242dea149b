import { FanIn } from "./_fan_in.ts";
import { BaseStream } from "./_stream.ts";
import { splitOptions } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Merge<T> extends BaseStream<T> {
  readonly #sources: readonly StreamSource<T>[];
  readonly #fan = new FanIn<number, T>(() => this.notify());

  constructor(sources: readonly StreamSource<T>[], signal: AbortSignal | undefined) {
    super(signal);
    this.#sources = sources;
  }

  protected override start(): void {
    this.#sources.forEach((source, i) => this.#fan.insert(i, source));
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        const item = this.#fan.take();
        if (item !== undefined) return this.emit(item.value);
        if (this.#fan.size === 0) return await this.finish();
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected teardown(reason: unknown): Promise<void> {
    if (!this.started) this.start();
    return this.#fan.clear(reason);
  }
}

/**
 * Interleaves the items of several sources as they arrive, and ends once
 * every source ended (tokio-stream's `merge`, for any number of sources).
 * Fair: each source has at most one `next()` in flight and one item held,
 * and items are handed out in the order they arrived, so a source that is
 * always ready cannot starve the others.
 *
 * If a source throws, the stream rejects with that error and cancels the
 * others. Early exit cancels every source.
 *
 * @typeParam T The item type.
 * @param args The sources, optionally followed by the options (with the
 * abort signal).
 * @returns The items of every source.
 * @throws {TypeError} If a source is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, merge } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const letters = ReadableStream.from(["a", "b", "c"]);
 * const numbers = ReadableStream.from([1, 2]);
 * const all = await collect(merge<string | number>(letters, numbers));
 * assert.deepEqual(all.toSorted(), [1, 2, "a", "b", "c"]);
 * assert.deepEqual(all.filter((x) => typeof x === "string"), ["a", "b", "c"]);
 * ```
 */
export function merge<T>(
  ...args: StreamSource<T>[] | [...StreamSource<T>[], StreamOptions]
): StreamIterator<T> {
  const [sources, options] = splitOptions(args);
  return new Merge(sources, options?.signal);
}
