import { DONE } from "./_shared.ts";
import { TaskSet } from "./_task_set.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/** A finished task as the set holds it until joined. */
interface Finished<K, T> {
  readonly key: K;
  readonly controller: AbortController;
  readonly result: PromiseSettledResult<T>;
}

/**
 * A {@linkcode JoinSet} whose tasks have keys, as tokio-util's `JoinMap`:
 * spawn a task under a key, abort it by key, and join `[key, result]` pairs
 * in completion order. Spawning under a key that is taken aborts the task
 * there and drops its result, so each key has at most one task.
 *
 * A joined result is a `PromiseSettledResult` (what `Promise.allSettled`
 * gives), so a failed task still comes with its key; `JoinSet.joinNext`,
 * which has no key to keep, rejects with the error instead.
 *
 * `await using` aborts every task still in the map and waits for all of them
 * when the scope ends.
 *
 * @typeParam K The key type (compared as `Map` keys are).
 * @typeParam T The value each task resolves to.
 *
 * @example Health checks keyed by host
 * ```ts
 * import { JoinMap } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * await using checks = new JoinMap<string, number>();
 * checks.spawn("db", async () => 3);
 * checks.spawn("cache", () => Promise.reject(new Error("down")));
 * const report: Record<string, string> = {};
 * for await (const [host, result] of checks) {
 *   report[host] = result.status === "fulfilled" ? `${result.value} ms` : "down";
 * }
 * assert.deepEqual(report, { db: "3 ms", cache: "down" });
 * ```
 */
