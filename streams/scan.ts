import { UnaryStream } from "./_stream.ts";
import { checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

type Step<T, A> = (accumulator: A, value: T, signal: AbortSignal) => A | Promise<A>;

class Scan<T, A> extends UnaryStream<T, A> {
  readonly #fn: Step<T, A>;
  #accumulator: A;

  constructor(
    source: StreamSource<T>,
    initial: A,
    fn: Step<T, A>,
    signal: AbortSignal | undefined,
  ) {
    super(source, signal);
    this.#accumulator = initial;
    this.#fn = fn;
  }

  protected async pull(): Promise<IteratorResult<A, undefined>> {
    try {
      const result = await this.source.next();
      if (this.closed) return this.finish();
      if (result.done) return this.exhausted();
      let next = this.#fn(this.#accumulator, result.value, this.taskSignal);
      if (next instanceof Promise) {
        next = await next;
        if (this.closed) return this.finish();
      }
      this.#accumulator = next;
      return this.emit(next);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Folds the items like `reduce` and yields every intermediate accumulator:
 * `fn(accumulator, item)` for each item, starting from `initial`. A
 * `Promise` returned by `fn` is awaited.
 *
 * Unlike tokio-stream's `scan`, `fn` cannot end the stream; follow it with
 * `takeWhile` for that.
 *
 * @typeParam T The item type.
 * @typeParam A The accumulator type.
 * @param source The items.
 * @param initial The starting accumulator (not yielded).
 * @param fn Returns the next accumulator; its `signal` aborts when the
 * stream closes.
 * @param options The abort signal.
 * @returns One accumulator per item.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, scan } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const running = scan(ReadableStream.from([1, 2, 3]), 0, (sum, n) => sum + n);
 * assert.deepEqual(await collect(running), [1, 3, 6]);
 * ```
 */
export function scan<T, A>(
  source: StreamSource<T>,
  initial: A,
  fn: (accumulator: A, value: T, signal: AbortSignal) => A | Promise<A>,
  options?: StreamOptions,
): StreamIterator<A> {
  checkSource("source", source);
  checkFunction("fn", fn);
  return new Scan(source, initial, fn, options?.signal);
}
