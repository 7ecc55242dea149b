import { ChannelClosedError } from "./channel_errors.ts";
import { claimSignal } from "./select_safety.ts";
import { RESOLVED } from "./_shared.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * The sending half of a {@linkcode oneshot} channel: sends one value.
 *
 * @typeParam T The value type.
 *
 * @example Usage
 * ```ts
 * import { oneshot } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<string>();
 * tx.send("done");
 * assert.equal(await rx.recv(), "done");
 * ```
 */
export interface OneshotSender<T> extends Disposable {
  /**
   * Whether `send` would throw: the value was already sent, this sender is
   * closed, or the receiver is closed (the requester gave up).
   *
   * @example Detect a requester that gave up
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * rx.close();
   * assert.equal(tx.isClosed, true);
   * ```
   */
  readonly isClosed: boolean;
  /**
   * Resolves once the receiver is closed: the moment to abandon the work
   * whose result nobody will read.
   *
   * @example Usage
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   *
   * const [tx, rx] = oneshot<number>();
   * setTimeout(() => rx.close(), 0);
   * await tx.closed;
   * ```
   */
  readonly closed: Promise<void>;
  /**
   * Sends the value, synchronously. Success does not mean it will be
   * received: the receiver may still close without reading it.
   *
   * @param value The value; `undefined` is legal.
   * @throws {ChannelClosedError} (carrying `value`) If the receiver is
   * closed, or this sender already sent or was closed.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * rx.close();
   * assert.throws(() => tx.send(1), (err) => err instanceof ChannelClosedError && err.value === 1);
   * ```
   */
  send(value: T): void;
  /**
   * Closes without sending: the receiver rejects with
   * {@linkcode ChannelClosedError}. Does nothing after `send`. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * tx.close();
   * await assert.rejects(rx.recv(), ChannelClosedError);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode OneshotSender.close}, for `using`: a sender that
   * leaves its scope without sending tells the receiver.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * {
   *   using _tx = tx;
   * }
   * await assert.rejects(rx.recv(), ChannelClosedError);
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * The receiving half of a {@linkcode oneshot} channel.
 *
 * @typeParam T The value type.
 *
 * @example Usage
 * ```ts
 * import { oneshot } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<number>();
 * setTimeout(() => tx.send(7), 0);
 * assert.equal(await rx.recv(), 7);
 * ```
 */
export interface OneshotReceiver<T> extends Disposable {
  /**
   * Whether no value is waiting to be taken: none was sent yet, it was
   * already received, or none will come.
   *
   * @example Usage
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * assert.equal(rx.isEmpty, true);
   * tx.send(1);
   * assert.equal(rx.isEmpty, false);
   * await rx.recv();
   * assert.equal(rx.isEmpty, true);
   * ```
   */
  readonly isEmpty: boolean;
  /**
   * Whether this receiver is done: its value was received, or it never will
   * be (the sender closed without sending, or this receiver was closed
   * before a value came). Every `recv` then rejects with
   * {@linkcode ChannelClosedError}. Tokio's `is_terminated` turns true only
   * once the receiver has been polled to that outcome; weir knows it from
   * the state, without a receive.
   *
   * @example Usage
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * assert.equal(rx.isTerminated, false);
   * tx.close();
   * assert.equal(rx.isTerminated, true);
   * ```
   */
  readonly isTerminated: boolean;
  /**
   * Waits for the value.
   *
   * Cancel safety: safe. An aborted receive rejects with `signal.reason`;
   * a value sent later can still be received.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The value.
   * @throws {ChannelClosedError} (as a rejection) If the sender closed
   * without sending, the value was already received, or this receiver was
   * closed before a value arrived.
   *
   * @example With a timeout
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * await assert.rejects(rx.recv({ signal: AbortSignal.timeout(1) }), { name: "TimeoutError" });
   * rx.close(); // tell the sender nobody waits any more
   * assert.equal(tx.isClosed, true);
   * ```
   */
  recv(options?: SyncWaitOptions): Promise<T>;
  /**
   * Takes the value if it was sent. Like `recv`, without waiting: "not yet"
   * is `undefined`, and a value that will never come throws.
   *
   * @returns `{ done: false, value }`, or `undefined` if not sent yet.
   * @throws {ChannelClosedError} If the sender closed without sending, the
   * value was already received, or this receiver was closed before a value
   * arrived (the same errors as `recv`).
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * assert.equal(rx.tryRecv(), undefined);
   * tx.send(3);
   * assert.deepEqual(rx.tryRecv(), { done: false, value: 3 });
   * assert.throws(() => rx.tryRecv(), ChannelClosedError); // already taken
   * ```
   */
  tryRecv(): { readonly done: false; readonly value: T } | undefined;
  /**
   * Refuses the value: later sends throw, the sender's `closed` resolves.
   * A value sent before the close can still be received. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * tx.send(1);
   * rx.close();
   * assert.equal(await rx.recv(), 1);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode OneshotReceiver.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { oneshot } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = oneshot<number>();
   * {
   *   using _rx = rx;
   * }
   * assert.equal(tx.isClosed, true);
   * ```
   */
  [Symbol.dispose](): void;
}

type State = "empty" | "full" | "taken" | "abandoned";

const MESSAGES = {
  taken: "Cannot receive: the oneshot value was already received",
  abandoned: "Cannot receive: the sender closed without sending",
  closed: "Cannot receive: the receiver is closed",
};

class Shot<T> {
  state: State = "empty";
  value: T | undefined = undefined;
  receiverClosed = false;
  readonly waiters = new WaitQueue<Waiter<T>>();
  #closed: PromiseWithResolvers<void> | undefined;

