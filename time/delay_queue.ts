import { claim } from "./_claim.ts";
import { type Clock, systemClock } from "./clock.ts";
import { checkCapacity, checkDuration } from "./_validate.ts";

/**
 * An item of a {@linkcode DelayQueue}: its key, its value and the clock time
 * it expires at.
 *
 * @typeParam T The value type.
 */
export interface DelayQueueEntry<T> {
  /** The key `insert` returned, for `reset` and `remove`. */
  readonly key: number;
  /** The value inserted. */
  readonly value: T;
  /** When the item expires (expired), in clock milliseconds. */
  readonly deadline: number;
}

/** Options for {@linkcode DelayQueue}. */
export interface DelayQueueOptions {
  /**
   * The clock deadlines are read from (a `FakeClock` in tests).
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Options of {@linkcode DelayQueue} calls that wait. */
export interface DelayQueueWaitOptions {
  /**
   * Stops the wait: the call rejects with `signal.reason` and takes or
   * inserts nothing. An already aborted signal rejects at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** A queued item; `index` is its place in the heap, -1 once it left. */
interface Item<T> {
  key: number;
  value: T;
  deadline: number;
  /** Insertion order, so equal deadlines expire first in, first out. */
  seq: number;
  index: number;
}

interface Wait<R> {
  resolve(value: R): void;
  reject(reason: unknown): void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

interface InsertWait<T> extends Wait<number> {
  readonly value: T;
  readonly delay: number;
}

/**
 * A queue that hands its items out as their delays expire, as tokio-util's
 * `DelayQueue`: insert a value with a delay, get a key to `reset` its delay
 * or `remove` it, and take items with `next()` (or `for await`) in deadline
 * order (equal deadlines in insertion order). It holds at most `capacity`
 * items: `tryInsert` returns `undefined` when full, `insert` waits for
 * room. Deadlines are read from a {@linkcode Clock}, so a `FakeClock`
 * drives it in tests.
 *
 * Items live in a binary heap (insert, reset and remove are O(log n)), and
 * one timer is armed, for the earliest deadline, only while a `next()`
 * waits.
 *
 * Unlike Tokio's, whose stream ends whenever the queue is empty, `next()`
 * waits for the next item to be inserted and expire, so the iteration runs
 * until the consumer stops it (`break`, or the signal of `next`).
 *
 * @typeParam T The value type.
 *
 * @example Expire sessions after inactivity
 * ```ts
 * import { DelayQueue, FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const sessions = new DelayQueue<string>(1024, { clock });
 * const alice = sessions.tryInsert("alice", 30_000)!;
 * sessions.tryInsert("bob", 30_000);
 * await clock.tick(20_000);
 * sessions.reset(alice, 30_000); // alice was active: 30 s more
 * const next = sessions.next();
 * await clock.tick(10_000);
 * assert.equal((await next).value, "bob");
 * assert.equal(sessions.length, 1);
 * ```
 */
export class DelayQueue<T> implements AsyncIterable<DelayQueueEntry<T>> {
  readonly #capacity: number;
  readonly #clock: Clock;
  readonly #heap: Item<T>[] = [];
  readonly #items = new Map<number, Item<T>>();
  readonly #takers: Wait<DelayQueueEntry<T>>[] = [];
  readonly #inserters: InsertWait<T>[] = [];
  #nextKey = 0;
  #seq = 0;
  #cancelTimer: (() => void) | undefined;
  /** The deadline the timer is armed for, if one is. */
  #armedFor: number | undefined;

