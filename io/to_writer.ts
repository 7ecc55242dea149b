import type { ByteSink, HalfCloseWriter, Writer } from "./types.ts";

/**
 * A {@linkcode Writer} over a `WritableStream<Uint8Array>`, made by
 * {@linkcode toWriter}. It holds the stream's lock until
 * {@linkcode StreamWriter.releaseLock}, {@linkcode StreamWriter.close} or
 * {@linkcode StreamWriter.abort}.
 *
 * It is a {@linkcode HalfCloseWriter}: a writable stream has one direction,
 * so `closeWrite()` closes it, as `close()` does.
 *
 * Concurrent writes queue in call order: each `write(p)` copies `p` and
 * hands it to the stream's own queue at once, so bytes are never
 * interleaved.
 *
 * @example Usage
 * ```ts
 * import { toWriter } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const writer = toWriter(new WritableStream({ write: (c) => void chunks.push(c) }));
 * assert.equal(await writer.write(new Uint8Array([1, 2])), 2);
 * await writer.close();
 * assert.deepEqual(chunks, [new Uint8Array([1, 2])]);
 * ```
 */
export interface StreamWriter extends HalfCloseWriter {
  /** Closes the stream after queued chunks are written. */
  close(): Promise<void>;
  /**
   * Aborts the stream: queued chunks are discarded.
   *
   * @param reason Passed to the stream's `abort`.
   */
  abort(reason?: unknown): Promise<void>;
  /** Releases the stream's lock so something else can write to it. */
  releaseLock(): void;
}

class WritableStreamWriter implements StreamWriter {
  #writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(writer: WritableStreamDefaultWriter<Uint8Array>) {
    this.#writer = writer;
  }

  async write(p: Uint8Array): Promise<number> {
    if (p.length === 0) return 0;
    // A stream may keep the chunk after the write settles (a TransformStream
    // queues it), while the Writer contract lets the caller reuse `p`: copy.
    await this.#writer.write(p.slice());
    return p.length;
  }

  close(): Promise<void> {
    return this.#writer.close();
  }

  closeWrite(): Promise<void> {
    return this.#writer.close();
  }

  abort(reason?: unknown): Promise<void> {
    return this.#writer.abort(reason);
  }

  releaseLock(): void {
    this.#writer.releaseLock();
  }
}

/**
 * Adapts a byte sink to the {@linkcode Writer} shape (`write(p)`).
 *
 * A `Writer` (such as `Deno.Conn` or `Deno.FsFile`) is returned unchanged.
 * A `WritableStream` is locked and wrapped in a {@linkcode StreamWriter}
 * whose `write(p)` copies `p` (the stream may hold on to its chunks), waits
 * until the stream accepted the chunk (its backpressure), and reports all
 * of `p` as written.
 *
 * @param sink A writer or a writable stream.
 * @returns The writer itself, or a {@linkcode StreamWriter} over the stream.
 *
 * @example Writing to a stream with write(p)
 * ```ts
 * import { toWriter } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const writer = toWriter(writable);
 * const p = new TextEncoder().encode("hi");
 * const written = writer.write(p);
 * p.fill(0); // the stream got a copy
 * const reader = readable.getReader();
 * assert.equal(new TextDecoder().decode((await reader.read()).value), "hi");
 * assert.equal(await written, 2);
 * await writer.close();
 * ```
 *
 * @example A writer passes through
 * ```ts
 * import { toWriter, type Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const writer: Writer = { write: (p) => Promise.resolve(p.length) };
 * assert.equal(toWriter(writer), writer);
 * ```
 */
export function toWriter(sink: WritableStream<Uint8Array>): StreamWriter;
/**
 * Returns a {@linkcode Writer} unchanged.
 *
 * @param sink A writer.
 * @returns `sink` itself.
 */
export function toWriter<W extends Writer>(sink: W): W;
/**
 * Adapts a writer or a stream; see the first overload.
 *
 * @param sink A writer or a writable stream.
 * @returns The writer itself, or a {@linkcode StreamWriter} (with `close`,
 * `abort` and `releaseLock`) over the stream.
 */
export function toWriter(sink: ByteSink): Writer & Partial<StreamWriter>;
export function toWriter(sink: ByteSink): Writer & Partial<StreamWriter> {
  if (!(sink instanceof WritableStream)) return sink;
  return new WritableStreamWriter(sink.getWriter());
}
