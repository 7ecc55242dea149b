import { closeIterator, dropIterator, iterate } from "./_iterate.ts";
import type { StreamSource } from "./types.ts";

/**
 * One source read with at most one `next()` in flight: `poll()` starts a
 * `next()` in the background and `onSettle` is called when it settles, so
 * a combinator can wait on several sources and timers at once without
 * `Promise.race` (which leaks a reaction per race on long-lived promises).
 */
export class Lane<T> {
  readonly #it: AsyncIterator<T>;
  readonly #onSettle: (lane: Lane<T>) => void;
  #inflight = false;
  #settled: IteratorResult<T, undefined> | undefined;
  #failed = false;
  #error: unknown;
  #ended = false;

  constructor(source: StreamSource<T>, onSettle: (lane: Lane<T>) => void) {
    this.#it = iterate(source);
    this.#onSettle = onSettle;
  }

  /** The source iterator, for direct `await lane.iterator.next()` loops. */
  get iterator(): AsyncIterator<T> {
    return this.#it;
  }

  /**
   * Returns the settled result, if any (and forgets it), or throws the
   * source's error; otherwise starts a `next()` unless one is in flight and
   * returns `undefined`. A `{ done: true }` result or an error marks the
   * source as ended.
   */
  poll(): IteratorResult<T, undefined> | undefined {
    const settled = this.#settled;
    if (settled !== undefined) {
      this.#settled = undefined;
      if (settled.done) this.#ended = true;
      return settled;
    }
    if (this.#failed) {
      this.#failed = false;
      this.#ended = true;
      throw this.#error;
    }
    if (!this.#inflight && !this.#ended) {
      this.#inflight = true;
      this.#it.next().then((result) => {
        this.#inflight = false;
        this.#settled = result;
        this.#onSettle(this);
      }, (error) => {
        this.#inflight = false;
        this.#failed = true;
        this.#error = error;
        this.#onSettle(this);
      });
    }
    return undefined;
  }

  /** Whether `poll()` would hand out an item or throw (not an end, not a wait). */
  get holdsResult(): boolean {
    return (this.#settled !== undefined && !this.#settled.done) || this.#failed;
  }

  /** Marks the source as ended by itself: `close()` will not cancel it. */
  end(): void {
    this.#ended = true;
  }

  /**
   * Cancels the source unless it ended. Returns the closing to wait for, or
   * `undefined` when there is none to wait for: when a `next()` is in
   * flight the closing starts but is not waited for (an async generator
   * queues `return()` behind a pending `next()`), its errors dropped.
   */
  close(reason: unknown): Promise<void> | undefined {
    if (this.#ended) return undefined;
    this.#ended = true;
    if (!this.#inflight) return closeIterator(this.#it, reason);
    dropIterator(this.#it, reason);
    return undefined;
  }
}
