/**
 * The semaphore was closed: every waiting and later `acquire` rejects with
 * this error and `tryAcquire` throws it. Permits already held stay valid.
 *
 * @example Usage
 * ```ts
 * import { Semaphore, SemaphoreClosedError } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(1);
 * semaphore.close();
 * await assert.rejects(semaphore.acquire(), SemaphoreClosedError);
 * ```
 */
export class SemaphoreClosedError extends Error {
  /** Creates the error. */
  constructor() {
    super("Semaphore is closed");
    this.name = "SemaphoreClosedError";
  }
}
