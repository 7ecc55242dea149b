import { Lane } from "./_lane.ts";
import type { StreamIterator, StreamSource } from "./types.ts";

/** The result of an ended or closed stream (shared, frozen). */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});

const FRESH = 0;
const OPEN = 1;
const CLOSED = 2;

type Result<T> = IteratorResult<T, undefined>;

/**
 * The lifecycle every combinator shares: lazy start on the first `next()`,
 * one `pull()` at a time, the `signal` option, closing (sources cancelled by
 * `teardown`, the task signal aborted) on `return()`, error or abort.
 *
 * A subclass implements `pull()` as an async function whose every exit goes
 * through `emit()`, `finish()` or `throw this.fail(error)`: they end the
 * current pull. After each `await` inside `pull()` it checks `closed`.
 */
export abstract class BaseStream<T> implements StreamIterator<T> {
  readonly #signal: AbortSignal | undefined;
  #state = FRESH;
  #aborted = false;
  #started = false;
  #pulling = false;
  #queued = 0;
  #tail: Promise<Result<T>> | undefined;
  #dequeue: (() => Promise<Result<T>>) | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  #listener: (() => void) | undefined;
  #tasks: AbortController | undefined;
  #wake: (() => void) | undefined;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  /** Produces the next result; never runs twice at once. */
  protected abstract pull(): Promise<Result<T>>;

  /** Cancels the sources (and timers); called once, when the stream closes. */
  protected abstract teardown(reason: unknown): Promise<void> | void;

  /** Called by the first `next()`, before the first `pull()`. */
  protected start(): void {}

  /** Whether the stream was closed (ended, failed, aborted or returned). */
  protected get closed(): boolean {
    return this.#state === CLOSED;
  }

  /** Whether `next()` was never called and the stream is not closed. */
  protected get fresh(): boolean {
    return this.#state === FRESH;
  }

  /** Whether `start()` was called. */
  protected get started(): boolean {
    return this.#started;
  }

  /** The option signal this stream was made with. */
  protected get optionSignal(): AbortSignal | undefined {
    return this.#signal;
  }

  /** Given to callbacks and inner tasks; aborted when the stream closes. */
  protected get taskSignal(): AbortSignal {
    return (this.#tasks ??= new AbortController()).signal;
  }

  /** Ends the current pull with an item. */
  protected emit(value: T): Result<T> {
    this.#pulling = false;
    return { done: false, value };
  }

  /** Ends the current pull and the stream: closes it, waiting for the sources. */
  protected finish(): Result<T> | Promise<Result<T>> {
    this.#pulling = false;
    if (this.#state === CLOSED) return DONE;
    const closing = this.#close(undefined, true);
    return closing === undefined ? DONE : closing.then(() => DONE);
  }

  /** Ends the current pull with `error` and closes the stream; returns `error`. */
  protected fail(error: unknown): unknown {
    this.#pulling = false;
    if (this.#state !== CLOSED) this.#close(error, false);
    return error;
  }

  /** Resolves on the next `notify()` or when the stream closes. */
  protected wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Wakes a pending `wait()`. */
  protected notify(): void {
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      wake();
    }
  }

  next(): Promise<Result<T>> {
    if (this.#state === FRESH) {
      try {
        this.#open();
      } catch (error) {
        return Promise.reject(this.fail(error));
      }
    }
    if (this.#state === CLOSED) {
      return this.#aborted ? Promise.reject(this.#signal!.reason) : Promise.resolve(DONE);
    }
    if (this.#pulling || this.#queued !== 0) {
      this.#queued++;
      this.#dequeue ??= () => {
        this.#queued--;
        return this.#state === CLOSED ? this.next() : this.#pull();
      };
      return (this.#tail = this.#tail!.then(this.#dequeue, this.#dequeue));
    }
    return (this.#tail = this.#pull());
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#state !== CLOSED) await this.#close(undefined, true);
    return DONE;
  }

  [Symbol.asyncIterator](): StreamIterator<T> {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  #open(): void {
    this.#state = OPEN;
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) return this.#abort();
      this.#listener = () => this.#abort();
      signal.addEventListener("abort", this.#listener, { once: true });
    }
    this.#started = true;
    this.start();
  }

  #pull(): Promise<Result<T>> {
    this.#pulling = true;
    const pulled = this.pull();
    if (this.#signal === undefined) return pulled;
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      pulled.then(resolve, reject);
    });
  }

  #abort(): void {
    const reason = this.#signal!.reason;
    this.#aborted = true;
    this.#close(reason, false);
    this.#reject?.(reason);
  }

  /**
   * Closes the stream. Returns the sources' closing when `wait` is set and
   * no pull is running (a running pull may hold a source's `next()`, behind
   * which an async generator queues `return()`); drops its errors otherwise.
   */
  #close(reason: unknown, wait: boolean): Promise<void> | undefined {
    this.#state = CLOSED;
    if (this.#listener !== undefined) this.#signal!.removeEventListener("abort", this.#listener);
    this.#tasks?.abort(reason);
    this.notify();
    let closing: Promise<void> | void;
    try {
      closing = this.teardown(reason);
    } catch (error) {
      closing = Promise.reject(error);
    }
    if (closing === undefined) return undefined;
    if (wait && !this.#pulling) return closing;
    closing.catch(() => {});
    return undefined;
  }
}

/**
 * A stream over one source: iterated from the first `next()` on, closed on
 * early exit unless it ended by itself.
 *
 * Subclasses either `await this.source.next()` inside `pull()`, or call
 * `poll()`, which keeps one `next()` of the source in flight in the
 * background and wakes `wait()` when it settles (for pulls that also wait
 * on timers or stop signals).
 */
export abstract class UnaryStream<T, U> extends BaseStream<U> {
  readonly #origin: StreamSource<T>;
  #lane: Lane<T> | undefined;
  #source: AsyncIterator<T> | undefined;

  constructor(source: StreamSource<T>, signal: AbortSignal | undefined) {
    super(signal);
    this.#origin = source;
  }

  /** The source iterator (set once started). */
  protected get source(): AsyncIterator<T> {
    return this.#source!;
  }

  /** The source as given. */
  protected get origin(): StreamSource<T> {
    return this.#origin;
  }

  protected override start(): void {
    this.#lane = new Lane(this.#origin, () => this.notify());
    this.#source = this.#lane.iterator;
  }

  /** See `Lane.poll()`; a settled source wakes `wait()`. */
  protected poll(): IteratorResult<T, undefined> | undefined {
    return this.#lane!.poll();
  }

  /** Ends the stream because the source ended: it is not cancelled. */
  protected exhausted(): IteratorResult<U, undefined> | Promise<IteratorResult<U, undefined>> {
    this.#lane!.end();
    return this.finish();
  }

  protected teardown(reason: unknown): Promise<void> | void {
    return (this.#lane ??= new Lane(this.#origin, () => {})).close(reason);
  }
}
