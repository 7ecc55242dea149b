import { UnaryStream } from "./_stream.ts";
import { checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

class TakeUntil<T> extends UnaryStream<T, T> {
  #stopped = false;
  #rejected = false;
  #reason: unknown;
  #cleanup: (() => void) | undefined;

  constructor(
    source: StreamSource<T>,
    stop: AbortSignal | PromiseLike<unknown>,
    signal: AbortSignal | undefined,
  ) {
    super(source, signal);
    if (stop instanceof AbortSignal) {
      if (stop.aborted) {
        this.#stopped = true;
        return;
      }
      const onAbort = () => this.#stop();
      stop.addEventListener("abort", onAbort, { once: true });
      this.#cleanup = () => stop.removeEventListener("abort", onAbort);
    } else {
      stop.then(() => this.#stop(), (reason) => {
        this.#rejected = true;
        this.#reason = reason;
        this.#stop();
      });
    }
  }

  #stop(): void {
    this.#stopped = true;
    this.notify();
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        if (this.#stopped) {
          if (this.#rejected) throw this.#reason;
          return await this.finish();
        }
        const result = this.poll();
        if (result !== undefined) {
          return result.done ? this.exhausted() : this.emit(result.value);
        }
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override teardown(reason: unknown): Promise<void> | void {
    this.#cleanup?.();
    return super.teardown(reason);
  }
}

/**
 * Passes items on until `stop` fires, then ends and cancels the source
 * (tokio-stream's `take_until`). `stop` is an `AbortSignal` (its abort ends
 * the stream quietly, unlike the `signal` option, which makes it reject) or
 * a promise (its fulfilment ends the stream; its rejection makes the stream
 * reject with that reason). A `next()` waiting for the source when `stop`
 * fires resolves `{ done: true }` at once; the item it waited for is
 * dropped.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param stop When to stop.
 * @param options The abort signal.
 * @returns The items that arrived before `stop` fired.
 * @throws {TypeError} If `source` or `stop` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { takeUntil } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const shutdown = new AbortController();
 * const never = new ReadableStream<number>({ start: (c) => c.enqueue(1) });
 * const items = takeUntil(never, shutdown.signal);
 * assert.deepEqual(await items.next(), { done: false, value: 1 });
 * const pending = items.next();
 * shutdown.abort();
 * assert.deepEqual(await pending, { done: true, value: undefined });
 * ```
 */
export function takeUntil<T>(
  source: StreamSource<T>,
  stop: AbortSignal | PromiseLike<unknown>,
  options?: StreamOptions,
): StreamIterator<T> {
  checkSource("source", source);
  if (
    !(stop instanceof AbortSignal) && typeof (stop as PromiseLike<unknown>)?.then !== "function"
  ) {
    throw new TypeError(`'stop' must be an AbortSignal or a promise: received ${typeof stop}`);
  }
  return new TakeUntil(source, stop, options?.signal);
}
