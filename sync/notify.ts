import { claimSignal } from "./select_safety.ts";
import { RESOLVED } from "./_shared.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * Wakes tasks without passing data, as Tokio's `Notify`. `notifyOne()`
 * wakes the longest waiter or, with nobody waiting, stores a single permit
 * that the next `notified()` consumes at once (permits never add up).
 * `notifyWaiters()` wakes everyone waiting now and stores nothing.
 *
 * @example Usage
 * ```ts
 * import { Notify } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const notify = new Notify();
 * notify.notifyOne(); // stored
 * notify.notifyOne(); // still one permit
 * await notify.notified(); // consumes it at once
 * let woken = false;
 * const next = notify.notified().then(() => woken = true);
 * await Promise.resolve();
 * assert.equal(woken, false);
 * notify.notifyOne();
 * await next;
 * assert.equal(woken, true);
 * ```
 */
export class Notify {
  #permit = false;
  readonly #waiters = new WaitQueue<Waiter<void>>();

  /**
   * Waits for a notification, or consumes the stored permit at once.
   *
   * Cancel safety: safe. An aborted wait rejects with `signal.reason` and
   * consumes nothing: a `notifyOne` that happens after the abort goes to
   * the next waiter or is stored.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Abort signal.
   * @returns A promise that resolves when notified.
   *
   * @example Usage
   * ```ts
   * import { Notify } from "@weir/weir/sync";
   *
   * const notify = new Notify();
   * const woken = notify.notified();
   * notify.notifyOne();
   * await woken;
   * ```
   */
  notified(options?: SyncWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (signal !== undefined && this.#permit && !claimSignal(signal)) {
      return Promise.reject(signal.reason);
    }
    if (this.#permit) {
      this.#permit = false;
      return RESOLVED;
    }
    const waiter = new Waiter<void>(signal);
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /**
   * Wakes the longest-waiting `notified()` call, or stores one permit if
   * nobody waits.
   *
   * @example Usage
   * ```ts
   * import { Notify } from "@weir/weir/sync";
   *
   * const notify = new Notify();
   * notify.notifyOne();
   * await notify.notified();
   * ```
   */
  notifyOne(): void {
    this.#wakeOne(false);
  }

  /**
   * Wakes the most recent `notified()` call still waiting (LIFO, Tokio's
   * `notify_last`), or stores one permit if nobody waits.
   *
   * @example Usage
   * ```ts
   * import { Notify } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const woken: string[] = [];
   * const first = notify.notified().then(() => woken.push("first"));
   * const last = notify.notified().then(() => woken.push("last"));
   * notify.notifyLast();
   * await last;
   * notify.notifyLast();
   * await first;
   * assert.deepEqual(woken, ["last", "first"]);
   * ```
   */
  notifyLast(): void {
    this.#wakeOne(true);
  }

  /** Wakes the first (or, `newest`, the last) waiter whose claim succeeds; else stores the permit. */
  #wakeOne(newest: boolean): void {
    const waiters = this.#waiters;
    for (let waiter = newest ? waiters.pop() : waiters.shift(); waiter;) {
      if (waiter.claim()) return waiter.resolve();
      waiter = newest ? waiters.pop() : waiters.shift();
    }
    this.#permit = true;
  }

  /**
   * Wakes every `notified()` call waiting now; stores no permit, so a
   * later `notified()` waits.
   *
   * @example Usage
   * ```ts
   * import { Notify } from "@weir/weir/sync";
   *
   * const notify = new Notify();
   * const a = notify.notified();
   * const b = notify.notified();
   * notify.notifyWaiters();
   * await Promise.all([a, b]);
   * ```
   */
  notifyWaiters(): void {
    const waiters = this.#waiters;
    for (let waiter = waiters.shift(); waiter; waiter = waiters.shift()) {
      if (waiter.claim()) waiter.resolve();
    }
  }
}
