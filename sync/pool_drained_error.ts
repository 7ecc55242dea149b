/**
 * The error of {@linkcode Pool.prototype.acquire} once the pool is draining
 * or drained: it lends nothing any more.
 *
 * @example Usage
 * ```ts
 * import { Pool, PoolDrainedError } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const pool = new Pool({ create: () => "conn" });
 * await pool.drain();
 * await assert.rejects(pool.acquire(), PoolDrainedError);
 * ```
 */
export class PoolDrainedError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened.
   *
   * @example Usage
   * ```ts
   * import { PoolDrainedError } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const error = new PoolDrainedError();
   * assert.equal(error.name, "PoolDrainedError");
   * assert.equal(error.message, "Pool is drained: it lends no more resources");
   * ```
   */
  constructor(message = "Pool is drained: it lends no more resources") {
    super(message);
    this.name = "PoolDrainedError";
  }
}
