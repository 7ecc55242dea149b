import { Lane } from "./_lane.ts";
import { BaseStream } from "./_stream.ts";
import { splitOptions } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class Zip<T extends unknown[]> extends BaseStream<T> {
  readonly #sources: readonly StreamSource<unknown>[];
  #lanes: Lane<unknown>[] = [];
  #held: (IteratorResult<unknown, undefined> | undefined)[] = [];

  constructor(sources: readonly StreamSource<unknown>[], signal: AbortSignal | undefined) {
    super(signal);
    this.#sources = sources;
  }

  protected override start(): void {
    this.#lanes = this.#sources.map((source) => new Lane(source, () => this.notify()));
    this.#held = this.#lanes.map(() => undefined);
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    const lanes = this.#lanes;
    const held = this.#held;
    try {
      if (lanes.length === 0) return await this.finish();
      for (;;) {
        let complete = true;
        for (let i = 0; i < lanes.length; i++) {
          const result = held[i] ??= lanes[i]!.poll();
          if (result === undefined) complete = false;
          else if (result.done) return await this.finish();
        }
        if (complete) {
          const tuple = held.map((result) => result!.value) as T;
          held.fill(undefined);
          return this.emit(tuple);
        }
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected async teardown(reason: unknown): Promise<void> {
    if (!this.started) this.start();
    await Promise.all(this.#lanes.map((lane) => lane.close(reason)));
  }
}

/**
 * Pairs up the items of several sources: the first items of each, then the
 * second items, and so on (futures' `zip`, for any number of sources). The
 * sources are read concurrently, one item ahead at most. The stream ends as
 * soon as one source ends; the items the others had ready are dropped and
 * the others are cancelled.
 *
 * @typeParam T The tuple of item types.
 * @param sources The sources.
 * @returns Tuples with one item of each source.
 * @throws {TypeError} If a source is not an `AsyncIterable` or a `ReadableStream`.
 *
 * @example Usage
 * ```ts
 * import { collect, zip } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const names = ReadableStream.from(["a", "b", "c"]);
 * const ages = ReadableStream.from([1, 2]);
 * assert.deepEqual(await collect(zip(names, ages)), [["a", 1], ["b", 2]]);
 * ```
 */
export function zip<T extends unknown[]>(
  ...sources: { [K in keyof T]: StreamSource<T[K]> }
): StreamIterator<T>;
/**
 * Pairs up the items of several sources, like the overload without
 * options; the last argument holds the abort signal.
 *
 * @typeParam T The tuple of item types.
 * @param args The sources, then the options.
 * @returns Tuples with one item of each source.
 *
 * @example Usage
 * ```ts
 * import { collect, zip } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const { signal } = new AbortController();
 * const pairs = zip(ReadableStream.from([1, 2]), ReadableStream.from(["x"]), { signal });
 * assert.deepEqual(await collect(pairs), [[1, "x"]]);
 * ```
 */
export function zip<T extends unknown[]>(
  ...args: [...{ [K in keyof T]: StreamSource<T[K]> }, StreamOptions]
): StreamIterator<T>;
export function zip<T extends unknown[]>(
  ...args: (StreamSource<unknown> | StreamOptions)[]
): StreamIterator<T> {
  const [sources, options] = splitOptions<StreamSource<unknown>>(args);
  return new Zip<T>(sources, options?.signal);
}