  get closed(): Promise<void> {
    if (this.receiverClosed) return RESOLVED;
    return (this.#closed ??= Promise.withResolvers()).promise;
  }

  take(): T {
    const value = this.value as T;
    this.value = undefined;
    this.state = "taken";
    return value;
  }

  /** Rejects every waiting receive; the value will not come. */
  fail(message: string): void {
    const waiters = this.waiters;
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      waiter.reject(new ChannelClosedError(message));
    }
  }

  closeReceiver(): void {
    if (this.receiverClosed) return;
    this.receiverClosed = true;
    this.#closed?.resolve();
    if (this.state === "empty") this.fail(MESSAGES.closed);
  }
}

class ShotSender<T> implements OneshotSender<T> {
  readonly #shot: Shot<T>;
  #closed = false;

  constructor(shot: Shot<T>) {
    this.#shot = shot;
  }

  get isClosed(): boolean {
    return this.#closed || this.#shot.receiverClosed;
  }

  get closed(): Promise<void> {
    return this.#shot.closed;
  }

  send(value: T): void {
    const shot = this.#shot;
    if (this.#closed) {
      throw new ChannelClosedError(
        shot.state === "abandoned"
          ? "Cannot send: this sender is closed"
          : "Cannot send: the oneshot value was already sent",
        value,
      );
    }
    if (shot.receiverClosed) {
      throw new ChannelClosedError("Cannot send: the receiver is closed", value);
    }
    this.#closed = true;
    shot.value = value;
    shot.state = "full";
    const waiters = shot.waiters;
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      if (waiter.claim()) {
        waiter.resolve(shot.take());
        shot.fail(MESSAGES.taken);
        return;
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const shot = this.#shot;
    shot.state = "abandoned";
    shot.fail(MESSAGES.abandoned);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

class ShotReceiver<T> implements OneshotReceiver<T> {
  readonly #shot: Shot<T>;

  constructor(shot: Shot<T>) {
    this.#shot = shot;
  }

  get isEmpty(): boolean {
    return this.#shot.state !== "full";
  }

  get isTerminated(): boolean {
    const shot = this.#shot;
    return shot.state === "taken" || shot.state === "abandoned" ||
      (shot.state === "empty" && shot.receiverClosed);
  }

  recv(options?: SyncWaitOptions): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const shot = this.#shot;
    if (signal !== undefined && shot.state === "full" && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    switch (shot.state) {
      case "full":
        return Promise.resolve(shot.take());
      case "empty": {
        if (shot.receiverClosed) {
          return Promise.reject(new ChannelClosedError(MESSAGES.closed));
        }
        const waiter = new Waiter<T>(signal);
        shot.waiters.push(waiter);
        return waiter.promise;
      }
      default:
        return Promise.reject(new ChannelClosedError(MESSAGES[shot.state]));
    }
  }

  tryRecv(): { readonly done: false; readonly value: T } | undefined {
    const shot = this.#shot;
    switch (shot.state) {
      case "full":
        return { done: false, value: shot.take() };
      case "empty":
        if (shot.receiverClosed) throw new ChannelClosedError(MESSAGES.closed);
        return undefined;
      default:
        throw new ChannelClosedError(MESSAGES[shot.state]);
    }
  }

  close(): void {
    this.#shot.closeReceiver();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a channel for a single value, as Tokio's `oneshot`: the reply
 * half of a request sent over an {@linkcode mpsc} channel, a task's
 * result, a one-time signal carrying data.
 *
 * @typeParam T The value type.
 * @returns The sender and the receiver.
 *
 * @example Usage
 * ```ts
 * import { oneshot } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<{ ok: boolean }>();
 * queueMicrotask(() => tx.send({ ok: true }));
 * assert.deepEqual(await rx.recv(), { ok: true });
 * ```
 */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const shot = new Shot<T>();
  return [new ShotSender(shot), new ShotReceiver(shot)];
}
