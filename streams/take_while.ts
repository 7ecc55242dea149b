import { UnaryStream } from "./_stream.ts";
import { checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

type Predicate<T> = (value: T, signal: AbortSignal) => unknown;

class TakeWhile<T> extends UnaryStream<T, T> {
  readonly #fn: Predicate<T>;

  constructor(source: StreamSource<T>, fn: Predicate<T>, signal: AbortSignal | undefined) {
    super(source, signal);
    this.#fn = fn;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      const result = await this.source.next();
      if (this.closed) return this.finish();
      if (result.done) return this.exhausted();
      let keep = this.#fn(result.value, this.taskSignal);
      if (keep instanceof Promise) keep = await keep;
      if (this.closed || !keep) return await this.finish();
      return this.emit(result.value);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Passes items on while `fn` returns a truthy value (or a `Promise` of
 * one); the first item it rejects is dropped, and the stream ends and
 * cancels the source (tokio-stream's `take_while`).
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes.
 * @param options The abort signal.
 * @returns The leading items that match.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, takeWhile } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const small = takeWhile(ReadableStream.from([1, 2, 9, 3]), (n) => n < 5);
 * assert.deepEqual(await collect(small), [1, 2]);
 * ```
 */
export function takeWhile<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource(source);
  checkFunction(fn);
  return new TakeWhile(source, fn, options?.signal);
}
