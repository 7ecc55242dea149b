import { LaggedError } from "../sync/channel_errors.ts";
import { BaseStream } from "./_stream.ts";
import { checkFunction } from "./_validate.ts";
import type { StreamIterator, StreamOptions } from "./types.ts";

/**
 * The receiving side `fromChannel` reads: anything with a `recv()` that
 * resolves `{ done: false, value }` per message and
 * `{ done: true, value: undefined }` once the channel ended, such as the
 * receivers of `mpsc`, `broadcast` and `watch` in `@weir/weir/sync`.
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

/** Options for {@linkcode fromChannel}. */
export interface FromChannelOptions extends StreamOptions {
  /**
   * What a `LaggedError` from the receiver does (a `broadcast` receiver
   * that fell behind and had messages overwritten): `"error"` ends the
   * stream with it; `"skip"` counts the lost messages in the stream's
   * `skipped` and goes on with the oldest message still there.
   *
   * @default {"error"}
   */
  onLag?: "skip" | "error" | undefined;
}

/**
 * The stream {@linkcode fromChannel} returns: a {@linkcode StreamIterator}
 * that also counts the messages it skipped.
 *
 * @typeParam T The message type.
 */
export interface ChannelStream<T> extends StreamIterator<T> {
  /**
   * Messages lost to lag and skipped (with `onLag: "skip"`); 0 otherwise.
   *
   * @example Usage
   * ```ts
   * import { fromChannel } from "@weir/weir/streams";
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [, rx] = mpsc<number>(1);
   * assert.equal(fromChannel(rx).skipped, 0);
   * ```
   */
  readonly skipped: number;
}

class FromChannel<T> extends BaseStream<T> implements ChannelStream<T> {
  readonly #receiver: ReceiverLike<T>;
  readonly #skipLag: boolean;
  #ended = false;
  #skipped = 0;

  constructor(receiver: ReceiverLike<T>, skipLag: boolean, signal: AbortSignal | undefined) {
    super(signal);
    this.#receiver = receiver;
    this.#skipLag = skipLag;
  }

  get skipped(): number {
    return this.#skipped;
  }

  protected async pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      try {
        const result = await this.#receiver.recv({ signal: this.taskSignal });
        if (this.closed) return this.finish();
        if (!result.done) return this.emit(result.value);
        this.#ended = true;
        return this.finish();
      } catch (error) {
        if (this.closed) return this.finish();
        if (this.#skipLag && error instanceof LaggedError) {
          this.#skipped += error.skipped;
          continue;
        }
        throw this.fail(error);
      }
    }
  }

  protected teardown(): void {
    if (!this.#ended) this.#receiver.close?.();
  }
}

/**
 * Reads a channel's receiver as a stream (tokio-stream's `ReceiverStream`
 * and `BroadcastStream`), so every combinator applies to it: `recv()` is
 * called once per `next()`, so messages stay in the channel until asked
 * for. The stream ends when the channel does. On early exit the pending
 * `recv()` is aborted (no message is lost to it) and the receiver is
 * closed.
 *
 * A `broadcast` receiver that falls behind throws `LaggedError`: by default
 * the stream ends with it; with `onLag: "skip"` the stream goes on and
 * counts the lost messages in `skipped`.
 *
 * @typeParam T The message type.
 * @param receiver The receiving side, e.g. an `mpsc` or `broadcast` receiver.
 * @param options The abort signal and the lag policy.
 * @returns The messages, with a `skipped` count.
 * @throws {TypeError} If `receiver` has no `recv` method or `onLag` is unknown.
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
 *
 * @example A slow subscriber that skips what it missed
 * ```ts
 * import { collect, fromChannel } from "@weir/weir/streams";
 * import { broadcast } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(2);
 * for (const n of [1, 2, 3, 4]) tx.send(n); // 1 and 2 are overwritten before rx reads
 * tx.close();
 * const stream = fromChannel(rx, { onLag: "skip" });
 * assert.deepEqual(await collect(stream), [3, 4]);
 * assert.equal(stream.skipped, 2);
 * ```
 */
export function fromChannel<T>(
  receiver: ReceiverLike<T>,
  options?: FromChannelOptions,
): ChannelStream<T> {
  checkFunction("receiver.recv", receiver?.recv);
  const onLag = options?.onLag ?? "error";
  if (onLag !== "skip" && onLag !== "error") {
    throw new TypeError(`'onLag' must be "skip" or "error": received ${JSON.stringify(onLag)}`);
  }
  return new FromChannel(receiver, onLag === "skip", options?.signal);
}
