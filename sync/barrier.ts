import { checkInteger } from "./_shared.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * What {@linkcode Barrier.wait} resolves.
 *
 * @example Usage
 * ```ts
 * import { Barrier, type BarrierWaitResult } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const result: BarrierWaitResult = await new Barrier(1).wait();
 * assert.equal(result.isLeader, true);
 * ```
 */
export interface BarrierWaitResult {
  /** `true` for exactly one caller per generation: the last to arrive. */
  readonly isLeader: boolean;
}

const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

/**
 * Lets `n` tasks wait for each other: each `wait()` resolves once `n`
 * calls have arrived, then the barrier starts a new generation and can be
 * used again. The `n`-th arrival of a generation is its leader.
 *
 * Stricter than Tokio (whose `Barrier::wait` is not cancel safe): an aborted
 * wait is withdrawn, so it no longer counts toward the generation.
 *
 * @example Usage
 * ```ts
 * import { Barrier } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const barrier = new Barrier(3);
 * const results = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
 * assert.deepEqual(results.map((r) => r.isLeader), [false, false, true]);
 * ```
 */
export class Barrier {
  readonly #parties: number;
  readonly #arrived = new WaitQueue<Waiter<BarrierWaitResult>>();

  /**
   * Creates a barrier.
   *
   * @param n How many `wait` calls release a generation, an integer from 1 up.
   * @throws {RangeError} If `n` is out of range (Tokio treats 0 as 1; weir refuses it).
   */
  constructor(n: number) {
    checkInteger("n", n, 1);
    this.#parties = n;
  }

  /**
   * How many calls of the current generation are waiting.
   *
   * @example Usage
   * ```ts
   * import { Barrier } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * const first = barrier.wait();
   * assert.equal(barrier.waiting, 1);
   * await barrier.wait();
   * await first;
   * assert.equal(barrier.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#arrived.size;
  }

  /**
   * Arrives at the barrier and waits until `n` calls have arrived.
   *
   * Cancel safety: safe, stricter than Tokio. An aborted wait rejects with
   * `signal.reason` and is withdrawn from its generation (the count goes
   * back down). Once the generation is released, the result is final.
   *
   * Select safety: not select-safe. An arrival counts toward its generation
   * until its signal aborts, so a generation released in the turn another
   * branch wins has counted this one; the result then goes unread.
   *
   * @param options Abort signal.
   * @returns Whether this call is the generation's leader.
   *
   * @example Withdraw on abort
   * ```ts
   * import { Barrier } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * const controller = new AbortController();
   * const gone = barrier.wait({ signal: controller.signal });
   * controller.abort(new Error("left"));
   * await assert.rejects(gone, { message: "left" });
   * assert.equal(barrier.waiting, 0);
   * ```
   */
  wait(options?: SyncWaitOptions): Promise<BarrierWaitResult> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const arrived = this.#arrived;
    if (arrived.size + 1 < this.#parties) {
      const waiter = new Waiter<BarrierWaitResult>(signal);
      arrived.push(waiter);
      return waiter.promise;
    }
    for (let waiter = arrived.shift(); waiter; waiter = arrived.shift()) waiter.resolve(FOLLOWER);
    return Promise.resolve(LEADER);
  }
}
