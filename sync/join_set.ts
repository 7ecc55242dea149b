import { DONE } from "./_shared.ts";
import { TaskSet } from "./_task_set.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function outcome<T>(_: AbortController, ok: boolean, result: unknown): Outcome<T> {
  return ok ? { ok, value: result as T } : { ok, error: result };
}

/** A joined outcome as `joinNext` settles: the value, or the task's error thrown. */
function unwrap<T>(result: IteratorResult<Outcome<T>, undefined>): IteratorResult<T, undefined> {
  if (result.done) return DONE;
  const joined = result.value;
  if (joined.ok) return { done: false, value: joined.value };
  throw joined.error;
}

/**
 * A set of running tasks whose results come out in completion order, as
 * Tokio's `JoinSet`. {@linkcode JoinSet.prototype.spawn | spawn()} calls the
 * task at once with its own `AbortSignal`;
 * {@linkcode JoinSet.prototype.joinNext | joinNext()} (or `for await`) hands
 * back each result as its task finishes. A task's rejection is kept until it
 * is joined, so it never surfaces as an unhandled rejection.
 *
 * `await using` aborts every task still in the set and waits for all of them
 * when the scope ends, the way dropping a Tokio `JoinSet` aborts its tasks.
 * Breaking out of a `for await` loop leaves the remaining tasks in the set.
 *
 * @typeParam T The value each task resolves to.
 *
 * @example Fetch many, handle each as it lands
 * ```ts
 * import { JoinSet } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * await using set = new JoinSet<string>();
 * for (const [name, ms] of [["slow", 20], ["fast", 1]] as const) {
 *   set.spawn((signal) =>
 *     new Promise((resolve, reject) => {
 *       const id = setTimeout(() => resolve(name), ms);
 *       signal.addEventListener("abort", () => {
 *         clearTimeout(id);
 *         reject(signal.reason);
 *       });
 *     })
 *   );
 * }
 * const order: string[] = [];
 * for await (const name of set) order.push(name);
 * assert.deepEqual(order, ["fast", "slow"]);
 * ```
 */
export class JoinSet<T> implements AsyncIterable<T>, AsyncDisposable {
  readonly #tasks = new TaskSet<Outcome<T>>(outcome);

