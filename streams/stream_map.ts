import { claimSignal } from "../sync/select_safety.ts";
import { FanIn, REFUSED } from "./_fan_in.ts";
import { DONE } from "./_stream.ts";
import { checkSource } from "./_validate.ts";
import type { StreamSource } from "./types.ts";

/** Options of {@linkcode StreamMap.prototype.next}. */
export interface StreamMapNextOptions {
  /**
   * Stops waiting, rejecting with `signal.reason`; no item is taken.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * A keyed set of sources read as one stream of `[key, item]` pairs
 * (tokio-stream's `StreamMap`): sources can be inserted and removed while a
 * consumer iterates, and a source that ends is removed silently. Fair like
 * `merge`: items are handed out in arrival order, one held per source.
 *
 * `next()` resolves `{ done: true }` whenever the map is empty, but the map
 * stays usable: insert more sources and call `next()` again (a `for await`
 * loop ends at the first empty moment). `return()` (a `break`) and
 * disposal cancel every source and empty the map. If a source throws,
 * `next()` rejects with that error and every source is cancelled.
 * `next({ signal })` stops one wait and is select-safe; to stop a whole
 * loop and cancel the sources, read the map through a combinator, e.g.
 * `takeUntil(map, signal)` (quiet end) or `forEach(map, fn, { signal })`
 * (rejects).
 *
 * @typeParam K The key type (compared like `Map` keys).
 * @typeParam V The item type.
 *
 * @example Usage
 * ```ts
 * import { StreamMap } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const map = new StreamMap<string, number>();
 * map.insert("a", ReadableStream.from([1, 2]));
 * map.insert("b", ReadableStream.from([10]));
 * const seen: [string, number][] = [];
 * for await (const entry of map) seen.push(entry);
 * assert.deepEqual(seen.filter(([key]) => key === "a"), [["a", 1], ["a", 2]]);
 * assert.deepEqual(seen.filter(([key]) => key === "b"), [["b", 10]]);
 * assert.equal(map.size, 0);
 * ```
 */
export class StreamMap<K, V> implements AsyncIterableIterator<[K, V], undefined>, AsyncDisposable {
  readonly #fan = new FanIn<K, V>(() => this.#wake());
  #waiters: (() => void)[] = [];

  /**
   * Creates a map, optionally filled with `entries`.
   *
   * @param entries Initial `[key, source]` pairs.
   * @throws {TypeError} If a source is not an `AsyncIterable` or a `ReadableStream`.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap([["x", ReadableStream.from([1])]]);
   * assert.deepEqual(await map.next(), { done: false, value: ["x", 1] });
   * assert.deepEqual(await map.next(), { done: true, value: undefined });
   * ```
   */
  constructor(entries: Iterable<readonly [K, StreamSource<V>]> = []) {
    for (const [key, source] of entries) this.insert(key, source);
  }

  /**
   * How many sources the map holds.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<number, string>();
   * map.insert(1, ReadableStream.from(["a"]));
   * assert.equal(map.size, 1);
   * await map.return();
   * assert.equal(map.size, 0);
   * ```
   */
  get size(): number {
    return this.#fan.size;
  }

  /**
   * Adds `source` under `key`. A source already under `key` is cancelled
   * and replaced (the item it held is dropped). A `next()` waiting on the
   * map starts reading the new source at once.
   *
   * @param key The key its items are tagged with.
   * @param source The source.
   * @returns Whether a source was replaced.
   * @throws {TypeError} If `source` is not an `AsyncIterable` or a `ReadableStream`.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * assert.equal(map.insert("k", ReadableStream.from([1])), false);
   * assert.equal(map.insert("k", ReadableStream.from([2])), true);
   * assert.deepEqual(await map.next(), { done: false, value: ["k", 2] });
   * ```
   */
  insert(key: K, source: StreamSource<V>): boolean {
    checkSource("source", source);
    return this.#fan.insert(key, source);
  }

  /**
   * Removes the source under `key` and cancels it (`return()` or
   * `cancel()`, errors dropped); the item it held, if any, is dropped.
   *
   * @param key The key.
   * @returns Whether there was a source under `key`.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * let cancelled = false;
   * const map = new StreamMap<string, number>();
   * map.insert("k", new ReadableStream({ cancel: () => { cancelled = true; } }));
   * assert.equal(map.remove("k"), true);
   * assert.equal(map.remove("k"), false);
   * await Promise.resolve();
   * assert.ok(cancelled);
   * ```
   */
  remove(key: K): boolean {
    return this.#fan.remove(key);
  }

