import { ChannelClosedError } from "./channel_errors.ts";
import type { RecvResult } from "./recv_result.ts";
import { claimSignal } from "./select_safety.ts";
import { Ring } from "./_ring.ts";
import { checkInteger, DONE, integerError, RESOLVED } from "./_shared.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * A reserved slot of an {@linkcode mpsc} channel, from
 * {@linkcode MpscSender.reserve}: `send` is synchronous and cannot fail, which
 * makes "reserve, then decide what to send" the cancel-safe way to send.
 * An unused permit returns its slot on `release` or `using` disposal.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<string>(1);
 * const permit = await tx.reserve();
 * permit.send("reserved");
 * assert.deepEqual(await rx.recv(), { done: false, value: "reserved" });
 * ```
 */
export interface SendPermit<T> extends Disposable {
  /**
   * Sends through the reserved slot, synchronously. It succeeds even if
   * the receiver was closed meanwhile: a closed receiver still drains
   * what permits send (as Tokio's receiver after `close()`).
   *
   * @param value The message.
   * @throws {TypeError} If the permit was already used or released.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(2);
   * (await tx.reserve()).send(7);
   * assert.equal(rx.length, 1);
   * ```
   */
  send(value: T): void;
  /**
   * Returns the slot unused. Idempotent; does nothing after `send`.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(1);
   * const permit = await tx.reserve();
   * assert.equal(tx.tryReserve(), undefined);
   * permit.release();
   * assert.ok(tx.tryReserve());
   * ```
   */
  release(): void;
  /**
   * Same as {@linkcode SendPermit.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(1);
   * {
   *   using _permit = await tx.reserve();
   * }
   * assert.ok(tx.tryReserve());
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * The sending half of an {@linkcode mpsc} channel. Clone it for more
 * producers; the receiver sees the end once every clone is closed (or
 * disposed) and the buffer is drained.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<number>(8);
 * await Promise.all([0, 1, 2].map(async (id) => {
 *   using worker = tx.clone();
 *   await worker.send(id);
 * }));
 * tx.close();
 * const got: number[] = [];
 * for await (const id of rx) got.push(id);
 * assert.deepEqual(got.sort(), [0, 1, 2]);
 * ```
 */
