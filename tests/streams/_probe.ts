/** Test sources that record how they are pulled and closed. */

/** Yields 0, 1, 2, ... forever. */
export function* count(): Generator<number> {
  for (let i = 0;; i++) yield i;
}

/**
 * A hand-rolled async iterator over `items` that counts `next()` and
 * `return()` calls. With `hang`, `next()` after the last item never
 * settles until `return()` is called (then it resolves done).
 */
export class ProbeIterable<T> implements AsyncIterableIterator<T, undefined> {
  nexts = 0;
  returns = 0;
  readonly #items: Iterator<T>;
  readonly #hang: boolean;
  #closed = false;
  #pending: ((result: IteratorResult<T, undefined>) => void) | undefined;

  constructor(items: Iterable<T>, options: { hang?: boolean } = {}) {
    this.#items = items[Symbol.iterator]();
    this.#hang = options.hang ?? false;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    this.nexts++;
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    const result = this.#items.next();
    if (!result.done) return Promise.resolve({ done: false, value: result.value });
    if (!this.#hang) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#pending = resolve;
    });
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    this.returns++;
    this.#closed = true;
    this.#pending?.({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Whether the consumer closed it. */
  get closed(): boolean {
    return this.returns > 0;
  }
}

/** A `ReadableStream` over `items` that records pulls and cancels. */
export class ProbeStream<T> {
  pulls = 0;
  readonly cancels: unknown[] = [];
  readonly stream: ReadableStream<T>;

  constructor(items: Iterable<T>, options: { hang?: boolean } = {}) {
    const it = items[Symbol.iterator]();
    this.stream = new ReadableStream<T>({
      pull: (controller) => {
        this.pulls++;
        const result = it.next();
        if (!result.done) return controller.enqueue(result.value);
        if (!options.hang) return controller.close();
        return new Promise<void>(() => {});
      },
      cancel: (reason) => {
        this.cancels.push(reason);
      },
    }, { highWaterMark: 0 });
  }

  /** Whether the consumer cancelled it. */
  get closed(): boolean {
    return this.cancels.length > 0;
  }
}

/** A source of either kind plus a way to check it was closed. */
export interface Probed<T> {
  readonly kind: "AsyncIterable" | "ReadableStream";
  readonly source: AsyncIterable<T> | ReadableStream<T>;
  /** How many times it was closed (`return()` or `cancel`). */
  closes(): number;
}

/** Both kinds of probe over the same items. */
export function probes<T>(items: () => Iterable<T>, options: { hang?: boolean } = {}): Probed<T>[] {
  const iterable = new ProbeIterable(items(), options);
  const stream = new ProbeStream(items(), options);
  return [
    { kind: "AsyncIterable", source: iterable, closes: () => iterable.returns },
    { kind: "ReadableStream", source: stream.stream, closes: () => stream.cancels.length },
  ];
}

/** Lets pending promise callbacks run. */
export async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** An async iterable over `items` (an async generator). */
export async function* from<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** Yields each `[at, value]` at clock time `at` (times ascending). */
export async function* scheduled<T>(
  clock: { now(): number; setTimer(cb: () => void, ms: number): () => void },
  items: Iterable<readonly [number, T]>,
): AsyncGenerator<T> {
  for (const [at, value] of items) {
    const wait = at - clock.now();
    if (wait > 0) await new Promise<void>((resolve) => clock.setTimer(resolve, wait));
    yield value;
  }
}

/** Counts how many tasks run at once. */
export class Gauge {
  running = 0;
  most = 0;

  /** Runs `work`, counted. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.most = Math.max(this.most, ++this.running);
    try {
      return await work();
    } finally {
      this.running--;
    }
  }
}
