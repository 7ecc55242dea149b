import { drain, INSPECT, transform } from "./_transform.ts";
import { checkFunction } from "./_validate.ts";
import type { StreamOptions, StreamSource } from "./types.ts";

/**
 * The sending side `intoChannel` writes to: anything with a `send()` that
 * waits for room, such as an `mpsc` sender from `@weir/weir/sync`.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { intoChannel, type SenderLike } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const sent: number[] = [];
 * const sender: SenderLike<number> = { send: async (n) => void sent.push(n) };
 * await intoChannel(ReadableStream.from([1, 2]), sender);
 * assert.deepEqual(sent, [1, 2]);
 * ```
 */
export interface SenderLike<T> {
  /**
   * Sends `value`, waiting while the channel is full. Aborting `signal`
   * must reject and enqueue nothing.
   *
   * @param value The message.
   * @param options The signal `intoChannel` aborts when it stops early.
   * @returns A promise that resolves once the message is in the channel.
   */
  send(value: T, options?: { signal?: AbortSignal | undefined }): Promise<unknown>;
  /** Closes this sending handle; called when `intoChannel` settles. */
  close?(): void;
}

/** Options for {@linkcode intoChannel}. */
export interface IntoChannelOptions extends StreamOptions {
  /**
   * Keep the sender open when `intoChannel` settles (other messages will
   * follow on it).
   *
   * @default {false}
   */
  preventClose?: boolean | undefined;
}

/**
 * Sends every item of `source` into a channel, in order, waiting for room
 * before pulling the next item (tokio-stream's `forward` into a sender):
 * the channel's capacity is the backpressure. When it settles, the sender
 * is closed unless `preventClose` is set, so the receiver sees the end
 * once it drained.
 *
 * If the source throws or a send fails (the receiver closed: the sender's
 * error, e.g. `ChannelClosedError`), the call rejects with that error and
 * the source is cancelled. Aborting `signal` rejects with `signal.reason`,
 * aborts the pending send (nothing is enqueued by it) and cancels the
 * source.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param sender The sending side, e.g. an `mpsc` sender.
 * @param options The abort signal and `preventClose`.
 * @returns A promise that resolves once every item was sent.
 * @throws {TypeError} (as a rejection) If `source` or `sender` has the wrong type.
 *
 * @example Usage
 * ```ts
 * import { intoChannel } from "@weir/weir/streams";
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<string>(1);
 * const forwarding = intoChannel(ReadableStream.from(["a", "b"]), tx);
 * const got: string[] = [];
 * for await (const s of rx) got.push(s);
 * await forwarding;
 * assert.deepEqual(got, ["a", "b"]);
 * ```
 */
export async function intoChannel<T>(
  source: StreamSource<T>,
  sender: SenderLike<T>,
  options: IntoChannelOptions = {},
): Promise<void> {
  checkFunction("sender.send", sender?.send);
  const items = transform(source, INSPECT, (value: T, signal: AbortSignal) => {
    return sender.send(value, { signal });
  }, options);
  try {
    await drain(items);
  } finally {
    if (!options.preventClose) sender.close?.();
  }
}