export interface MpscSender<T> extends Disposable {
  /**
   * The channel's bound (`Infinity` for {@linkcode unboundedMpsc}).
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(32);
   * assert.equal(tx.capacity, 32);
   * ```
   */
  readonly capacity: number;
  /**
   * Slots taken: messages in the channel plus slots held by unsent
   * permits, so the free room is `capacity - length` (Tokio's `capacity()`
   * is that free room, its `max_capacity()` weir's `capacity`).
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(4);
   * tx.trySend(1);
   * using _permit = await tx.reserve();
   * assert.equal(tx.length, 2);
   * assert.equal(tx.capacity - tx.length, 2);
   * ```
   */
  readonly length: number;
  /**
   * Whether the receiver is closed, so every send fails.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * rx.close();
   * assert.equal(tx.isClosed, true);
   * ```
   */
  readonly isClosed: boolean;
  /**
   * Resolves once the receiver is closed: the moment to stop producing.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   *
   * const [tx, rx] = mpsc<number>(1);
   * setTimeout(() => rx.close(), 0);
   * await tx.closed;
   * ```
   */
  readonly closed: Promise<void>;
  /**
   * Sends `value`, waiting for room while the channel is full. Senders
   * waiting for room are served in FIFO order. Resolving means the message
   * is in the channel, not that it was received.
   *
   * Cancel safety: safe, stricter than Tokio. An aborted send rejects with
   * `signal.reason` and enqueues nothing; the caller still has the value.
   * It loses its place in line.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param value The message; `undefined` is a legal message.
   * @param options Abort signal.
   * @returns A promise that resolves once the message is in the channel.
   * @throws {ChannelClosedError} (as a rejection, carrying `value`) If the
   * receiver or this sender is closed, also while waiting.
   *
   * @example Backpressure
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * await tx.send(1);
   * const second = tx.send(2); // waits: the channel is full
   * assert.deepEqual(await rx.recv(), { done: false, value: 1 });
   * await second;
   * assert.deepEqual(await rx.recv(), { done: false, value: 2 });
   * ```
   */
  send(value: T, options?: SyncWaitOptions): Promise<void>;
  /**
   * Sends `value` if there is room now, synchronously. On an
   * {@linkcode unboundedMpsc} channel this is the plain synchronous send.
   *
   * @param value The message.
   * @returns `true` if the message is in the channel, `false` if the channel
   * is full (the caller keeps `value`).
   * @throws {ChannelClosedError} If the receiver or this sender is closed
   * (carries `value`).
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<string>(1);
   * assert.equal(tx.trySend("a"), true);
   * assert.equal(tx.trySend("b"), false); // full
   * ```
   */
  trySend(value: T): boolean;
  /**
   * Waits for a free slot and holds it as a {@linkcode SendPermit}, in the
   * same FIFO line as `send`.
   *
   * Cancel safety: safe. An aborted reserve rejects with `signal.reason`
   * and holds no slot.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The permit.
   * @throws {ChannelClosedError} (as a rejection) If the receiver or this
   * sender is closed, also while waiting.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<string>(4);
   * using permit = await tx.reserve();
   * permit.send("hi");
   * assert.equal(rx.tryRecv()?.value, "hi");
   * ```
   */
  reserve(options?: SyncWaitOptions): Promise<SendPermit<T>>;
  /**
   * Reserves a slot if one is free now.
   *
   * @returns The permit, or `undefined` if the channel is full.
   * @throws {ChannelClosedError} If the receiver or this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(1);
   * const permit = tx.tryReserve();
   * assert.ok(permit);
   * assert.equal(tx.tryReserve(), undefined);
   * ```
   */
  tryReserve(): SendPermit<T> | undefined;
  /**
   * Waits until `n` slots are free and holds them all at once, as `n`
   * {@linkcode SendPermit}s (Tokio's `reserve_many`). It waits in the same
   * FIFO line as `send` and `reserve`, and while it waits at the head no
   * later send overtakes it, so a large reservation is never starved.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason` and
   * holds no slot; it loses its place in line.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch holds no
   * slot.
   *
   * @param n How many slots, an integer from 0 to `capacity`.
   * @param options Abort signal.
   * @returns `n` permits (none for `n` 0).
   * @throws {RangeError} (as a rejection) If `n` is out of range.
   * @throws {ChannelClosedError} (as a rejection) If the receiver or this
   * sender is closed, also while waiting.
   *
   * @example A batch that goes in together or not at all
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<string>(4);
   * const permits = await tx.reserveMany(3);
   * for (const [i, permit] of permits.entries()) permit.send(`part ${i}`);
   * assert.deepEqual(await rx.recvMany(8), ["part 0", "part 1", "part 2"]);
   * ```
   */
  reserveMany(n: number, options?: SyncWaitOptions): Promise<SendPermit<T>[]>;
  /**
   * Reserves `n` slots if all of them are free now and nobody waits.
   *
   * @param n How many slots, an integer from 0 to `capacity`.
   * @returns `n` permits, or `undefined` if there is not room for all `n`.
   * @throws {RangeError} If `n` is out of range.
   * @throws {ChannelClosedError} If the receiver or this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = mpsc<number>(3);
   * tx.trySend(1);
   * assert.equal(tx.tryReserveMany(3), undefined); // only 2 free
   * assert.equal(tx.tryReserveMany(2)?.length, 2);
   * ```
   */
  tryReserveMany(n: number): SendPermit<T>[] | undefined;
  /**
   * Another handle on the same channel; the channel stays open for the
   * receiver until every handle is closed.
   *
   * @returns The new sender.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<string>(2);
   * const other = tx.clone();
   * tx.close();
   * await other.send("still open");
   * other.close();
   * assert.deepEqual(await rx.recv(), { done: false, value: "still open" });
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  clone(): MpscSender<T>;
  /**
   * A {@linkcode WeakMpscSender} for this channel: a handle that does not
   * keep the channel open, to be upgraded into a sender while it still is.
   *
   * @returns The weak sender.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * const weak = tx.downgrade();
   * tx.close();
   * assert.equal((await rx.recv()).done, true); // the weak sender kept nothing open
   * assert.equal(weak.upgrade(), undefined);
   * ```
   */
  downgrade(): WeakMpscSender<T>;
  /**
   * Closes this handle: its later sends fail. When the last handle closes,
   * the receiver gets `{ done: true }` after draining. Sends this handle
   * already had waiting still complete. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(2);
   * await tx.send(1);
   * tx.close();
   * assert.deepEqual(await rx.recv(), { done: false, value: 1 });
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode MpscSender.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * {
   *   using producer = tx;
   *   producer.trySend(1);
   * }
   * assert.equal((await rx.recv()).value, 1);
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * A weak handle on an {@linkcode mpsc} channel, from
 * {@linkcode MpscSender.downgrade} (Tokio's `WeakSender`): it does not keep
 * the channel open, so the receiver still sees the end once every (strong)
 * sender is closed, and it can become a sender again while the channel is
 * open. It also holds the channel only weakly, so a channel nobody else
 * references can be garbage-collected.
 *
 * JavaScript has no destructors: a strong sender counts until it is closed
 * or disposed, not when it becomes unreachable, so `upgrade` answers from
 * the senders' `close` calls, deterministically.
 *
 * @typeParam T The message type.
 *
 * @example A worker that only holds on while others do
 * ```ts
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<string>(4);
 * const weak = tx.downgrade();
 * const helper = weak.upgrade();
 * assert.ok(helper);
 * await helper.send("from the helper");
 * helper.close();
 * tx.close();
 * assert.equal(weak.upgrade(), undefined);
 * assert.deepEqual(await Array.fromAsync(rx), ["from the helper"]);
 * ```
 */
export interface WeakMpscSender<T> {
  /**
   * A new (strong) sender, if the channel is still open: some sender is
   * not closed and the receiver is not closed.
   *
   * @returns The sender, or `undefined` once the channel is closed.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * const weak = tx.downgrade();
   * rx.close();
   * assert.equal(weak.upgrade(), undefined);
   * ```
   */
  upgrade(): MpscSender<T> | undefined;
}

/**
 * The receiving half of an {@linkcode mpsc} channel: one consumer, messages
 * in send order. Iterate it with `for await`, or read it as a
 * `ReadableStream` through `readable`.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<number>(2);
 * (async () => {
 *   for (let i = 0; i < 5; i++) await tx.send(i);
 *   tx.close();
 * })();
 * let sum = 0;
 * for await (const n of rx) sum += n;
 * assert.equal(sum, 10);
 * ```
 */
export interface MpscReceiver<T> extends AsyncIterable<T, undefined>, Disposable {
  /**
   * How many messages are buffered.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(4);
   * tx.trySend(1);
   * tx.trySend(2);
   * assert.equal(rx.length, 2);
   * ```
   */
  readonly length: number;
  /**
   * Whether the channel is closed for senders: this receiver was closed,
   * or every sender is closed (messages may still be buffered; receive
   * until `{ done: true }`).
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * assert.equal(rx.isClosed, false);
   * tx.close();
   * assert.equal(rx.isClosed, true);
   * ```
   */
  readonly isClosed: boolean;
  /**
   * A `ReadableStream` view of the messages (created on first use, pulled
   * one message per read). Cancelling the stream closes the receiver.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<string>(4);
   * tx.trySend("a");
   * tx.trySend("b");
   * tx.close();
   * assert.deepEqual(await Array.fromAsync(rx.readable), ["a", "b"]);
   * ```
   */
  readonly readable: ReadableStream<T>;
  /**
   * Receives the next message, waiting while the channel is empty. Resolves
   * `{ done: true }` only once the channel is closed (every sender closed,
   * or this receiver closed) and drained, including messages still to come
   * through outstanding permits and waiting sends.
   *
   * Cancel safety: safe. An aborted receive rejects with `signal.reason`
   * and takes no message.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The next message, or the end.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * const next = rx.recv();
   * await tx.send(42);
   * assert.deepEqual(await next, { done: false, value: 42 });
   * ```
   */
  recv(options?: SyncWaitOptions): Promise<RecvResult<T>>;
  /**
   * Receives a message if one is buffered now.
   *
   * @returns The message, `{ done: true }` if the channel is closed and
   * drained, or `undefined` if it is empty but still open.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * assert.equal(rx.tryRecv(), undefined);
   * tx.trySend(1);
   * assert.deepEqual(rx.tryRecv(), { done: false, value: 1 });
   * tx.close();
   * assert.equal(rx.tryRecv()?.done, true);
   * ```
   */
  tryRecv(): RecvResult<T> | undefined;
  /**
   * Receives a batch: waits for at least one message like `recv`, then
   * takes up to `limit` that are ready, in order (Tokio's `recv_many`). One
   * await per batch instead of per message is the fastest way to drain a
   * busy channel.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason` and
   * takes no message.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param limit Most messages to take, an integer from 1 up.
   * @param options Abort signal.
   * @returns The messages, or an empty array once the channel is closed
   * and drained.
   * @throws {RangeError} (as a rejection) If `limit` is out of range.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(8);
   * for (const n of [1, 2, 3]) tx.trySend(n);
   * tx.close();
   * assert.deepEqual(await rx.recvMany(2), [1, 2]);
   * assert.deepEqual(await rx.recvMany(2), [3]);
   * assert.deepEqual(await rx.recvMany(2), []);
   * ```
   */
  recvMany(limit: number, options?: SyncWaitOptions): Promise<T[]>;
  /**
   * Stops the channel for senders: waiting and later sends and reserves
   * reject with {@linkcode ChannelClosedError}, `closed` resolves. Buffered
   * messages (and those of permits already held) stay receivable; receive
   * until `{ done: true }` for a clean shutdown. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(2);
   * tx.trySend(1);
   * rx.close();
   * await assert.rejects(tx.send(2), ChannelClosedError);
   * assert.deepEqual(await rx.recv(), { done: false, value: 1 });
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  close(): void;
  /**
   * Iterates the messages until the channel ends. Breaking out of the loop
   * closes the receiver.
   *
   * @returns The iterator.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(4);
   * tx.trySend(1);
   * tx.trySend(2);
   * for await (const n of rx) {
   *   assert.equal(n, 1);
   *   break;
   * }
   * assert.equal(tx.isClosed, true);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined>;
  /**
   * Same as {@linkcode MpscReceiver.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { mpsc } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = mpsc<number>(1);
   * {
   *   using _rx = rx;
   * }
   * assert.equal(tx.isClosed, true);
   * ```
   */
  [Symbol.dispose](): void;
}

/** What a waiting sender wants: to send its value, or `count` permits. */
const SEND = -1;

class SlotWaiter<T> extends Waiter<unknown> {
  /** `SEND`, or how many permits to reserve (1 for `reserve`, n for `reserveMany`). */
  readonly count: number;
  /** Whether `reserveMany` asked, so the permits come as an array. */
  readonly many: boolean;

