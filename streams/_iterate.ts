import type { StreamSource } from "./types.ts";

/** Reads a `ReadableStream` through its reader: no async-iterator wrapper per chunk. */
class ReaderIterator<T> implements AsyncIterator<T, undefined> {
  readonly #reader: ReadableStreamDefaultReader<T>;

  constructor(stream: ReadableStream<T>) {
    this.#reader = stream.getReader();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return this.#reader.read() as Promise<IteratorResult<T, undefined>>;
  }

  /** Cancels the stream; a pending read resolves `{ done: true }`. */
  async cancel(reason: unknown): Promise<void> {
    await this.#reader.cancel(reason);
  }
}

/** Starts iterating `source`; a `ReadableStream` is locked from now on. */
export function iterate<T>(source: StreamSource<T>): AsyncIterator<T> {
  return source instanceof ReadableStream
    ? new ReaderIterator(source)
    : source[Symbol.asyncIterator]();
}

/**
 * Cancels an iterator from {@linkcode iterate}: `cancel(reason)` for a
 * stream, `return()` otherwise.
 */
export async function closeIterator(it: AsyncIterator<unknown>, reason: unknown): Promise<void> {
  if (it instanceof ReaderIterator) await it.cancel(reason);
  else await it.return?.();
}

/** Closes `it` without waiting; its errors are dropped (the consumer already left). */
export function dropIterator(it: AsyncIterator<unknown>, reason: unknown): void {
  closeIterator(it, reason).catch(() => {});
}
