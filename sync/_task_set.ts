// The task set behind JoinSet and JoinMap: spawned tasks, the outcomes of
// finished ones in completion order, and the joiners waiting for the next.
// The owner maps a settled task to its outcome (or drops it) and may mark
// outcomes stale, so a replaced JoinMap task is skipped before a joiner's
// signal is claimed for it.

import { Ring } from "./_ring.ts";
import { claimSignal } from "./select_safety.ts";
import { DONE } from "./_shared.ts";
import { callAsync } from "./_task_call.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";

/** Turns a settled task into the outcome joiners get. */
export type Settle<O> = (controller: AbortController, ok: boolean, result: unknown) => O;

export class TaskSet<O> {
  readonly running = new Set<AbortController>();
  readonly #finished = new Ring<O>();
  readonly #joiners = new WaitQueue<Waiter<IteratorResult<O, undefined>>>();

  constructor(
    readonly settle: Settle<O>,
    /** Whether a finished outcome is still wanted; stale ones are dropped unjoined. */
    readonly live: (outcome: O) => boolean = () => true,
  ) {}

  /** Running tasks plus finished ones not joined yet (stale ones included until skipped). */
  get size(): number {
    return this.running.size + this.#finished.length;
  }

  spawn(task: (signal: AbortSignal) => unknown): AbortController {
    const controller = new AbortController();
    this.running.add(controller);
    callAsync(task, controller.signal).then(
      (value) => this.#finish(controller, true, value),
      (error) => this.#finish(controller, false, error),
    );
    return controller;
  }

  /** Stops tracking a running task (it keeps running); returns whether it was tracked. */
  detach(controller: AbortController): boolean {
    if (!this.running.delete(controller)) return false;
    this.#endIfEmpty();
    return true;
  }

  /** Stops tracking every task and drops every unjoined outcome. */
  detachAll(): void {
    this.running.clear();
    while (this.#finished.length !== 0) this.#finished.shift();
    this.#endIfEmpty();
  }

  /** A finished outcome taken now, `DONE` if the set is empty, else `undefined`. */
  tryJoin(signal?: AbortSignal): IteratorResult<O, undefined> | undefined {
    const ready = this.#dropStale();
    if (ready || this.running.size === 0) {
      if (!claimSignal(signal)) throw signal!.reason;
      if (ready) return { done: false, value: this.#finished.shift() };
      return DONE;
    }
    return undefined;
  }

  join(signal: AbortSignal | undefined): Promise<IteratorResult<O, undefined>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let now;
    try {
      now = this.tryJoin(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (now !== undefined) return Promise.resolve(now);
    const waiter = new Waiter<IteratorResult<O, undefined>>(signal);
    this.#joiners.push(waiter);
    return waiter.promise;
  }

  /** Whether a live outcome is at the front, dropping stale ones before it. */
  #dropStale(): boolean {
    const finished = this.#finished;
    while (finished.length !== 0) {
      if (this.live(finished.peek())) return true;
      finished.shift();
    }
    return false;
  }

  #finish(controller: AbortController, ok: boolean, result: unknown): void {
    if (!this.running.delete(controller)) return; // detached: nobody joins it
    const outcome = this.settle(controller, ok, result);
    const joiners = this.#joiners;
    let served = false;
    for (let joiner = joiners.shift(); joiner; joiner = joiners.shift()) {
      if (joiner.claim()) {
        joiner.resolve({ done: false, value: outcome });
        served = true;
        break;
      }
    }
    if (!served) this.#finished.push(outcome);
    this.#endIfEmpty();
  }

  /** Once nothing runs and nothing is left to join, waiting joiners get the end. */
  #endIfEmpty(): void {
    if (this.running.size !== 0 || this.#dropStale()) return;
    const joiners = this.#joiners;
    for (let joiner = joiners.shift(); joiner; joiner = joiners.shift()) {
      if (joiner.claim()) joiner.resolve(DONE);
    }
  }
}