  constructor(
    readonly chan: Chan<T>,
    count: number,
    many: boolean,
    readonly value: T | undefined,
    signal: AbortSignal | undefined,
  ) {
    super(signal);
    this.count = count;
    this.many = many;
  }

  get slots(): number {
    return this.count === SEND ? 1 : this.count;
  }

  /** A large reservation that gives up may have been holding up smaller ones behind it. */
  protected override aborted(): void {
    this.chan.settle();
  }
}

class Chan<T> {
  readonly buffer = new Ring<T>();
  readonly receivers = new WaitQueue<Waiter<RecvResult<T>>>();
  /** Sends and reserves waiting for room, in FIFO order. */
  readonly senders = new WaitQueue<SlotWaiter<T>>();
  reserved = 0;
  senderCount = 1;
  receiverClosed = false;
  #closed: PromiseWithResolvers<void> | undefined;
  /** Set while `settle` runs: an abort listener it triggers leaves the work to it. */
  #settling = false;

  constructor(readonly capacity: number) {}

  /** Slots taken: buffered messages plus slots held by permits. */
  get length(): number {
    return this.buffer.length + this.reserved;
  }

  /**
   * Whether `n` slots can be taken now without passing anyone in line: a
   * waiting `reserveMany` is not overtaken by later small sends.
   */
  canTake(n: number): boolean {
    return this.senders.size === 0 && this.length + n <= this.capacity;
  }

