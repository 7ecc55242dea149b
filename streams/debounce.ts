import { TimedStream } from "./_timed.ts";
import { checkMs, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamSource, TimedStreamOptions } from "./types.ts";

class Debounce<T> extends TimedStream<T, T> {
  readonly #ms: number;
  #latest: T | undefined;
  #holding = false;
  #ended = false;

  constructor(source: StreamSource<T>, ms: number, options: TimedStreamOptions) {
    super(source, options);
    this.#ms = ms;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        if (this.#ended) return this.exhausted();
        if (this.#holding && this.fired) return this.emit(this.#release());
        const result = this.poll();
        if (result?.done) {
          if (!this.#holding) return this.exhausted();
          this.#ended = true;
          return this.emit(this.#release());
        }
        if (result !== undefined) {
          this.#latest = result.value;
          this.#holding = true;
          this.arm(this.#ms);
          continue;
        }
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  #release(): T {
    const latest = this.#latest as T;
    this.#latest = undefined;
    this.#holding = false;
    this.disarm();
    return latest;
  }

  protected override teardown(reason: unknown): Promise<void> | void {
    this.#latest = undefined;
    return super.teardown(reason);
  }
}

/**
 * Hands out an item only once `ms` passed without a newer one; a newer item
 * replaces the one waiting (which is dropped) and restarts the wait. When
 * the source ends, the waiting item is handed out at once. Like RxJS's
 * `debounceTime`; tokio-stream has no equivalent.
 *
 * The source is read while a `next()` waits (one item ahead at most), so
 * time spent by the consumer between calls does not count as quiet time
 * for items that arrive meanwhile: the wait for such an item starts at the
 * next call.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param ms The quiet time, in milliseconds.
 * @param options The abort signal and the clock.
 * @returns The items that were followed by `ms` of quiet, and the last one.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 * @throws {TypeError} If `source` or `ms` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { collect, debounce } from "@weir/weir/streams";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const typed = new ReadableStream<string>({
 *   async start(controller) {
 *     controller.enqueue("h");
 *     controller.enqueue("he");
 *     await new Promise<void>((resolve) => clock.setTimer(resolve, 500));
 *     controller.enqueue("hey");
 *     controller.close();
 *   },
 * });
 * const settled = collect(debounce(typed, 300, { clock }));
 * await clock.runAll();
 * assert.deepEqual(await settled, ["he", "hey"]);
 * ```
 */
export function debounce<T>(
  source: StreamSource<T>,
  ms: number,
  options: TimedStreamOptions = {},
): StreamIterator<T> {
  checkSource("source", source);
  checkMs("ms", ms);
  return new Debounce(source, ms, options);
}
