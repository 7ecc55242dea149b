import { UnaryStream } from "./_stream.ts";
import { checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/** A predicate of `takeWhile` and `skipWhile`; a `Promise` result is awaited. */
export type Predicate<T> = (value: T, signal: AbortSignal) => unknown;

/**
 * `takeWhile` (`taking`: pass matches, end at the first miss) and
 * `skipWhile` (drop matches, then pass everything without asking).
 */
class While<T> extends UnaryStream<T, T> {
  readonly #taking: boolean;
  #fn: Predicate<T> | undefined;

  constructor(
    source: StreamSource<T>,
    fn: Predicate<T>,
    taking: boolean,
    signal: AbortSignal | undefined,
  ) {
    super(source, signal);
    this.#fn = fn;
    this.#taking = taking;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        const result = await this.source.next();
        if (this.closed) return this.finish();
        if (result.done) return this.exhausted();
        if (this.#fn === undefined) return this.emit(result.value);
        let match = this.#fn(result.value, this.taskSignal);
        if (match instanceof Promise) match = await match;
        if (this.closed) return this.finish();
        if (this.#taking) return match ? this.emit(result.value) : await this.finish();
        if (!match) {
          this.#fn = undefined;
          return this.emit(result.value);
        }
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/** Validates the arguments and makes a `takeWhile` or `skipWhile` stream. */
export function whileStream<T>(
  source: StreamSource<T>,
  fn: Predicate<T>,
  taking: boolean,
  options: StreamOptions | undefined,
): StreamIterator<T> {
  checkSource("source", source);
  checkFunction("fn", fn);
  return new While(source, fn, taking, options?.signal);
}