  /**
   * Whether a source is held under `key`.
   *
   * @param key The key.
   * @returns `true` if the map holds a source under `key`.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap([["k", ReadableStream.from([1])]]);
   * assert.ok(map.has("k"));
   * assert.ok(!map.has("other"));
   * await map.return();
   * ```
   */
  has(key: K): boolean {
    return this.#fan.has(key);
  }

  /**
   * The keys of the sources held, in insertion order.
   *
   * @returns An iterator over the keys.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap([["a", ReadableStream.from([1])], ["b", ReadableStream.from([2])]]);
   * assert.deepEqual([...map.keys()], ["a", "b"]);
   * await map.return();
   * ```
   */
  keys(): IterableIterator<K> {
    return this.#fan.keys();
  }

  /**
   * Resolves with the next `[key, item]` pair, or `{ done: true }` while
   * the map is empty (also when the last source is removed during the
   * wait). Rejects if a source throws; every source is cancelled then.
   * Several waiting calls are each served an item.
   *
   * **Cancellation:** an aborted call rejects with `signal.reason` and
   * takes no item (the sources keep running; their items wait for the
   * next call).
   *
   * **Select safety:** select-safe (it claims its signal right before it
   * takes an item, see `claimSignal` in `@weir/weir/sync`): a losing
   * `select` branch takes nothing.
   *
   * @param options Cancellation.
   * @returns The next result.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * assert.deepEqual(await map.next(), { done: true, value: undefined });
   * map.insert("late", ReadableStream.from([7]));
   * assert.deepEqual(await map.next(), { done: false, value: ["late", 7] });
   * ```
   *
   * @example Raced in a select
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import { select } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap([["a", ReadableStream.from([1])]]);
   * const won = await select([
   *   () => Promise.resolve("first"),
   *   (signal) => map.next({ signal }),
   * ], { biased: true });
   * assert.equal(won.index, 0);
   * assert.deepEqual(await map.next(), { done: false, value: ["a", 1] }); // not lost
   * ```
   */
  async next(options?: StreamMapNextOptions): Promise<IteratorResult<[K, V], undefined>> {
    const signal = options?.signal;
    const claim = signal === undefined ? undefined : () => claimSignal(signal);
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      let item;
      try {
        item = this.#fan.take(claim);
      } catch (error) {
        this.#fan.clear(error).catch(() => {});
        throw error;
      }
      if (item === REFUSED) throw signal!.reason;
      if (item !== undefined) return { done: false, value: [item.key, item.value] };
      if (this.#fan.size === 0) return DONE;
      await this.#wait(signal);
    }
  }

  /**
   * Cancels every source and empties the map (a `break` out of a
   * `for await` loop calls it). Waits for the sources' `return()` /
   * `cancel()` unless one is busy answering a `next()`.
   *
   * @returns `{ done: true }`.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * let cancelled = 0;
   * const endless = () => new ReadableStream({ pull: (c) => c.enqueue(1), cancel: () => { cancelled++; } });
   * const map = new StreamMap([["a", endless()], ["b", endless()]]);
   * for await (const _ of map) break;
   * assert.equal(cancelled, 2);
   * assert.equal(map.size, 0);
   * ```
   */
  async return(): Promise<IteratorReturnResult<undefined>> {
    await this.#fan.clear(undefined);
    return DONE;
  }

  /**
   * Returns the map itself: it is its own iterator.
   *
   * @returns This map.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * assert.equal(map[Symbol.asyncIterator](), map);
   * ```
   */
  [Symbol.asyncIterator](): StreamMap<K, V> {
    return this;
  }

  /**
   * Same as `return()`: `await using map = new StreamMap()` cancels what is
   * left at the end of the scope.
   *
   * @returns A promise that resolves once the sources were cancelled.
   *
   * @example Usage
   * ```ts
   * import { StreamMap } from "@weir/weir/streams";
   * import assert from "node:assert/strict";
   *
   * let cancelled = false;
   * {
   *   await using map = new StreamMap<string, number>();
   *   map.insert("k", new ReadableStream({ cancel: () => { cancelled = true; } }));
   * }
   * assert.ok(cancelled);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Waits for the next change; an abort stops waiting (and leaves the line). */
  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal === undefined) return new Promise<void>((resolve) => this.#waiters.push(resolve));
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(wake);
        if (at !== -1) this.#waiters.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(wake);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
