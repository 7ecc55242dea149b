// The one FIFO of pending waits behind every waiting call in weir (sync/'s
// primitives, net/'s sockets and drivers). The list is intrusive (each waiter
// is its own node), so enqueue, dequeue and the removal of an aborted waiter
// from the middle are all O(1) and allocate nothing beyond the waiter itself.

import { claimSignal } from "./select_safety.ts";

/**
 * A first-in, first-out line of {@linkcode Waiter}s: the building block of a
 * waiting call that is cancel-safe (an aborted waiter leaves the line at
 * once) and select-safe (a waiter is claimed before it is handed anything).
 * Every operation is O(1).
 *
 * @typeParam W The waiter type.
 *
 * @example A select-safe "take" of your own
 * ```ts
 * import { Waiter, WaitQueue } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const line = new WaitQueue<Waiter<string>>();
 * const take = (signal?: AbortSignal): Promise<string> => {
 *   if (signal?.aborted) return Promise.reject(signal.reason);
 *   const waiter = new Waiter<string>(signal);
 *   line.push(waiter);
 *   return waiter.promise;
 * };
 * const give = (item: string): boolean => {
 *   for (let waiter = line.shift(); waiter; waiter = line.shift()) {
 *     if (waiter.claim()) {
 *       waiter.resolve(item);
 *       return true;
 *     }
 *   }
 *   return false; // nobody is waiting: keep the item
 * };
 * const controller = new AbortController();
 * const abandoned = take(controller.signal);
 * const kept = take();
 * controller.abort(new Error("gave up"));
 * await assert.rejects(abandoned, { message: "gave up" });
 * assert.equal(give("item"), true);
 * assert.equal(await kept, "item");
 * assert.equal(line.size, 0);
 * ```
 */
// A waiter's result type does not matter to the line, and a line of
// `Waiter<void>` must accept any subclass, whatever its result.
// deno-lint-ignore no-explicit-any
export class WaitQueue<W extends Waiter<any>> {
  #head: W | undefined = undefined;
  #tail: W | undefined = undefined;
  #size = 0;

  /**
   * How many waiters are in line.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * line.push(new Waiter<number>(undefined));
   * assert.equal(line.size, 1);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * The first waiter in line, left in place.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * const first = new Waiter<number>(undefined);
   * line.push(first);
   * assert.equal(line.head, first);
   * ```
   */
  get head(): W | undefined {
    return this.#head;
  }

  /**
   * The last waiter in line, left in place.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * const first = new Waiter<number>(undefined);
   * const last = new Waiter<number>(undefined);
   * line.push(first);
   * line.push(last);
   * assert.equal(line.tail, last);
   * ```
   */
  get tail(): W | undefined {
    return this.#tail;
  }