  /**
   * Creates an empty queue.
   *
   * @param capacity The most items held, an integer from 1 (or `Infinity`).
   * @param options The clock.
   * @throws {RangeError} If `capacity` is out of range.
   */
  constructor(capacity: number, options: DelayQueueOptions = {}) {
    checkCapacity(capacity, "capacity");
    this.#capacity = capacity;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * The most items the queue holds.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DelayQueue<number>(8).capacity, 8);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * How many items the queue holds, expired or not.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<string>(4, { clock: new FakeClock() });
   * queue.tryInsert("a", 10);
   * assert.equal(queue.length, 1);
   * ```
   */
  get length(): number {
    return this.#heap.length;
  }

  /**
   * Whether the queue holds no item.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DelayQueue<number>(1).isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.#heap.length === 0;
  }

  /**
   * The earliest deadline in the queue, in clock milliseconds.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock(100);
   * const queue = new DelayQueue<string>(4, { clock });
   * assert.equal(queue.nextDeadline, undefined);
   * queue.tryInsert("late", 50);
   * queue.tryInsert("soon", 5);
   * assert.equal(queue.nextDeadline, 105);
   * ```
   */
  get nextDeadline(): number | undefined {
    return this.#heap[0]?.deadline;
  }

  /**
   * Inserts `value` to expire `delay` ms from now, if there is room.
   *
   * @param value The value; `undefined` is legal.
   * @param delay Milliseconds until it expires, finite and >= 0.
   * @returns Its key, or `undefined` if the queue is full (or inserts are
   * waiting for room, which come first).
   * @throws {RangeError} If `delay` is out of range.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<string>(1, { clock: new FakeClock() });
   * assert.equal(typeof queue.tryInsert("a", 10), "number");
   * assert.equal(queue.tryInsert("b", 10), undefined); // full
   * ```
   */
  tryInsert(value: T, delay: number): number | undefined {
    checkDuration(delay, "delay");
    if (this.#inserters.length !== 0 || this.#heap.length >= this.#capacity) return undefined;
    return this.#insert(value, delay);
  }

  /**
   * Inserts `value` to expire `delay` ms after it goes in, waiting while the
   * queue is full (in FIFO order with other waiting inserts).
   *
   * Cancel safety: safe. An aborted insert rejects with `signal.reason` and
   * inserts nothing.
   *
   * Select safety: select-safe (it claims its signal right before it
   * inserts).
   *
   * @param value The value.
   * @param delay Milliseconds until it expires, counted from the insert.
   * @param options Abort signal.
   * @returns Its key.
   * @throws {RangeError} (as a rejection) If `delay` is out of range.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const queue = new DelayQueue<string>(1, { clock });
   * await queue.insert("first", 10);
   * const second = queue.insert("second", 10); // waits: full
   * await clock.tick(10);
   * assert.equal((await queue.next()).value, "first");
   * await second;
   * assert.equal(queue.length, 1);
   * ```
   */
  insert(value: T, delay: number, options: DelayQueueWaitOptions = {}): Promise<number> {
    try {
      checkDuration(delay, "delay");
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const hasRoom = this.#inserters.length === 0 && this.#heap.length < this.#capacity;
    if (hasRoom) {
      if (!claim(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.#insert(value, delay));
    }
    return this.#wait(this.#inserters, signal, { value, delay });
  }

  /**
   * Moves the item of `key` to expire `delay` ms from now (tokio-util's
   * `reset`); among equal deadlines it goes last.
   *
   * @param key A key from `insert`.
   * @param delay Milliseconds from now, finite and >= 0.
   * @returns `false` if `key` is not in the queue (it expired and was taken,
   * or was removed).
   * @throws {RangeError} If `delay` is out of range.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<string>(4, { clock: new FakeClock() });
   * const key = queue.tryInsert("a", 10)!;
   * assert.equal(queue.reset(key, 50), true);
   * assert.equal(queue.deadline(key), 50);
   * ```
   */
  reset(key: number, delay: number): boolean {
    checkDuration(delay, "delay");
    const item = this.#items.get(key);
    if (item === undefined) return false;
    item.deadline = this.#clock.now() + delay;
    item.seq = this.#seq++;
    this.#fix(item.index);
    this.#schedule();
    return true;
  }

  /**
   * Takes the item of `key` out of the queue before it expires.
   *
   * @param key A key from `insert`.
   * @returns The item, or `undefined` if `key` is not in the queue.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<string>(4, { clock: new FakeClock() });
   * const key = queue.tryInsert("cancelled", 10)!;
   * assert.equal(queue.remove(key)?.value, "cancelled");
   * assert.equal(queue.remove(key), undefined);
   * assert.equal(queue.length, 0);
   * ```
   */
  remove(key: number): DelayQueueEntry<T> | undefined {
    const item = this.#items.get(key);
    if (item === undefined) return undefined;
    this.#removeAt(item.index);
    this.#afterTake();
    return entry(item);
  }

  /**
   * The deadline of the item of `key`, in clock milliseconds.
   *
   * @param key A key from `insert`.
   * @returns The deadline, or `undefined` if `key` is not in the queue.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<string>(4, { clock: new FakeClock(1_000) });
   * const key = queue.tryInsert("a", 250)!;
   * assert.equal(queue.deadline(key), 1_250);
   * ```
   */
  deadline(key: number): number | undefined {
    return this.#items.get(key)?.deadline;
  }

  /**
   * Takes the earliest item if it has expired.
   *
   * @returns The item, or `undefined` if none has expired.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const queue = new DelayQueue<string>(4, { clock });
   * queue.tryInsert("a", 10);
   * assert.equal(queue.tryNext(), undefined);
   * await clock.tick(10);
   * assert.equal(queue.tryNext()?.value, "a");
   * ```
   */
  tryNext(): DelayQueueEntry<T> | undefined {
    const top = this.#heap[0];
    if (top === undefined || top.deadline > this.#clock.now()) return undefined;
    return this.#take();
  }

  /**
   * Waits for the earliest item to expire and takes it. While the queue is
   * empty it waits for an insert. Takers are served in FIFO order.
   *
   * Cancel safety: safe. An aborted call rejects with `signal.reason` and
   * takes nothing.
   *
   * Select safety: select-safe (it claims its signal right before it takes
   * an item): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns The expired item.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const queue = new DelayQueue<string>(4, { clock });
   * queue.tryInsert("b", 20);
   * queue.tryInsert("a", 10);
   * const first = queue.next();
   * await clock.tick(20);
   * assert.deepEqual(await first, { key: 1, value: "a", deadline: 10 });
   * assert.equal((await queue.next()).value, "b");
   * ```
   */
  next(options: DelayQueueWaitOptions = {}): Promise<DelayQueueEntry<T>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const top = this.#heap[0];
    if (
      this.#takers.length === 0 && top !== undefined && top.deadline <= this.#clock.now()
    ) {
      if (!claim(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.#take());
    }
    const promise = this.#wait<DelayQueueEntry<T>, Wait<DelayQueueEntry<T>>>(
      this.#takers,
      signal,
      {},
    );
    this.#schedule();
    return promise;
  }

  /**
   * Removes every item; waiting inserts then get room.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const queue = new DelayQueue<number>(4, { clock: new FakeClock() });
   * queue.tryInsert(1, 5);
   * queue.clear();
   * assert.equal(queue.isEmpty, true);
   * ```
   */
  clear(): void {
    for (const item of this.#heap) item.index = -1;
    this.#heap.length = 0;
    this.#items.clear();
    this.#afterTake();
  }

  /**
   * Yields items as they expire, forever: stop with `break`.
   *
   * @returns The iterator.
   *
   * @example Usage
   * ```ts
   * import { DelayQueue, FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const queue = new DelayQueue<string>(8, { clock });
   * for (const [name, ms] of [["c", 30], ["a", 10], ["b", 20]] as const) queue.tryInsert(name, ms);
   * const seen: string[] = [];
   * const loop = (async () => {
   *   for await (const { value } of queue) {
   *     seen.push(value);
   *     if (seen.length === 3) break;
   *   }
   * })();
   * await clock.tick(30);
   * await loop;
   * assert.deepEqual(seen, ["a", "b", "c"]);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<DelayQueueEntry<T>, void, undefined> {
    for (;;) yield await this.next();
  }

  #insert(value: T, delay: number): number {
    const key = this.#nextKey++;
    const item: Item<T> = {
      key,
      value,
      deadline: this.#clock.now() + delay,
      seq: this.#seq++,
      index: this.#heap.length,
    };
    this.#heap.push(item);
    this.#items.set(key, item);
    this.#up(item.index);
    this.#schedule();
    return key;
  }

  /** Removes the earliest item and lets a waiting insert in. */
  #take(): DelayQueueEntry<T> {
    const item = this.#heap[0]!;
    this.#removeAt(0);
    this.#afterTake();
    return entry(item);
  }

  /** Room was made: serve waiting inserts, then re-arm for the new earliest item. */
  #afterTake(): void {
    const inserters = this.#inserters;
    while (inserters.length !== 0 && this.#heap.length < this.#capacity) {
      const waiter = inserters.shift()!;
      if (!claim(waiter.signal)) continue; // its abort listener rejects it
      settle(waiter);
      waiter.resolve(this.#insert(waiter.value, waiter.delay));
    }
    this.#schedule();
  }

  /** Arms one timer for the earliest item while a taker waits; none otherwise. */
  #schedule(): void {
    if (this.#takers.length === 0 && this.#armedFor === undefined) return;
    const top = this.#heap[0];
    const at = this.#takers.length === 0 ? undefined : top?.deadline;
    if (at === this.#armedFor) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#armedFor = at;
    if (at === undefined) return;
    this.#cancelTimer = this.#clock.setTimer(
      () => this.#expire(),
      Math.max(0, at - this.#clock.now()),
    );
  }

  /** The timer fired: hand expired items to the takers in line. */
  #expire(): void {
    this.#cancelTimer = undefined;
    this.#armedFor = undefined;
    const takers = this.#takers;
    const now = this.#clock.now();
    while (takers.length !== 0) {
      const top = this.#heap[0];
      if (top === undefined || top.deadline > now) break;
      const taker = takers.shift()!;
      if (!claim(taker.signal)) continue;
      settle(taker);
      taker.resolve(this.#take());
    }
    this.#schedule();
  }

  #wait<R, W extends Wait<R>>(
    line: W[],
    signal: AbortSignal | undefined,
    extra: Omit<W, keyof Wait<R>>,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const onAbort = signal && (() => {
        const index = line.indexOf(waiter);
        if (index !== -1) line.splice(index, 1);
        reject(signal.reason);
        // The timer may no longer be needed, or an insert may fit now.
        this.#afterTake();
      });
      const waiter = { ...extra, resolve, reject, signal, onAbort } as W;
      signal?.addEventListener("abort", onAbort!, { once: true });
      line.push(waiter);
    });
  }

  // -- the binary heap, ordered by (deadline, seq) --

  #removeAt(index: number): void {
    const heap = this.#heap;
    const item = heap[index]!;
    const last = heap.pop()!;
    this.#items.delete(item.key);
    item.index = -1;
    if (last !== item) {
      heap[index] = last;
      last.index = index;
      this.#fix(index);
    }
  }

  #fix(index: number): void {
    if (index > 0 && less(this.#heap[index]!, this.#heap[(index - 1) >> 1]!)) this.#up(index);
    else this.#down(index);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const item = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!less(item, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const item = heap[index]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && less(heap[right]!, heap[child]!)) child = right;
      const smallest = heap[child]!;
      if (!less(smallest, item)) break;
      heap[index] = smallest;
      smallest.index = index;
      index = child;
    }
    heap[index] = item;
    item.index = index;
  }
}

/** Heap order: earlier deadline first, then earlier insert (or reset). */
function less<T>(a: Item<T>, b: Item<T>): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/** The item as handed out, without the heap's bookkeeping. */
function entry<T>(item: Item<T>): DelayQueueEntry<T> {
  return { key: item.key, value: item.value, deadline: item.deadline };
}

/** Detaches a served waiter's abort listener. */
function settle(waiter: Pick<Wait<unknown>, "signal" | "onAbort">): void {
  if (waiter.onAbort) waiter.signal!.removeEventListener("abort", waiter.onAbort);
}