  get drained(): boolean {
    return (this.senderCount === 0 || this.receiverClosed) && this.buffer.length === 0 &&
      this.reserved === 0 && this.senders.size === 0;
  }

  get closed(): Promise<void> {
    if (this.receiverClosed) return RESOLVED;
    return (this.#closed ??= Promise.withResolvers()).promise;
  }

  /** Removes the oldest buffered message, letting a waiting sender in. */
  take(): T {
    const value = this.buffer.shift();
    if (this.senders.size !== 0) this.settle();
    return value;
  }

  /** Moves buffered messages into `out` until it holds `limit`. */
  takeMany(out: T[], limit: number): T[] {
    while (out.length < limit && this.buffer.length !== 0) out.push(this.take());
    return out;
  }

  deliver(value: T): void {
    const receivers = this.receivers;
    for (let receiver = receivers.shift(); receiver; receiver = receivers.shift()) {
      if (receiver.claim()) {
        receiver.resolve({ done: false, value });
        return;
      }
    }
    this.buffer.push(value);
  }

  /** Holds `n` slots as permits. */
  permits(n: number): SendPermit<T>[] {
    this.reserved += n;
    const permits = new Array<SendPermit<T>>(n);
    for (let i = 0; i < n; i++) permits[i] = new Slot(this);
    return permits;
  }

  /** Serves waiting senders in order while the head fits, then ends receivers if drained. */
  settle(): void {
    if (this.#settling) return;
    this.#settling = true;
    try {
      this.#serve();
    } finally {
      this.#settling = false;
    }
  }

  #serve(): void {
    const senders = this.senders;
    for (let waiter = senders.head; waiter; waiter = senders.head) {
      const slots = waiter.slots;
      if (this.length + slots > this.capacity) break;
      senders.shift();
      this.reserved += slots; // held while claiming, which may run abort listeners
      if (!waiter.claim()) {
        this.reserved -= slots;
        continue;
      }
      this.reserved -= slots;
      if (waiter.count === SEND) {
        this.deliver(waiter.value as T);
        waiter.resolve(undefined);
      } else {
        const permits = this.permits(slots);
        waiter.resolve(waiter.many ? permits : permits[0]);
      }
    }
    if (this.drained) {
      const receivers = this.receivers;
      for (let waiter = receivers.shift(); waiter; waiter = receivers.shift()) {
        if (waiter.claim()) waiter.resolve(DONE);
      }
    }
  }

  closeReceiver(): void {
    if (this.receiverClosed) return;
    this.receiverClosed = true;
    const senders = this.senders;
    for (let waiter = senders.shift(); waiter; waiter = senders.shift()) {
      waiter.reject(receiverClosed(waiter.value));
    }
    this.#closed?.resolve();
    this.settle();
  }
}

function receiverClosed<T>(value: T): ChannelClosedError<T> {
  return new ChannelClosedError("Cannot send: the receiver is closed", value);
}

class Slot<T> implements SendPermit<T> {
  #chan: Chan<T> | undefined;

  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  send(value: T): void {
    const chan = this.#chan;
    if (chan === undefined) throw new TypeError("Cannot use a SendPermit after it was used");
    this.#chan = undefined;
    chan.reserved--;
    chan.deliver(value);
    chan.settle();
  }

