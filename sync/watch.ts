import { ChannelClosedError } from "./channel_errors.ts";
import { ReceiverCount, RESOLVED } from "./_shared.ts";
import { claimSignal } from "./select_safety.ts";
import { OwnedWaiter, removeOwned } from "./_owned_waiter.ts";
import { WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * The sending half of a {@linkcode watch} channel: replaces the one value
 * every receiver watches.
 *
 * @typeParam T The value type.
 *
 * @example Usage
 * ```ts
 * import { watch } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch("starting");
 * tx.send("ready");
 * await rx.changed();
 * assert.equal(rx.borrow(), "ready");
 * ```
 */
export interface WatchSender<T> extends Disposable {
  /**
   * How many receivers are open.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * const other = tx.subscribe();
   * assert.equal(tx.receiverCount, 2);
   * rx.close();
   * other.close();
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  readonly receiverCount: number;
  /**
   * Settles once every receiver is closed (at once if none is open now):
   * nobody watches any more. A later `subscribe` opens the channel again,
   * and a later read of `closed` waits for that receiver.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   *
   * const [tx, rx] = watch(0);
   * setTimeout(() => rx.close(), 0);
   * await tx.closed;
   * ```
   */
  readonly closed: Promise<void>;
  /**
   * The current value.
   *
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = watch({ version: 1 });
   * assert.deepEqual(tx.borrow(), { version: 1 });
   * ```
   */
  borrow(): T;
  /**
   * Stores `value` and wakes every waiting `changed()`. Unlike Tokio's
   * `send`, the value is stored even when no receiver is open, so a later
   * `subscribe()` sees it. Every send counts as a change, even of an equal
   * value.
   *
   * @param value The new value; `undefined` is legal.
   * @returns How many receivers are open.
   * @throws {ChannelClosedError} (carrying `value`) If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * rx.close();
   * assert.equal(tx.send(5), 0);
   * assert.equal(tx.subscribe().borrow(), 5);
   * ```
   */
  send(value: T): number;
  /**
   * Replaces the value with `modify(current)` and notifies, like `send`.
   * Return the same object after mutating it in place to publish an edit.
   * If `modify` throws, nothing changes and nobody is notified.
   *
   * @param modify Computes the new value from the current one.
   * @returns How many receivers are open.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch({ hits: 0 });
   * tx.sendModify((state) => {
   *   state.hits++;
   *   return state;
   * });
   * await rx.changed();
   * assert.equal(rx.borrow().hits, 1);
   * ```
   */
  sendModify(modify: (value: T) => T): number;
  /**
   * Lets `modify` edit the value in place and notifies receivers only if it
   * returns `true` (Tokio's `send_if_modified`): for a change that turns out
   * to be no change. `modify` gets the stored value itself, so this fits
   * objects; replace a primitive with `send`. If `modify` throws, nobody is
   * notified (edits it made before throwing stay).
   *
   * @param modify Edits the value; returns whether it changed it.
   * @returns Whether receivers were notified.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch({ peers: new Set<string>() });
   * const add = (peer: string) =>
   *   tx.sendIfModified((state) => !state.peers.has(peer) && !!state.peers.add(peer));
   * assert.equal(add("a"), true);
   * assert.equal(rx.hasChanged(), true);
   * rx.markUnchanged();
   * assert.equal(add("a"), false); // already there: no wake-up
   * assert.equal(rx.hasChanged(), false);
   * ```
   */
  sendIfModified(modify: (value: T) => boolean): boolean;
  /**
   * A new receiver, with the current value already seen.
   *
   * @returns The receiver.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx] = watch("a");
   * const rx = tx.subscribe();
   * assert.equal(rx.hasChanged(), false);
   * assert.equal(rx.borrow(), "a");
   * ```
   */
  subscribe(): WatchReceiver<T>;
  /**
   * Another sender on the same channel; `changed()` reports the end once
   * every sender is closed.
   *
   * @returns The new sender.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * const other = tx.clone();
   * tx.close();
   * other.send(1);
   * await rx.changed();
   * assert.equal(rx.borrow(), 1);
   * ```
   */
  clone(): WatchSender<T>;
  /**
   * Closes this sender. Once every sender is closed, `changed()` rejects
   * with {@linkcode ChannelClosedError} (after a last unseen value, if any,
   * was reported). Idempotent.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * tx.send(1);
   * tx.close();
   * await rx.changed(); // the last value is still delivered
   * await assert.rejects(rx.changed(), ChannelClosedError);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode WatchSender.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * {
   *   using _tx = tx;
   * }
   * await assert.rejects(rx.changed(), ChannelClosedError);
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * A receiving half of a {@linkcode watch} channel. It remembers which
 * version it has seen; `changed()` waits for a newer one.
 *
 * @typeParam T The value type.
 *
 * @example Usage
 * ```ts
 * import { watch } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch(0);
 * tx.send(1);
 * tx.send(2); // a slow receiver only sees the newest value
 * await rx.changed();
 * assert.equal(rx.borrow(), 2);
 * ```
 */
export interface WatchReceiver<T> extends Disposable {
  /**
   * Whether a value this receiver has not seen is stored (Tokio's
   * `has_changed`).
   *
   * @returns `true` if `changed()` would resolve at once.
   * @throws {ChannelClosedError} If every sender is closed (even with an
   * unseen value stored, as Tokio's), or this receiver is closed.
   *
   * @example Usage
   * ```ts
   * import { ChannelClosedError, watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * assert.equal(rx.hasChanged(), false);
   * tx.send(0);
   * assert.equal(rx.hasChanged(), true);
   * tx.close();
   * assert.throws(() => rx.hasChanged(), ChannelClosedError);
   * ```
   */
  hasChanged(): boolean;
  /**
   * The current value; does not mark it seen.
   *
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [, rx] = watch("v");
   * assert.equal(rx.borrow(), "v");
   * ```
   */
  borrow(): T;
  /**
   * Marks the current value seen, so `changed()` waits for the next send
   * (Tokio's `mark_unchanged`).
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * tx.send(1);
   * rx.markUnchanged();
   * assert.equal(rx.hasChanged(), false);
   * ```
   */
  markUnchanged(): void;
  /**
   * Marks the current value unseen, so the next `changed()` resolves at
   * once (Tokio's `mark_changed`).
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [, rx] = watch("first");
   * rx.markChanged();
   * await rx.changed(); // handles the current value like a new one
   * assert.equal(rx.borrow(), "first");
   * ```
   */
  markChanged(): void;
  /**
   * Waits until the value satisfies `predicate` and returns it, checking the
   * current value first, then each new one (Tokio's `wait_for`). The value
   * it returns is marked seen; values that fail `predicate` are not (Tokio
   * marks every value it checks), so a wait that is aborted or loses a
   * `select` leaves the receiver as it was.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason` and
   * marks nothing seen.
   *
   * Select safety: select-safe (it claims its signal right before it marks
   * the matching value seen, see {@linkcode claimSignal}); a branch that is
   * still waiting for a match has taken nothing.
   *
   * @param predicate Whether a value is the one to wait for; a throw rejects
   * the call.
   * @param options Abort signal.
   * @returns The first value that satisfies `predicate`.
   * @throws {ChannelClosedError} (as a rejection) If every sender is closed
   * and the current value does not satisfy `predicate`, or this receiver is
   * closed.
   *
   * @example Wait for a state
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch<"starting" | "ready" | "stopping">("starting");
   * const ready = rx.waitFor((state) => state === "ready");
   * tx.send("ready");
   * assert.equal(await ready, "ready");
   * ```
   */
  waitFor(predicate: (value: T) => boolean, options?: SyncWaitOptions): Promise<T>;
  /**
   * Resolves once a value this receiver has not seen is stored (at once if
   * one already is), and marks it seen. Read it with `borrow()`.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason` and
   * marks nothing seen.
   *
   * Select safety: select-safe (it claims its signal right before it
   * marks the version seen, see {@linkcode claimSignal}): a losing branch
   * leaves the change unseen.
   *
   * @param options Abort signal.
   * @returns A promise that resolves on change.
   * @throws {ChannelClosedError} (as a rejection) If every sender is closed
   * and the current value is seen, or this receiver is closed.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * const change = rx.changed();
   * tx.send(1);
   * await change;
   * assert.equal(rx.borrow(), 1);
   * ```
   */
  changed(options?: SyncWaitOptions): Promise<void>;
  /**
   * Another receiver that has seen what this one has.
   *
   * @returns The receiver.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * tx.send(1);
   * assert.equal(rx.clone().hasChanged(), true);
   * ```
   */
  clone(): WatchReceiver<T>;
  /**
   * Closes this receiver: a waiting or later `changed()` rejects with
   * {@linkcode ChannelClosedError} and senders stop counting it.
   * Idempotent.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * rx.close();
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode WatchReceiver.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { watch } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch(0);
   * {
   *   using _rx = rx;
   * }
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  [Symbol.dispose](): void;
}

type ChangeWaiter<T> = OwnedWaiter<void, Watcher<T>>;

/**
 * A wait of `waitFor` for the next version: it takes nothing (the version
 * stays unseen until the predicate matches), so it is served unclaimed.
 */
class PeekWaiter<T> extends OwnedWaiter<void, Watcher<T>> {
  override claim(): boolean {
    return true;
  }
}

class Watched<T> extends ReceiverCount {
  version = 0;
  senderCount = 1;
  readonly waiters = new WaitQueue<ChangeWaiter<T>>();

  constructor(public value: T) {
    super();
  }

  /** Rejects the waiting `changed()` calls of `receiver` (or of everyone). */
  fail(message: string, receiver?: Watcher<T>): void {
    for (const waiter of removeOwned(this.waiters, receiver)) {
      waiter.reject(new ChannelClosedError(message));
    }
  }
}

class Publisher<T> implements WatchSender<T> {
  readonly #state: Watched<T>;
  #closed = false;

  constructor(state: Watched<T>) {
    this.#state = state;
  }

  get receiverCount(): number {
    return this.#state.receiverCount;
  }

  get closed(): Promise<void> {
    return this.#state.closed;
  }

  borrow(): T {
    return this.#state.value;
  }

  send(value: T): number {
    if (this.#closed) throw new ChannelClosedError("Cannot send: this sender is closed", value);
    const state = this.#state;
    state.value = value;
    const version = ++state.version;
    const waiters = state.waiters;
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      if (!waiter.claim()) continue;
      if (!(waiter instanceof PeekWaiter)) waiter.owner.seen = version;
      waiter.resolve();
    }
    return state.receiverCount;
  }

  sendModify(modify: (value: T) => T): number {
    if (this.#closed) throw new ChannelClosedError("Cannot send: this sender is closed");
    return this.send(modify(this.#state.value));
  }

  sendIfModified(modify: (value: T) => boolean): boolean {
    if (this.#closed) throw new ChannelClosedError("Cannot send: this sender is closed");
    const value = this.#state.value;
    if (!modify(value)) return false;
    this.send(value);
    return true;
  }

  subscribe(): WatchReceiver<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot subscribe: this sender is closed");
    return new Watcher(this.#state, this.#state.version);
  }

  clone(): WatchSender<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot clone: this sender is closed");
    this.#state.senderCount++;
    return new Publisher(this.#state);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const state = this.#state;
    if (--state.senderCount === 0) state.fail(SENDERS_CLOSED);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

const SENDERS_CLOSED = "Cannot wait for a change: every sender is closed";
const SENDERS_GONE = "Cannot check for a change: every sender is closed";
const RECEIVER_CLOSED = "Cannot wait for a change: the receiver is closed";

class Watcher<T> implements WatchReceiver<T> {
  readonly #state: Watched<T>;
  seen: number;
  #closed = false;

  constructor(state: Watched<T>, seen: number) {
    this.#state = state;
    this.seen = seen;
    state.receiverCount++;
  }

  hasChanged(): boolean {
    if (this.#closed) throw new ChannelClosedError(RECEIVER_CLOSED);
    const state = this.#state;
    if (state.senderCount === 0) throw new ChannelClosedError(SENDERS_GONE);
    return this.seen !== state.version;
  }

  borrow(): T {
    return this.#state.value;
  }

  markUnchanged(): void {
    this.seen = this.#state.version;
  }

  markChanged(): void {
    // Versions count up from 0: -1 is never current.
    this.seen = -1;
  }

  async waitFor(predicate: (value: T) => boolean, options?: SyncWaitOptions): Promise<T> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    const state = this.#state;
    for (;;) {
      if (this.#closed) throw new ChannelClosedError(RECEIVER_CLOSED);
      const value = state.value;
      if (predicate(value)) {
        if (!claimSignal(signal)) throw signal!.reason;
        this.seen = state.version;
        return value;
      }
      if (state.senderCount === 0) throw new ChannelClosedError(SENDERS_CLOSED);
      const waiter = new PeekWaiter<T>(this, signal);
      state.waiters.push(waiter);
      await waiter.promise;
    }
  }

  changed(options?: SyncWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.#state;
    if (
      signal !== undefined && this.seen !== state.version && !this.#closed && !claimSignal(signal)
    ) {
      return Promise.reject(signal.reason);
    }
    if (this.#closed) {
      return Promise.reject(new ChannelClosedError(RECEIVER_CLOSED));
    }
    if (this.seen !== state.version) {
      this.seen = state.version;
      return RESOLVED;
    }
    if (state.senderCount === 0) return Promise.reject(new ChannelClosedError(SENDERS_CLOSED));
    const waiter: ChangeWaiter<T> = new OwnedWaiter(this, signal);
    state.waiters.push(waiter);
    return waiter.promise;
  }

  clone(): WatchReceiver<T> {
    return new Watcher(this.#state, this.seen);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.leave();
    this.#state.fail(RECEIVER_CLOSED, this);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a channel that holds a single value, as Tokio's `watch`: senders
 * replace it, receivers read the newest one and wait for changes
 * (intermediate values may be skipped). Typical uses: configuration that
 * changes, a shutdown flag, a status every task can read.
 *
 * @typeParam T The value type.
 * @param initial The value at first, seen by the returned receiver.
 * @returns The sender and a first receiver.
 *
 * @example Usage
 * ```ts
 * import { watch } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch<"up" | "down">("up");
 * const seen: string[] = [];
 * const watcher = (async () => {
 *   try {
 *     while (true) {
 *       await rx.changed();
 *       seen.push(rx.borrow());
 *     }
 *   } catch {
 *     // every sender is closed and the last value was seen
 *   }
 * })();
 * tx.send("down");
 * tx.close();
 * await watcher;
 * assert.deepEqual(seen, ["down"]);
 * ```
 */
export function watch<T>(initial: T): [WatchSender<T>, WatchReceiver<T>] {
  const state = new Watched(initial);
  return [new Publisher(state), new Watcher(state, 0)];
}