export class JoinMap<K, T> implements AsyncIterable<[K, PromiseSettledResult<T>]>, AsyncDisposable {
  /** The task of each key, from spawn until its result is joined. */
  readonly #tasks = new Map<K, AbortController>();
  /** The key of each task still in `#tasks`. */
  readonly #keys = new Map<AbortController, K>();
  readonly #set = new TaskSet<Finished<K, T>>(
    (controller, ok, result) => ({
      key: this.#keys.get(controller) as K,
      controller,
      result: ok
        ? { status: "fulfilled", value: result as T }
        : { status: "rejected", reason: result },
    }),
    // A task replaced after it finished is skipped, its result dropped.
    (finished) => this.#tasks.get(finished.key) === finished.controller,
  );

  /**
   * How many keys have a task: running, or finished and not joined yet.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, number>();
   * map.spawn("a", () => 1);
   * map.spawn("a", () => 2); // replaces the first
   * assert.equal(map.size, 1);
   * ```
   */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * Whether `key` has a task, running or finished and not joined yet.
   *
   * @param key The key.
   * @returns Whether it has a task.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<number, string>();
   * map.spawn(1, () => "one");
   * assert.equal(map.has(1), true);
   * await map.joinNext();
   * assert.equal(map.has(1), false);
   * ```
   */
  has(key: K): boolean {
    return this.#tasks.has(key);
  }

  /**
   * The keys that have a task, in the order they were spawned.
   *
   * @returns An iterator of keys.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, void>();
   * map.spawn("x", () => {});
   * map.spawn("y", () => {});
   * assert.deepEqual([...map.keys()], ["x", "y"]);
   * ```
   */
  keys(): IterableIterator<K> {
    return this.#tasks.keys();
  }

  /**
   * Calls `task` at once with its own `AbortSignal` and keeps it under
   * `key`. A task already under `key` is aborted (with an `AbortError`) and
   * removed: its result is never joined.
   *
   * @param key The task's key.
   * @param task The task; a synchronous throw counts as a rejection.
   * @returns The task's abort controller.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, string>();
   * const first = map.spawn("job", () => new Promise(() => {}));
   * map.spawn("job", () => "second");
   * assert.equal(first.signal.aborted, true);
   * assert.deepEqual(await map.joinNext(), {
   *   done: false,
   *   value: ["job", { status: "fulfilled", value: "second" }],
   * });
   * ```
   */
  spawn(key: K, task: (signal: AbortSignal) => T | PromiseLike<T>): AbortController {
    const previous = this.#tasks.get(key);
    if (previous !== undefined) {
      this.#tasks.delete(key);
      this.#keys.delete(previous);
      this.#set.detach(previous);
      previous.abort(new DOMException(`Replaced by a new task under the same key`, "AbortError"));
    }
    const controller = this.#set.spawn(task);
    this.#tasks.set(key, controller);
    this.#keys.set(controller, key);
    return controller;
  }

  /**
   * Aborts the task under `key` with `reason` (default an `AbortError`).
   * Its result, usually a rejection with `reason`, is still joined with its
   * key, as tokio-util's `JoinMap::abort`.
   *
   * @param key The key.
   * @param reason The abort reason.
   * @returns Whether `key` had a task.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, void>();
   * map.spawn("slow", (signal) =>
   *   new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
   * );
   * assert.equal(map.abort("slow", "stop"), true);
   * assert.equal(map.abort("missing"), false);
   * assert.deepEqual(await map.joinNext(), {
   *   done: false,
   *   value: ["slow", { status: "rejected", reason: "stop" }],
   * });
   * ```
   */
  abort(key: K, reason?: unknown): boolean {
    const controller = this.#tasks.get(key);
    if (controller === undefined) return false;
    controller.abort(reason);
    return true;
  }

  /**
   * Aborts every task in the map; their results are still joined.
   *
   * @param reason The abort reason.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<number, void>();
   * const a = map.spawn(1, () => new Promise(() => {}));
   * map.abortAll();
   * assert.equal(a.signal.aborted, true);
   * ```
   */
  abortAll(reason?: unknown): void {
    for (const controller of this.#tasks.values()) controller.abort(reason);
  }

  /**
   * Waits for the next task to finish and returns its key and result, in
   * completion order; `{ done: true }` once the map is empty.
   *
   * Cancel safety: aborting `options.signal` takes nothing out of the map;
   * the next call gets the task this one would have.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns The next `[key, result]`, or the end.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, number>();
   * map.spawn("answer", () => 42);
   * assert.deepEqual(await map.joinNext(), {
   *   done: false,
   *   value: ["answer", { status: "fulfilled", value: 42 }],
   * });
   * assert.deepEqual(await map.joinNext(), { done: true, value: undefined });
   * ```
   */
  joinNext(
    options: SyncWaitOptions = {},
  ): Promise<IteratorResult<[K, PromiseSettledResult<T>], undefined>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return this.#set.join(signal).then(this.#take);
  }

  /**
   * Takes the key and result of a task that has already finished, without
   * waiting.
   *
   * Select safety: given a `select` branch's signal, it claims it before it
   * takes a result, like `joinNext`.
   *
   * @param options Optional `signal` (a select branch's, to claim).
   * @returns The next `[key, result]`, `{ done: true }` if the map is empty,
   * or `undefined` if tasks run but none has finished.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, number>();
   * map.spawn("n", () => 1);
   * assert.equal(map.tryJoinNext(), undefined);
   * await Promise.resolve();
   * assert.deepEqual(map.tryJoinNext()?.value, ["n", { status: "fulfilled", value: 1 }]);
   * ```
   */
  tryJoinNext(
    options: SyncWaitOptions = {},
  ): IteratorResult<[K, PromiseSettledResult<T>], undefined> | undefined {
    const { signal } = options;
    signal?.throwIfAborted();
    const now = this.#set.tryJoin(signal);
    return now === undefined ? undefined : this.#take(now);
  }

  /**
   * Stops tracking every task without aborting it: running tasks go on in
   * the background, results not yet joined are dropped, and the map is
   * empty.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, void>();
   * const task = map.spawn("bg", () => new Promise(() => {}));
   * map.detachAll();
   * assert.equal(map.size, 0);
   * assert.equal(task.signal.aborted, false);
   * ```
   */
  detachAll(): void {
    this.#set.detachAll();
    this.#tasks.clear();
    this.#keys.clear();
  }

  /**
   * Joins `[key, result]` pairs until the map is empty. Breaking out of the
   * loop leaves the remaining tasks in the map.
   *
   * @returns The iterator.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<number, number>();
   * for (const n of [1, 2, 3]) map.spawn(n, () => n * n);
   * const squares = new Map<number, number>();
   * for await (const [n, result] of map) {
   *   if (result.status === "fulfilled") squares.set(n, result.value);
   * }
   * assert.equal(squares.get(3), 9);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<[K, PromiseSettledResult<T>], void, undefined> {
    for (;;) {
      const next = await this.joinNext();
      if (next.done) return;
      yield next.value;
    }
  }

  /**
   * Aborts every task, then waits until all of them settled and empties the
   * map, discarding their results.
   *
   * @returns A promise that resolves once the map is empty.
   *
   * @example Usage
   * ```ts
   * import { JoinMap } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const map = new JoinMap<string, void>();
   * map.spawn("t", (signal) =>
   *   new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
   * );
   * await map[Symbol.asyncDispose]();
   * assert.equal(map.size, 0);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.abortAll();
    while (!(await this.joinNext()).done) {
      // Disposal discards every result.
    }
  }

  /** Hands a joined task out: its key no longer has a task. */
  readonly #take = (
    next: IteratorResult<Finished<K, T>, undefined>,
  ): IteratorResult<[K, PromiseSettledResult<T>], undefined> => {
    if (next.done) return DONE;
    const { key, controller, result } = next.value;
    this.#tasks.delete(key);
    this.#keys.delete(controller);
    return { done: false, value: [key, result] };
  };
}
