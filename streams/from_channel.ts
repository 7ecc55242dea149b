import { BaseStream } from "./_stream.ts";
import { checkFunction } from "./_validate.ts";
import type { StreamIterator, StreamOptions } from "./types.ts";

/**
 * The receiving side `fromChannel` reads: anything with a `recv()` that
 * resolves `{ done: false, value }` per message and
 * `{ done: true, value: undefined }` once the channel ended, such as the `MpscReceiver` of `mpsc` in `@weir/weir/sync`.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { fromChannel, type ReceiverLike } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const queue = ["a", "b"];
 * const receiver: ReceiverLike<string> = {
 *   recv: () =>
 *     Promise.resolve(queue.length ? { done: false, value: queue.shift()! } : { done: true, value: undefined }),
 * };
 * assert.deepEqual(await fromChannel(receiver).next(), { done: false, value: "a" });
 * ```
 */
export interface ReceiverLike<T> {
  /**
   * Resolves with the next message, or `{ done: true }` once the channel
   * ended. Aborting `signal` must reject and consume nothing.
   *
   * @param options The signal `fromChannel` aborts when its stream closes.
   * @returns The next message or the end.
   */
  recv(
    options?: { signal?: AbortSignal | undefined },
  ): Promise<
    { readonly done: false; readonly value: T } | { readonly done: true; readonly value: undefined }
  >;
  /** Closes the receiving side; called when the stream closes early. */
  close?(): void;
}

class FromChannel<T> extends BaseStream<T> {
  readonly #receiver: ReceiverLike<T>;
  #ended = false;

  constructor(receiver: ReceiverLike<T>, signal: AbortSignal | undefined) {
    super(signal);
    this.#receiver = receiver;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    try {
      const result = await this.#receiver.recv({ signal: this.taskSignal });
      if (this.closed) return this.finish();
      if (!result.done) return this.emit(result.value);
      this.#ended = true;
      return this.finish();
    } catch (error) {
      if (this.closed) return this.finish();
      throw this.fail(error);
    }
  }

  protected teardown(): void {
    if (!this.#ended) this.#receiver.close?.();
  }
}

/**
 * Reads a channel's receiver as a stream (tokio-stream's `ReceiverStream`),
 * so every combinator applies to it: `recv()` is called once per `next()`,
 * so messages stay in the channel until asked for. The stream ends when the
 * channel does. On early exit the pending `recv()` is aborted (no message
 * is lost to it) and the receiver is closed.
 *
 * @typeParam T The message type.
 * @param receiver The receiving side, e.g. an `MpscReceiver`.
 * @param options The abort signal.
 * @returns The messages.
 * @throws {TypeError} If `receiver` has no `recv` method.
 *
 * @example Usage
 * ```ts
 * import { collect, fromChannel, map } from "@weir/weir/streams";
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<number>(4);
 * await tx.send(1);
 * await tx.send(2);
 * tx.close();
 * assert.deepEqual(await collect(map(fromChannel(rx), (n) => n * 10)), [10, 20]);
 * ```
 */
export function fromChannel<T>(
  receiver: ReceiverLike<T>,
  options?: StreamOptions,
): StreamIterator<T> {
  checkFunction(receiver?.recv, "receiver.recv");
  return new FromChannel(receiver, options?.signal);
}
