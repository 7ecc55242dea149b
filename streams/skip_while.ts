import { UnaryStream } from "./_stream.ts";
import { checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

type Predicate<T> = (value: T, signal: AbortSignal) => unknown;

class SkipWhile<T> extends UnaryStream<T, T> {
  #fn: Predicate<T> | undefined;

  constructor(source: StreamSource<T>, fn: Predicate<T>, signal: AbortSignal | undefined) {
    super(source, signal);
    this.#fn = fn;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        const result = await this.source.next();
        if (this.closed) return this.finish();
        if (result.done) return this.exhausted();
        if (this.#fn === undefined) return this.emit(result.value);
        let skip = this.#fn(result.value, this.taskSignal);
        if (skip instanceof Promise) skip = await skip;
        if (this.closed) return this.finish();
        if (!skip) {
          this.#fn = undefined;
          return this.emit(result.value);
        }
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Drops items while `fn` returns a truthy value (or a `Promise` of one);
 * from the first item it rejects on, passes everything on without calling
 * `fn` again (tokio-stream's `skip_while`).
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param fn The predicate; its `signal` aborts when the stream closes.
 * @param options The abort signal.
 * @returns The items from the first one `fn` rejects.
 * @throws {TypeError} If `source` or `fn` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, skipWhile } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const rest = skipWhile(ReadableStream.from([1, 2, 9, 3]), (n) => n < 5);
 * assert.deepEqual(await collect(rest), [9, 3]);
 * ```
 */
export function skipWhile<T>(
  source: StreamSource<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource(source);
  checkFunction(fn);
  return new SkipWhile(source, fn, options?.signal);
}