  release(): void {
    const chan = this.#chan;
    if (chan === undefined) return;
    this.#chan = undefined;
    chan.reserved--;
    chan.settle();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

class ChanSender<T> implements MpscSender<T> {
  readonly #chan: Chan<T>;
  #closed = false;

  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  get capacity(): number {
    return this.#chan.capacity;
  }

  get length(): number {
    return this.#chan.length;
  }

  get isClosed(): boolean {
    return this.#chan.receiverClosed;
  }

  get closed(): Promise<void> {
    return this.#chan.closed;
  }

  send(value: T, options?: SyncWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const chan = this.#chan;
    if (signal !== undefined && chan.canTake(1) && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    const error = this.#closedError(value);
    if (error) return Promise.reject(error);
    if (chan.canTake(1)) {
      chan.deliver(value);
      return RESOLVED;
    }
    const waiter = new SlotWaiter(chan, SEND, false, value, signal);
    chan.senders.push(waiter);
    return waiter.promise as Promise<void>;
  }

  trySend(value: T): boolean {
    const error = this.#closedError(value);
    if (error) throw error;
    const chan = this.#chan;
    if (!chan.canTake(1)) return false;
    chan.deliver(value);
    return true;
  }

  reserve(options?: SyncWaitOptions): Promise<SendPermit<T>> {
    return this.#reserve(1, false, options?.signal) as Promise<SendPermit<T>>;
  }

  reserveMany(n: number, options?: SyncWaitOptions): Promise<SendPermit<T>[]> {
    const error = integerError("n", n, 0, Math.min(this.#chan.capacity, Number.MAX_SAFE_INTEGER));
    if (error) return Promise.reject(error);
    return this.#reserve(n, true, options?.signal) as Promise<SendPermit<T>[]>;
  }

  tryReserve(): SendPermit<T> | undefined {
    return this.#tryReserve(1)?.[0];
  }

  tryReserveMany(n: number): SendPermit<T>[] | undefined {
    checkInteger("n", n, 0, Math.min(this.#chan.capacity, Number.MAX_SAFE_INTEGER));
    return this.#tryReserve(n);
  }

  clone(): MpscSender<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot clone: this sender is closed");
    this.#chan.senderCount++;
    return new ChanSender(this.#chan);
  }

  downgrade(): WeakMpscSender<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot downgrade: this sender is closed");
    return new WeakChanSender(this.#chan);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chan.senderCount--;
    this.#chan.settle();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #reserve(
    n: number,
    many: boolean,
    signal: AbortSignal | undefined,
  ): Promise<SendPermit<T> | SendPermit<T>[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const chan = this.#chan;
    if (signal !== undefined && chan.canTake(n) && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    const error = this.#closedError(undefined);
    if (error) return Promise.reject(error);
    if (chan.canTake(n)) {
      const permits = chan.permits(n);
      return Promise.resolve(many ? permits : permits[0]!);
    }
    const waiter = new SlotWaiter<T>(chan, n, many, undefined, signal);
    chan.senders.push(waiter);
    return waiter.promise as Promise<SendPermit<T> | SendPermit<T>[]>;
  }

  #tryReserve(n: number): SendPermit<T>[] | undefined {
    const error = this.#closedError(undefined);
    if (error) throw error;
    const chan = this.#chan;
    return chan.canTake(n) ? chan.permits(n) : undefined;
  }

  #closedError<V>(value: V): ChannelClosedError<V> | undefined {
    if (this.#closed) return new ChannelClosedError("Cannot send: this sender is closed", value);
    if (this.#chan.receiverClosed) return receiverClosed(value);
    return undefined;
  }
}

class WeakChanSender<T> implements WeakMpscSender<T> {
  // A WeakRef, so a weak sender alone does not keep the channel's memory
  // (its buffered messages) alive either.
  readonly #chan: WeakRef<Chan<T>>;

  constructor(chan: Chan<T>) {
    this.#chan = new WeakRef(chan);
  }

  upgrade(): MpscSender<T> | undefined {
    const chan = this.#chan.deref();
    if (chan === undefined || chan.senderCount === 0 || chan.receiverClosed) return undefined;
    chan.senderCount++;
    return new ChanSender(chan);
  }
}

class ChanReceiver<T> implements MpscReceiver<T> {
  readonly #chan: Chan<T>;
  #readable: ReadableStream<T> | undefined;

  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  get length(): number {
    return this.#chan.buffer.length;
  }

  get isClosed(): boolean {
    const chan = this.#chan;
    return chan.receiverClosed || chan.senderCount === 0;
  }

  get readable(): ReadableStream<T> {
    return this.#readable ??= new ReadableStream<T>({
      pull: async (controller) => {
        const result = await this.recv();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: () => this.close(),
    }, { highWaterMark: 0 });
  }

  recv(options?: SyncWaitOptions): Promise<RecvResult<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (signal !== undefined && this.#ready && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    const result = this.tryRecv();
    if (result) return Promise.resolve(result);
    const waiter = new Waiter<RecvResult<T>>(signal);
    this.#chan.receivers.push(waiter);
    return waiter.promise;
  }

  /** Whether a receive would complete now, so it claims first. */
  get #ready(): boolean {
    const chan = this.#chan;
    return chan.buffer.length !== 0 || chan.drained;
  }

  tryRecv(): RecvResult<T> | undefined {
    const chan = this.#chan;
    if (chan.buffer.length !== 0) return { done: false, value: chan.take() };
    return chan.drained ? DONE : undefined;
  }

  recvMany(limit: number, options?: SyncWaitOptions): Promise<T[]> {
    const error = integerError("limit", limit, 1);
    if (error) return Promise.reject(error);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (signal !== undefined && this.#ready && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    const chan = this.#chan;
    if (chan.buffer.length !== 0) return Promise.resolve(chan.takeMany([], limit));
    if (chan.drained) return Promise.resolve([]);
    return this.recv(options).then((first) =>
      first.done ? [] : chan.takeMany([first.value], limit)
    );
  }

  close(): void {
    this.#chan.closeReceiver();
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => this.recv(),
      return: () => {
        this.close();
        return Promise.resolve(DONE);
      },
    };
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a bounded multi-producer, single-consumer channel, as Tokio's
 * `mpsc::channel`: at most `capacity` messages (plus reserved slots) are in
 * the channel; `send` waits for room, `trySend` returns
 * `false`. Messages arrive in send order; the receiver
 * sees `{ done: true }` once every sender is closed and the buffer drained.
 *
 * @typeParam T The message type.
 * @param capacity The bound, an integer from 1 to `Number.MAX_SAFE_INTEGER`.
 * @returns The sender and the receiver.
 * @throws {RangeError} If `capacity` is out of range.
 *
 * @example Request and response with oneshot
 * ```ts
 * import { mpsc, oneshot, type OneshotSender } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [requests, inbox] = mpsc<{ n: number; reply: OneshotSender<number> }>(32);
 * const worker = (async () => {
 *   for await (const { n, reply } of inbox) reply.send(n * 2);
 * })();
 * const [reply, response] = oneshot<number>();
 * await requests.send({ n: 21, reply });
 * assert.equal(await response.recv(), 42);
 * requests.close();
 * await worker;
 * ```
 */
export function mpsc<T>(capacity: number): [MpscSender<T>, MpscReceiver<T>] {
  checkInteger("capacity", capacity, 1);
  const chan = new Chan<T>(capacity);
  return [new ChanSender(chan), new ChanReceiver(chan)];
}

/**
 * Creates an mpsc channel without a bound, for the rare case where the
 * producer must never wait and memory is bounded some other way: `send`
 * resolves at once and `trySend` always returns `true` while open.
 * Prefer {@linkcode mpsc}: an unbounded queue hides a slow consumer until
 * memory runs out.
 *
 * @typeParam T The message type.
 * @returns The sender (with `capacity` `Infinity`) and the receiver.
 *
 * @example Usage
 * ```ts
 * import { unboundedMpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = unboundedMpsc<number>();
 * for (let i = 0; i < 1000; i++) tx.trySend(i);
 * assert.equal(rx.length, 1000);
 * assert.equal(tx.capacity, Infinity);
 * ```
 */
export function unboundedMpsc<T>(): [MpscSender<T>, MpscReceiver<T>] {
  const chan = new Chan<T>(Infinity);
  return [new ChanSender(chan), new ChanReceiver(chan)];
}
