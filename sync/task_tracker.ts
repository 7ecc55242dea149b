import { abortableWait } from "./_task_abort.ts";
import { callAsync } from "./_task_call.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * Counts running tasks so shutdown can wait for all of them, as tokio-util's
 * `TaskTracker`. Unlike {@linkcode JoinSet} it keeps no results (a finished
 * task costs nothing) and never aborts anything: pair it with a
 * {@linkcode CancellationToken} to ask tasks to stop.
 *
 * {@linkcode TaskTracker.prototype.wait | wait()} resolves once the tracker
 * is {@linkcode TaskTracker.prototype.close | closed} and every tracked task
 * has settled. Closing does not stop new tasks from being tracked; it only
 * says "no more tasks are expected", so an empty tracker that was never
 * closed keeps `wait()` pending.
 *
 * @example Graceful shutdown
 * ```ts
 * import { CancellationToken, TaskTracker } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const tracker = new TaskTracker();
 * const shutdown = new CancellationToken();
 * const cleanedUp: number[] = [];
 * for (const id of [1, 2, 3]) {
 *   tracker.track(async () => {
 *     await shutdown.cancelled();
 *     cleanedUp.push(id);
 *   });
 * }
 * tracker.close();
 * shutdown.cancel();
 * await tracker.wait();
 * assert.deepEqual(cleanedUp, [1, 2, 3]);
 * ```
 */
export class TaskTracker {
  #size = 0;
  #closed = false;
  #waiters = new Set<(value: void) => void>();

  /**
   * The number of tracked tasks that have not settled yet.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * const task = tracker.track(Promise.resolve(1));
   * assert.equal(tracker.size, 1);
   * await task;
   * assert.equal(tracker.size, 0);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Whether {@linkcode TaskTracker.prototype.close | close()} was called
   * (and not undone by {@linkcode TaskTracker.prototype.reopen | reopen()}).
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * assert.equal(tracker.isClosed, false);
   * tracker.close();
   * assert.equal(tracker.isClosed, true);
   * ```
   */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Tracks a task until it settles. Pass a promise, or a function that is
   * called at once (a synchronous throw becomes a rejected promise). The
   * tracker only counts: the returned promise is the task's own, so its value
   * and its rejection are the caller's to handle.
   *
   * @typeParam T The task's value.
   * @param task The promise to track, or a function that starts it.
   * @returns The tracked promise.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * assert.equal(await tracker.track(async () => 42), 42);
   * await assert.rejects(tracker.track(() => { throw new Error("sync") }), { message: "sync" });
   * ```
   */
  track<T>(task: Promise<T> | (() => Promise<T>)): Promise<T> {
    const promise = typeof task === "function" ? callAsync(task, undefined) : task;
    this.#size++;
    const settled = () => {
      this.#size--;
      this.#notify();
    };
    promise.then(settled, settled);
    return promise;
  }

  /**
   * A {@linkcode TaskTrackerToken} that counts as one tracked task until it
   * is released (or disposed): for work that is not one promise, such as a
   * connection handled by callbacks (Tokio's `TaskTracker::token`).
   *
   * @returns The token.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * {
   *   using _token = tracker.token();
   *   assert.equal(tracker.size, 1);
   * }
   * assert.equal(tracker.size, 0);
   * ```
   */
  token(): TaskTrackerToken {
    this.#size++;
    return new TrackerToken(this, () => {
      this.#size--;
      this.#notify();
    });
  }

  /**
   * Marks the tracker closed: once it is also empty,
   * {@linkcode TaskTracker.prototype.wait | wait()} resolves. Tasks can
   * still be tracked afterwards.
   *
   * @returns `true` if this call closed the tracker, `false` if it was
   * already closed.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * assert.equal(tracker.close(), true);
   * assert.equal(tracker.close(), false);
   * await tracker.wait();
   * ```
   */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#notify();
    return true;
  }

  /**
   * Opens a closed tracker again, so `wait()` waits for the next `close()`.
   *
   * @returns `true` if this call reopened the tracker, `false` if it was open.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * tracker.close();
   * assert.equal(tracker.reopen(), true);
   * assert.equal(tracker.isClosed, false);
   * ```
   */
  reopen(): boolean {
    if (!this.#closed) return false;
    this.#closed = false;
    return true;
  }

  /**
   * Resolves once the tracker is closed and no tracked task is running (at
   * once if that already holds). A wait that saw the tracker closed and
   * empty resolves even if it is reopened or given a new task afterwards.
   *
   * Cancel safety: aborting `options.signal` only stops this wait.
   *
   * Select safety: select-safe; it takes nothing, so losing a `select`
   * loses nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns A promise that resolves when closed and empty, or rejects with
   * `options.signal.reason`.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * let done = false;
   * tracker.track(async () => {
   *   await Promise.resolve();
   *   done = true;
   * });
   * tracker.close();
   * await tracker.wait();
   * assert.equal(done, true);
   * ```
   */
  wait(options: SyncWaitOptions = {}): Promise<void> {
    return abortableWait<void>(options.signal, (resolve) => {
      if (this.#idle()) resolve();
      else this.#waiters.add(resolve);
      return () => this.#waiters.delete(resolve);
    });
  }

  #idle(): boolean {
    return this.#closed && this.#size === 0;
  }

  #notify(): void {
    if (!this.#idle()) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const resolve of waiters) resolve();
  }
}

/**
 * One unit of work counted by a {@linkcode TaskTracker}, from
 * {@linkcode TaskTracker.prototype.token | token()}: the tracker's `wait()`
 * does not resolve while it is held. Release it once (more releases do
 * nothing), or let `using` do it.
 *
 * @example Usage
 * ```ts
 * import { TaskTracker } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const tracker = new TaskTracker();
 * const token = tracker.token();
 * tracker.close();
 * let idle = false;
 * const waiting = tracker.wait().then(() => idle = true);
 * await Promise.resolve();
 * assert.equal(idle, false);
 * token.release();
 * await waiting;
 * assert.equal(idle, true);
 * ```
 */
export interface TaskTrackerToken extends Disposable {
  /**
   * The tracker this token counts in.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * using token = tracker.token();
   * assert.equal(token.tracker, tracker);
   * ```
   */
  readonly tracker: TaskTracker;
  /**
   * Whether the token was released.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const token = new TaskTracker().token();
   * token.release();
   * assert.equal(token.isReleased, true);
   * ```
   */
  readonly isReleased: boolean;
  /**
   * Stops counting this token as a task. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * const token = tracker.token();
   * token.release();
   * token.release();
   * assert.equal(tracker.size, 0);
   * ```
   */
  release(): void;
  /**
   * Same as {@linkcode TaskTrackerToken.release}, for `using`.
   *
   * @example Usage
   * ```ts
   * import { TaskTracker } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const tracker = new TaskTracker();
   * {
   *   using _token = tracker.token();
   * }
   * assert.equal(tracker.size, 0);
   * ```
   */
  [Symbol.dispose](): void;
}

class TrackerToken implements TaskTrackerToken {
  #release: (() => void) | undefined;

  constructor(readonly tracker: TaskTracker, release: () => void) {
    this.#release = release;
  }

  get isReleased(): boolean {
    return this.#release === undefined;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