  /**
   * The number of tasks in the set: running ones plus finished ones not yet
   * joined.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<number>();
   * set.spawn(async () => 1);
   * assert.equal(set.size, 1);
   * await set.joinNext();
   * assert.equal(set.size, 0);
   * ```
   */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * Starts `task` now (synchronously, before `spawn` returns) and adds it to
   * the set. A task that throws synchronously counts as a rejected task.
   *
   * @param task Called once with the task's own signal, which aborts on
   * {@linkcode JoinSet.prototype.abortAll | abortAll()}, on disposal, or
   * through the returned controller.
   * @returns The task's `AbortController`: `abort(reason)` cancels just this
   * task (it stays in the set until it settles and is joined).
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<string>();
   * let started = false;
   * const handle = set.spawn(async (signal) => {
   *   started = true;
   *   await Promise.resolve();
   *   signal.throwIfAborted();
   *   return "done";
   * });
   * assert.equal(started, true);
   * handle.abort(new Error("not needed"));
   * await assert.rejects(set.joinNext(), { message: "not needed" });
   * ```
   */
  spawn(task: (signal: AbortSignal) => T | PromiseLike<T>): AbortController {
    return this.#tasks.spawn(task);
  }

  /**
   * Spawns every task of `tasks`, in order (Tokio's `JoinSet: Extend`).
   *
   * @param tasks The tasks, each called at once with its own signal.
   * @returns Their abort controllers, in the same order.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<number>();
   * set.spawnAll([1, 2, 3].map((n) => () => n * 10));
   * assert.equal(set.size, 3);
   * const all: number[] = [];
   * for await (const n of set) all.push(n);
   * assert.deepEqual(all.sort((a, b) => a - b), [10, 20, 30]);
   * ```
   */
  spawnAll(tasks: Iterable<(signal: AbortSignal) => T | PromiseLike<T>>): AbortController[] {
    const controllers = [];
    for (const task of tasks) controllers.push(this.#tasks.spawn(task));
    return controllers;
  }

  /**
   * Waits for the next task to finish and takes it out of the set: resolves
   * `{ done: false, value }` when it fulfilled, rejects with its error when it
   * rejected, and resolves `{ done: true }` once the set is empty. Tasks come
   * out in the order they finished.
   *
   * Cancel safety: aborting `options.signal` takes nothing out of the set;
   * the next call gets the task this one would have.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns The next result, or `{ done: true, value: undefined }`.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<number>();
   * set.spawn(() => Promise.reject(new Error("boom")));
   * set.spawn(() => 2);
   * await assert.rejects(set.joinNext(), { message: "boom" });
   * assert.deepEqual(await set.joinNext(), { done: false, value: 2 });
   * assert.deepEqual(await set.joinNext(), { done: true, value: undefined });
   * ```
   */
  joinNext(options: SyncWaitOptions = {}): Promise<IteratorResult<T, undefined>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let now;
    try {
      now = this.tryJoinNext(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (now !== undefined) return Promise.resolve(now);
    return this.#tasks.join(signal).then(unwrap);
  }

  /**
   * Takes the result of a task that has already finished, without waiting
   * (Tokio's `try_join_next`).
   *
   * Select safety: given a `select` branch's signal, it claims it before it
   * takes a result, like `joinNext`.
   *
   * @param options Optional `signal` (a select branch's, to claim).
   * @returns The next result, `{ done: true, value: undefined }` if the set
   * is empty, or `undefined` if tasks run but none has finished.
   * @throws The task's error, if the finished task failed.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<string>();
   * assert.deepEqual(set.tryJoinNext(), { done: true, value: undefined });
   * set.spawn(() => "ready");
   * assert.equal(set.tryJoinNext(), undefined); // running: it settles in a later microtask
   * await Promise.resolve();
   * assert.deepEqual(set.tryJoinNext(), { done: false, value: "ready" });
   * ```
   */
  tryJoinNext(options: SyncWaitOptions = {}): IteratorResult<T, undefined> | undefined {
    const { signal } = options;
    signal?.throwIfAborted();
    const now = this.#tasks.tryJoin(signal);
    return now === undefined ? undefined : unwrap(now);
  }

  /**
   * Stops tracking every task without aborting it (Tokio's `detach_all`):
   * running tasks go on in the background, results not yet joined are
   * dropped, and the set is empty.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<void>();
   * let finished = false;
   * const controller = set.spawn(async () => {
   *   await Promise.resolve();
   *   finished = true;
   * });
   * set.detachAll();
   * assert.equal(set.size, 0);
   * assert.deepEqual(await set.joinNext(), { done: true, value: undefined });
   * assert.equal(controller.signal.aborted, false);
   * await Promise.resolve();
   * assert.equal(finished, true);
   * ```
   */
  detachAll(): void {
    this.#tasks.detachAll();
  }

  /**
   * Aborts every running task's signal. Tasks stay in the set until they
   * settle and are joined: one that ignores its signal still reports its
   * value.
   *
   * @param reason The signals' `reason`; an `AbortError` `DOMException` when
   * omitted.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<void>();
   * set.spawn((signal) =>
   *   new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
   * );
   * set.abortAll(new Error("shutdown"));
   * assert.equal(set.size, 1);
   * await assert.rejects(set.joinNext(), { message: "shutdown" });
   * ```
   */
  abortAll(reason?: unknown): void {
    for (const controller of this.#tasks.running) controller.abort(reason);
  }

  /**
   * Yields every task's value in completion order until the set is empty;
   * throws (ending the loop) with the first rejection it meets. Other tasks
   * stay in the set when the loop ends early.
   *
   * @returns An async iterator over the tasks' values.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<number>();
   * for (const n of [1, 2, 3]) set.spawn(async () => n * 10);
   * const values: number[] = [];
   * for await (const value of set) values.push(value);
   * assert.deepEqual(values, [10, 20, 30]);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const result = await this.joinNext();
      if (result.done) return;
      yield result.value;
    }
  }

  /**
   * Aborts every task, then waits until all of them settled and empties the
   * set, discarding values and errors (Tokio's `JoinSet::shutdown`).
   *
   * @returns A promise that resolves once the set is empty.
   *
   * @example Usage
   * ```ts
   * import { JoinSet } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const set = new JoinSet<void>();
   * set.spawn((signal) =>
   *   new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
   * );
   * await set[Symbol.asyncDispose]();
   * assert.equal(set.size, 0);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.abortAll();
    while (this.size > 0) {
      try {
        await this.joinNext();
      } catch {
        // Disposal discards every outcome, errors included.
      }
    }
  }
}
