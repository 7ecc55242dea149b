/**
 * A channel operation found the channel closed: a send whose receiver is
 * gone (or whose own sender handle was closed), a oneshot whose sender
 * closed without sending, a `watch` receiver whose senders are all gone.
 * A failed send hands its message back in `value`.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { ChannelClosedError, mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<string>(1);
 * rx.close();
 * try {
 *   tx.trySend("lost?");
 *   assert.fail("unreachable");
 * } catch (err) {
 *   assert.ok(err instanceof ChannelClosedError);
 *   assert.equal(err.value, "lost?");
 *   assert.equal(err.message, "Cannot send: the receiver is closed");
 * }
 * ```
 */
export class ChannelClosedError<T = unknown> extends Error {
  /** The message that could not be sent, or `undefined` when none was. */
  readonly value: T | undefined;

  /**
   * Creates the error.
   *
   * @param message What was attempted and which end is closed.
   * @param value The message handed back to the caller, if any.
   */
  constructor(message: string = "Channel is closed", value?: T) {
    super(message);
    this.name = "ChannelClosedError";
    this.value = value;
  }
}

/**
 * A `broadcast` receiver fell so far behind that messages it had not read
 * were overwritten. `skipped` says how many it missed; the receiver stays
 * usable and its next receive returns the oldest message still retained.
 *
 * @example Usage
 * ```ts
 * import { broadcast, LaggedError } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(2);
 * tx.send(10);
 * tx.send(20);
 * tx.send(30);
 * await assert.rejects(rx.recv(), (err) => {
 *   assert.ok(err instanceof LaggedError);
 *   assert.equal(err.skipped, 1);
 *   assert.equal(err.message, "Receiver lagged behind by 1 message");
 *   return true;
 * });
 * assert.deepEqual(await rx.recv(), { done: false, value: 20 });
 * ```
 */
export class LaggedError extends Error {
  /** How many messages the receiver missed. */
  readonly skipped: number;

  /**
   * Creates the error.
   *
   * @param skipped How many messages were missed.
   */
  constructor(skipped: number) {
    super(`Receiver lagged behind by ${skipped} message${skipped === 1 ? "" : "s"}`);
    this.name = "LaggedError";
    this.skipped = skipped;
  }
}
