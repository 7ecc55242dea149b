/**
 * Options of every call in `@weir/weir/sync` that can wait.
 *
 * @example Usage
 * ```ts
 * import { Mutex, type SyncWaitOptions } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex(0);
 * using _held = await mutex.lock();
 * const options: SyncWaitOptions = { signal: AbortSignal.abort(new Error("gave up")) };
 * await assert.rejects(mutex.lock(options), { message: "gave up" });
 * ```
 */
export interface SyncWaitOptions {
  /**
   * Stops the wait: the call rejects with `signal.reason` and leaves no
   * trace (no permit held, no message consumed or enqueued). An already
   * aborted signal rejects at once, even if the call could have completed.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}