  /**
   * Puts `waiter` at the end of the line.
   *
   * @param waiter A waiter not in any line.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * line.push(new Waiter<number>(undefined));
   * assert.equal(line.size, 1);
   * ```
   */
  push(waiter: W): void {
    waiter.queue = this;
    waiter.prev = this.#tail;
    waiter.next = undefined;
    if (this.#tail === undefined) this.#head = waiter;
    else this.#tail.next = waiter;
    this.#tail = waiter;
    this.#size++;
  }

  /**
   * Takes the first waiter out of the line.
   *
   * @returns The waiter, or `undefined` if the line is empty.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * const first = new Waiter<number>(undefined);
   * line.push(first);
   * assert.equal(line.shift(), first);
   * assert.equal(line.shift(), undefined);
   * ```
   */
  shift(): W | undefined {
    const waiter = this.#head;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  /**
   * Takes the last waiter out of the line.
   *
   * @returns The waiter, or `undefined` if the line is empty.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * line.push(new Waiter<number>(undefined));
   * const last = new Waiter<number>(undefined);
   * line.push(last);
   * assert.equal(line.pop(), last);
   * assert.equal(line.size, 1);
   * ```
   */
  pop(): W | undefined {
    const waiter = this.#tail;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  /**
   * Takes `waiter` out of the line, wherever it stands.
   *
   * @param waiter A waiter in this line.
   *
   * @example Usage
   * ```ts
   * import { Waiter, WaitQueue } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const line = new WaitQueue<Waiter<number>>();
   * const waiter = new Waiter<number>(undefined);
   * line.push(waiter);
   * line.remove(waiter);
   * assert.equal(line.size, 0);
   * ```
   */
  remove(waiter: W): void {
    const { prev, next } = waiter;
    if (prev === undefined) this.#head = next as W | undefined;
    else prev.next = next;
    if (next === undefined) this.#tail = prev as W | undefined;
    else next.prev = prev;
    waiter.prev = waiter.next = waiter.queue = undefined;
    this.#size--;
  }
}

/**
 * One pending wait of a {@linkcode WaitQueue}: the promise its caller
 * awaits, and the abort listener (the waiter itself, so no closure is
 * allocated) that takes it out of its line and rejects it with
 * `signal.reason`. Whoever serves the line calls {@linkcode Waiter.claim}
 * right before handing the waiter something, which makes the wait
 * select-safe (see {@linkcode claimSignal}).
 *
 * @typeParam R What the wait resolves to.
 *
 * @example Usage
 * ```ts
 * import { Waiter } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const waiter = new Waiter<number>(undefined);
 * waiter.resolve(7);
 * assert.equal(await waiter.promise, 7);
 * ```
 */
export class Waiter<R> implements EventListenerObject {
  /** The previous waiter in line (kept by {@linkcode WaitQueue}). */
  // deno-lint-ignore no-explicit-any
  prev: Waiter<any> | undefined = undefined;
  /** The next waiter in line (kept by {@linkcode WaitQueue}). */
  // deno-lint-ignore no-explicit-any
  next: Waiter<any> | undefined = undefined;
  /** The line this waiter is in, if any (kept by {@linkcode WaitQueue}). */
  // deno-lint-ignore no-explicit-any
  queue: WaitQueue<Waiter<any>> | undefined = undefined;
  /** Settles when the wait is served or aborted. */
  readonly promise: Promise<R>;
  #resolve!: (value: R) => void;
  #reject!: (reason: unknown) => void;
  readonly #signal: AbortSignal | undefined;

  /**
   * Creates a wait that `signal`, once aborted, takes out of its line and
   * rejects. The caller refuses an already aborted signal first.
   *
   * @param signal The caller's signal, if any.
   */
  constructor(signal: AbortSignal | undefined) {
    // Measured faster than Promise.withResolvers() on the contended paths.
    this.promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
    signal?.addEventListener("abort", this);
  }

  /**
   * Claims the wait's signal (see {@linkcode claimSignal}) right before the
   * caller hands it something. `false`: the signal is aborted (or its
   * select chose another branch), so the waiter left its line and must be
   * given nothing; its abort listener rejects it.
   *
   * @returns Whether the waiter may be served.
   *
   * @example Usage
   * ```ts
   * import { Waiter } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Waiter<number>(undefined).claim(), true);
   * ```
   */
  claim(): boolean {
    const signal = this.#signal;
    if (signal === undefined || claimSignal(signal)) return true;
    this.queue?.remove(this);
    return false;
  }

  /**
   * Serves the wait with `value`.
   *
   * @param value What the caller gets.
   *
   * @example Usage
   * ```ts
   * import { Waiter } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const waiter = new Waiter<string>(undefined);
   * waiter.resolve("done");
   * assert.equal(await waiter.promise, "done");
   * ```
   */
  resolve(value: R): void {
    this.#signal?.removeEventListener("abort", this);
    this.#resolve(value);
  }

  /**
   * Fails the wait with `reason`.
   *
   * @param reason The rejection.
   *
   * @example Usage
   * ```ts
   * import { Waiter } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const waiter = new Waiter<string>(undefined);
   * waiter.reject(new Error("closed"));
   * await assert.rejects(waiter.promise, { message: "closed" });
   * ```
   */
  reject(reason: unknown): void {
    this.#signal?.removeEventListener("abort", this);
    this.#reject(reason);
  }

  /**
   * The abort listener: leaves the line, undoes what the wait collected
   * (see {@linkcode Waiter.aborted}) and rejects with `signal.reason`.
   *
   * @example Usage
   * ```ts
   * import { Waiter } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const controller = new AbortController();
   * const waiter = new Waiter<string>(controller.signal);
   * controller.abort(new Error("stop"));
   * await assert.rejects(waiter.promise, { message: "stop" });
   * ```
   */
  handleEvent(): void {
    this.queue?.remove(this);
    this.aborted();
    this.reject(this.#signal?.reason);
  }

  /** Undoes whatever the wait had already collected; runs before rejecting. */
  protected aborted(): void {}
}
