import { UnaryStream } from "./_stream.ts";
import { checkCount, checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/** A task's callback. */
export type TaskFn<T, U> = (value: T, signal: AbortSignal) => U | Promise<U>;

interface Task<U> {
  settled: boolean;
  ok: boolean;
  value: U | unknown;
}

/**
 * `buffered` and `bufferUnordered`: up to `limit` tasks started and not yet
 * handed to the consumer; the source is pulled only while a slot is free
 * and only during a `next()` (so an idle consumer holds at most `limit`
 * finished results).
 */
class Buffer<T, U> extends UnaryStream<T, U> {
  readonly #limit: number;
  readonly #fn: TaskFn<T, U>;
  readonly #ordered: boolean;
  /** Tasks started and not yet delivered. */
  #active = 0;
  /** Ordered: every undelivered task, in source order. Unordered: settled tasks, in completion order. */
  readonly #queue: Task<U>[] = [];
  #sourceEnded = false;

  constructor(
    source: StreamSource<T>,
    limit: number,
    fn: TaskFn<T, U>,
    ordered: boolean,
    signal: AbortSignal | undefined,
  ) {
    super(source, signal);
    this.#limit = limit;
    this.#fn = fn;
    this.#ordered = ordered;
  }

  protected async pull(): Promise<IteratorResult<U, undefined>> {
    try {
      for (;;) {
        this.#fill();
        const head = this.#queue[0];
        if (head !== undefined && head.settled) {
          this.#queue.shift();
          this.#active--;
          if (!head.ok) throw head.value;
          return this.emit(head.value as U);
        }
        if (this.#sourceEnded && this.#active === 0) return this.exhausted();
        await this.wait();
        if (this.closed) return this.finish();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Starts a task for each item the source has ready while a slot is free. */
  #fill(): void {
    while (!this.#sourceEnded && this.#active < this.#limit) {
      const result = this.poll();
      if (result === undefined) return;
      if (result.done) this.#sourceEnded = true;
      else this.#start(result.value);
    }
  }

  #start(value: T): void {
    this.#active++;
    const task: Task<U> = { settled: false, ok: true, value: undefined };
    if (this.#ordered) this.#queue.push(task);
    let out: U | Promise<U>;
    try {
      out = this.#fn(value, this.taskSignal);
    } catch (error) {
      return this.#settle(task, false, error);
    }
    if (out instanceof Promise) {
      out.then((v) => this.#settle(task, true, v), (error) => this.#settle(task, false, error));
    } else {
      this.#settle(task, true, out);
    }
  }

  #settle(task: Task<U>, ok: boolean, value: unknown): void {
    task.settled = true;
    task.ok = ok;
    task.value = value;
    if (!this.#ordered) this.#queue.push(task);
    this.notify();
  }
}

/** Validates the arguments of `buffered` and `bufferUnordered` and makes the stream. */
export function buffer<T, U>(
  source: StreamSource<T>,
  n: number,
  fn: TaskFn<T, U>,
  ordered: boolean,
  options: StreamOptions | undefined,
): StreamIterator<U> {
  checkSource("source", source);
  checkCount("n", n, 1);
  checkFunction("fn", fn);
  return new Buffer(source, n, fn, ordered, options?.signal);
}
