/**
 * Coordination for async code: `Mutex`, `RwLock`, `Semaphore`, `Barrier`,
 * `Notify`; the channels `mpsc`, `oneshot`, `broadcast` and `watch`; and
 * task structure: `CancellationToken`, `JoinSet`, `TaskTracker`, `select`,
 * `join`/`tryJoin` and a resource `Pool`. Every wait takes an `AbortSignal`
 * and leaves no trace when aborted; guards and permits work with `using`.
 *
 * ```ts
 * import * as sync from "@weir/weir/sync";
 *
 * console.log(typeof sync);
 * ```
 *
 * @module
 */
// -- primitives and channels (issue 5) --
// -- task structure (issue 6) --
export * from "./cancellation_token.ts";
export * from "./join_set.ts";
export * from "./task_tracker.ts";
export * from "./select.ts";
export * from "./join.ts";
export * from "./pool.ts";
export * from "./pool_drained_error.ts";
