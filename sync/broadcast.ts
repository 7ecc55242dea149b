import { ChannelClosedError, LaggedError } from "./channel_errors.ts";
import type { RecvResult } from "./recv_result.ts";
import { claimSignal } from "./select_safety.ts";
import { checkInteger, DONE, ReceiverCount } from "./_shared.ts";
import { OwnedWaiter, removeOwned } from "./_owned_waiter.ts";
import { WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

const MAX_CAPACITY = 2 ** 30;

/**
 * The sending half of a {@linkcode broadcast} channel. `send` never waits:
 * a full ring overwrites its oldest message, and receivers that had not
 * read it lag.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { broadcast } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx1] = broadcast<string>(16);
 * const rx2 = tx.subscribe();
 * assert.equal(tx.send("hello"), 2);
 * assert.equal((await rx1.recv()).value, "hello");
 * assert.equal((await rx2.recv()).value, "hello");
 * ```
 */
export interface BroadcastSender<T> extends Disposable {
  /**
   * How many receivers are open.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * assert.equal(tx.receiverCount, 1);
   * rx.close();
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  readonly receiverCount: number;
  /**
   * Messages retained that some open receiver has yet to read: how far the
   * slowest receiver is behind, at most the ring's size (Tokio's
   * `Sender::len`).
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, slow] = broadcast<number>(8);
   * const fast = tx.subscribe();
   * tx.send(1);
   * tx.send(2);
   * fast.tryRecv();
   * fast.tryRecv();
   * assert.equal(tx.length, 2); // `slow` has read nothing
   * slow.tryRecv();
   * assert.equal(tx.length, 1);
   * ```
   */
  readonly length: number;
  /**
   * Whether every open receiver has read every message (`length` is 0).
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * tx.send(1);
   * assert.equal(tx.isEmpty, false);
   * rx.tryRecv();
   * assert.equal(tx.isEmpty, true);
   * ```
   */
  readonly isEmpty: boolean;
  /**
   * Settles once no receiver is left (at once if there is none now): the
   * moment to stop producing. A later `subscribe` opens the channel again,
   * and a later read of `closed` waits for that receiver.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   *
   * const [tx, rx] = broadcast<number>(4);
   * setTimeout(() => rx.close(), 0);
   * await tx.closed;
   * ```
   */
  readonly closed: Promise<void>;
  /**
   * Sends `value` to every open receiver, synchronously.
   *
   * @param value The message; `undefined` is legal.
   * @returns How many receivers will see it.
   * @throws {ChannelClosedError} (carrying `value`, which is not stored) If
   * there are no receivers (a later `subscribe` reopens the channel) or this
   * sender is closed.
   *
   * @example Usage
   * ```ts
   * import { broadcast, ChannelClosedError } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * assert.equal(tx.send(1), 1);
   * rx.close();
   * assert.throws(() => tx.send(2), ChannelClosedError);
   * ```
   */
  send(value: T): number;
  /**
   * A new receiver that sees only messages sent after this call.
   *
   * @returns The receiver.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, _rx] = broadcast<number>(4);
   * tx.send(1);
   * const late = tx.subscribe();
   * tx.send(2);
   * assert.equal((await late.recv()).value, 2);
   * ```
   */
  subscribe(): BroadcastReceiver<T>;
  /**
   * Another sender on the same channel; receivers see the end once every
   * sender is closed.
   *
   * @returns The new sender.
   * @throws {ChannelClosedError} If this sender is closed.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * const other = tx.clone();
   * tx.close();
   * other.send(1);
   * assert.equal((await rx.recv()).value, 1);
   * ```
   */
  clone(): BroadcastSender<T>;
  /**
   * Closes this sender. Once every sender is closed, each receiver gets
   * `{ done: true }` after reading what is still retained. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * tx.send(1);
   * tx.close();
   * assert.equal((await rx.recv()).value, 1);
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode BroadcastSender.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * {
   *   using _tx = tx;
   * }
   * assert.equal((await rx.recv()).done, true);
   * ```
   */
  [Symbol.dispose](): void;
}

/**
 * A receiving half of a {@linkcode broadcast} channel, with its own cursor.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { broadcast } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(4);
 * tx.send(1);
 * assert.equal(rx.length, 1);
 * assert.deepEqual(await rx.recv(), { done: false, value: 1 });
 * ```
 */
export interface BroadcastReceiver<T> extends Disposable {
  /**
   * How many messages this receiver has not read, counting overwritten
   * ones: above the capacity, the next receive lags.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(2);
   * tx.send(1);
   * tx.send(2);
   * tx.send(3);
   * assert.equal(rx.length, 3);
   * ```
   */
  readonly length: number;
  /**
   * Receives the next message, waiting if there is none yet.
   *
   * Cancel safety: safe. An aborted receive rejects with `signal.reason`
   * and takes no message.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The next message, or `{ done: true }` once every sender is
   * closed (or this receiver is) and the retained messages are read.
   * @throws {LaggedError} (as a rejection) If messages this receiver had
   * not read were overwritten; it then resumes at the oldest one retained.
   *
   * @example Lag
   * ```ts
   * import { broadcast, LaggedError } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(2);
   * for (const n of [10, 20, 30]) tx.send(n);
   * await assert.rejects(rx.recv(), (err) => err instanceof LaggedError && err.skipped === 1);
   * assert.equal((await rx.recv()).value, 20);
   * assert.equal((await rx.recv()).value, 30);
   * ```
   */
  recv(options?: SyncWaitOptions): Promise<RecvResult<T>>;
  /**
   * Receives a message if one is ready.
   *
   * @returns The message, `{ done: true }` at the end, or `undefined` if
   * nothing is ready.
   * @throws {LaggedError} As for `recv`.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * assert.equal(rx.tryRecv(), undefined);
   * tx.send(5);
   * assert.deepEqual(rx.tryRecv(), { done: false, value: 5 });
   * ```
   */
  tryRecv(): RecvResult<T> | undefined;
  /**
   * A new receiver starting after the newest message (not at this
   * receiver's cursor).
   *
   * @returns The receiver.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * tx.send(1);
   * const fresh = rx.resubscribe();
   * assert.equal(fresh.length, 0);
   * assert.equal(tx.receiverCount, 2);
   * ```
   */
  resubscribe(): BroadcastReceiver<T>;
  /**
   * Closes this receiver: its unread messages are released, a waiting or
   * later receive resolves `{ done: true }`, and senders stop counting it.
   * Idempotent.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * const pending = rx.recv();
   * rx.close();
   * assert.equal((await pending).done, true);
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  close(): void;
  /**
   * Same as {@linkcode BroadcastReceiver.close}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { broadcast } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(4);
   * {
   *   using _rx = rx;
   * }
   * assert.equal(tx.receiverCount, 0);
   * ```
   */
  [Symbol.dispose](): void;
}

type BroadcastWaiter<T> = OwnedWaiter<RecvResult<T>, Subscriber<T>>;

class BroadcastRing<T> extends ReceiverCount {
  readonly values: (T | undefined)[];
  /** Per slot: how many receivers have yet to read it; 0 frees the value. */
  readonly unread: number[];
  readonly mask: number;
  /** Sequence number of the next message. */
  tail = 0;
  senderCount = 1;
  readonly waiters = new WaitQueue<BroadcastWaiter<T>>();

  constructor(readonly capacity: number) {
    super();
    this.values = new Array<T | undefined>(capacity).fill(undefined);
    this.unread = new Array<number>(capacity).fill(0);
    this.mask = capacity - 1;
  }

  /** Marks slot `seq` read once; returns its value. */
  read(seq: number): T {
    const slot = seq & this.mask;
    const value = this.values[slot] as T;
    const unread = (this.unread[slot] as number) - 1;
    this.unread[slot] = unread;
    if (unread === 0) this.values[slot] = undefined;
    return value;
  }

  get length(): number {
    const { tail, unread, mask } = this;
    for (let seq = Math.max(0, tail - this.capacity); seq < tail; seq++) {
      if ((unread[seq & mask] as number) > 0) return tail - seq;
    }
    return 0;
  }

  /** Resolves the waiting receives of `receiver` (or of everyone) with the end. */
  finish(receiver?: Subscriber<T>): void {
    for (const waiter of removeOwned(this.waiters, receiver)) {
      if (waiter.claim()) waiter.resolve(DONE);
    }
  }
}

class Publisher<T> implements BroadcastSender<T> {
  readonly #ring: BroadcastRing<T>;
  #closed = false;

  constructor(ring: BroadcastRing<T>) {
    this.#ring = ring;
  }

  get receiverCount(): number {
    return this.#ring.receiverCount;
  }

  get length(): number {
    return this.#ring.length;
  }

  get isEmpty(): boolean {
    return this.#ring.length === 0;
  }

  get closed(): Promise<void> {
    return this.#ring.closed;
  }

  send(value: T): number {
    const ring = this.#ring;
    if (this.#closed) throw new ChannelClosedError("Cannot send: this sender is closed", value);
    if (ring.receiverCount === 0) {
      throw new ChannelClosedError("Cannot send: the broadcast channel has no receivers", value);
    }
    const seq = ring.tail++;
    const slot = seq & ring.mask;
    ring.values[slot] = value;
    ring.unread[slot] = ring.receiverCount;
    // Waiting receivers are all at `seq`; each takes it now, once.
    const waiters = ring.waiters;
    for (let waiter = waiters.head; waiter;) {
      const receiver = waiter.owner;
      if (receiver.next !== seq) {
        waiter = waiter.next as BroadcastWaiter<T> | undefined;
        continue;
      }
      // Claiming may run abort listeners that take other waiters out of the
      // queue; a claimed waiter is still in it, so its `next` is current.
      if (!waiter.claim()) {
        waiter = waiters.head;
        continue;
      }
      const next = waiter.next as BroadcastWaiter<T> | undefined;
      receiver.next++;
      waiters.remove(waiter);
      waiter.resolve({ done: false, value: ring.read(seq) });
      waiter = next;
    }
    return ring.receiverCount;
  }

  subscribe(): BroadcastReceiver<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot subscribe: this sender is closed");
    return new Subscriber(this.#ring);
  }

  clone(): BroadcastSender<T> {
    if (this.#closed) throw new ChannelClosedError("Cannot clone: this sender is closed");
    this.#ring.senderCount++;
    return new Publisher(this.#ring);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (--this.#ring.senderCount === 0) this.#ring.finish();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

class Subscriber<T> implements BroadcastReceiver<T> {
  readonly #ring: BroadcastRing<T>;
  /** Sequence number of the next message to read. */
  next: number;
  #closed = false;

  /** Joins `ring` at its tail, counted as a receiver. */
  constructor(ring: BroadcastRing<T>) {
    this.#ring = ring;
    this.next = ring.tail;
    ring.receiverCount++;
  }

  get length(): number {
    return this.#closed ? 0 : this.#ring.tail - this.next;
  }

  recv(options?: SyncWaitOptions): Promise<RecvResult<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ring = this.#ring;
    if (signal !== undefined && this.#ready && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    let result;
    try {
      result = this.tryRecv();
    } catch (error) {
      return Promise.reject(error);
    }
    if (result) return Promise.resolve(result);
    const waiter: BroadcastWaiter<T> = new OwnedWaiter(this, signal);
    ring.waiters.push(waiter);
    return waiter.promise;
  }

  /** Whether a receive would complete now, so it claims first. */
  get #ready(): boolean {
    const ring = this.#ring;
    return this.#closed || this.next < ring.tail || ring.senderCount === 0;
  }

  tryRecv(): RecvResult<T> | undefined {
    const ring = this.#ring;
    if (this.#closed) return DONE;
    const next = this.next;
    if (next < ring.tail) {
      const oldest = ring.tail - ring.capacity;
      if (next < oldest) {
        this.next = oldest;
        throw new LaggedError(oldest - next);
      }
      this.next = next + 1;
      return { done: false, value: ring.read(next) };
    }
    return ring.senderCount === 0 ? DONE : undefined;
  }

  resubscribe(): BroadcastReceiver<T> {
    return new Subscriber(this.#ring);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ring = this.#ring;
    for (let seq = Math.max(this.next, ring.tail - ring.capacity); seq < ring.tail; seq++) {
      ring.read(seq);
    }
    ring.leave();
    ring.finish(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a multi-producer, multi-consumer channel where every receiver
 * sees every message, as Tokio's `broadcast`. The ring holds `capacity`
 * messages, rounded up to a power of two (3 becomes 4); `send` never waits
 * and overwrites the oldest message when the ring is full, so a slow
 * receiver lags ({@linkcode LaggedError}) instead of slowing the sender.
 *
 * @typeParam T The message type.
 * @param capacity Messages retained, an integer from 1 to 2^30.
 * @returns The sender and a first receiver.
 * @throws {RangeError} If `capacity` is out of range.
 *
 * @example Usage
 * ```ts
 * import { broadcast } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<string>(8);
 * const other = tx.subscribe();
 * tx.send("shutdown");
 * tx.close();
 * for (const r of [rx, other]) {
 *   assert.equal((await r.recv()).value, "shutdown");
 *   assert.equal((await r.recv()).done, true);
 * }
 * ```
 */
export function broadcast<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  const ring = ringOf<T>(capacity);
  return [new Publisher(ring), new Subscriber(ring)];
}

/**
 * Creates the sending half of a {@linkcode broadcast} channel with no
 * receiver yet: receivers join with `subscribe()` and see only messages sent
 * after they joined. Until one does, `send` throws
 * {@linkcode ChannelClosedError} (nobody would see the message) and
 * `closed` is settled.
 *
 * @typeParam T The message type.
 * @param capacity Messages retained, an integer from 1 to 2^30 (rounded up
 * to a power of two).
 * @returns The sender.
 * @throws {RangeError} If `capacity` is out of range.
 *
 * @example Usage
 * ```ts
 * import { broadcastSender } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const events = broadcastSender<string>(16);
 * assert.equal(events.receiverCount, 0);
 * const rx = events.subscribe();
 * events.send("started");
 * assert.deepEqual(await rx.recv(), { done: false, value: "started" });
 * ```
 */
export function broadcastSender<T>(capacity: number): BroadcastSender<T> {
  return new Publisher(ringOf<T>(capacity));
}

/** A ring of `capacity` rounded up to a power of two, so a sequence maps to its slot by a mask. */
function ringOf<T>(capacity: number): BroadcastRing<T> {
  checkInteger("capacity", capacity, 1, MAX_CAPACITY);
  return new BroadcastRing<T>(2 ** (32 - Math.clz32(capacity - 1)));
}
