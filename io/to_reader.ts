import type { ByteSource, Reader } from "./types.ts";

/**
 * A {@linkcode Reader} over a `ReadableStream<Uint8Array>`, made by
 * {@linkcode toReader}. It holds the stream's lock until
 * {@linkcode StreamReader.releaseLock} or {@linkcode StreamReader.cancel}.
 *
 * One `read` at a time: a `read` while another one waits for the stream
 * rejects with `Deno.errors.Busy` at once (the two would take chunks in no
 * defined order), leaving the waiting one undisturbed.
 *
 * @example Usage
 * ```ts
 * import { toReader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const stream = ReadableStream.from([new Uint8Array([1, 2, 3])]);
 * const reader = toReader(stream);
 * assert.equal(await reader.read(new Uint8Array(2)), 2);
 * await reader.cancel();
 * ```
 */
export interface StreamReader extends Reader {
  /**
   * Cancels the stream (its source stops producing); bytes of a chunk read
   * but not yet handed out are dropped.
   *
   * @param reason Passed to the stream's `cancel`.
   */
  cancel(reason?: unknown): Promise<void>;
  /**
   * Releases the stream's lock so something else can read it, and returns
   * the bytes already pulled from the stream but not yet handed out by
   * `read` (the rest of a chunk larger than the last `p`); they are yours.
   * Do not call it while a `read` is pending.
   */
  releaseLock(): Uint8Array;
}

const EMPTY = new Uint8Array(0);
const SCRATCH_SIZE = 65536;

/** Hands out pulled chunks over as many `read(p)` calls as they need. */
abstract class ChunkReader implements StreamReader {
  #rest: Uint8Array = EMPTY;
  #busy = false;

  /** The next non-empty chunk, or `null` at end of stream. */
  protected abstract pull(): Promise<Uint8Array | null>;
  abstract cancel(reason?: unknown): Promise<void>;
  protected abstract release(): void;

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#busy) {
      throw new Deno.errors.Busy(
        "StreamReader.read() was called while another read was in progress: " +
          "start the next read after the previous one settled",
      );
    }
    if (p.length === 0) return 0;
    let chunk = this.#rest;
    if (chunk.length === 0) {
      this.#busy = true;
      let next: Uint8Array | null;
      try {
        next = await this.pull();
      } finally {
        this.#busy = false;
      }
      if (next === null) return null;
      chunk = next;
    }
    if (chunk.length <= p.length) {
      p.set(chunk);
      this.#rest = EMPTY;
      return chunk.length;
    }
    p.set(chunk.subarray(0, p.length));
    this.#rest = chunk.subarray(p.length);
    return p.length;
  }

  releaseLock(): Uint8Array {
    const rest = this.#rest;
    this.#rest = EMPTY;
    this.release();
    return rest;
  }

  protected dropRest(): void {
    this.#rest = EMPTY;
  }
}

class ByobStreamReader extends ChunkReader {
  #reader: ReadableStreamBYOBReader;
  #scratch: ArrayBuffer | undefined;

  constructor(reader: ReadableStreamBYOBReader) {
    super();
    this.#reader = reader;
  }

  // A BYOB read transfers (detaches) the buffer it is given, so it reads
  // into a private 64 KiB buffer, reused once its bytes were handed out:
  // `p` stays the caller's, and small reads do not cost a stream read each.
  protected async pull(): Promise<Uint8Array | null> {
    const scratch = this.#scratch ?? new ArrayBuffer(SCRATCH_SIZE);
    this.#scratch = undefined;
    const { value, done } = await this.#reader.read(new Uint8Array(scratch));
    if (value !== undefined) this.#scratch = value.buffer as ArrayBuffer;
    return done ? null : value;
  }

  cancel(reason?: unknown): Promise<void> {
    this.dropRest();
    return this.#reader.cancel(reason);
  }

  protected release(): void {
    this.#reader.releaseLock();
  }
}

class DefaultStreamReader extends ChunkReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    super();
    this.#reader = reader;
  }

  protected async pull(): Promise<Uint8Array | null> {
    while (true) {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      if (value.length > 0) return value;
    }
  }

  cancel(reason?: unknown): Promise<void> {
    this.dropRest();
    return this.#reader.cancel(reason);
  }

  protected release(): void {
    this.#reader.releaseLock();
  }
}

/**
 * Adapts a byte source to the {@linkcode Reader} shape (`read(p)`).
 *
 * A `Reader` (such as `Deno.Conn` or `Deno.FsFile`) is returned unchanged.
 * A `ReadableStream` is locked and wrapped in a {@linkcode StreamReader}:
 * a byte stream (`type: "bytes"`, as `Deno.Conn.readable` is) is read with a
 * BYOB reader into a private, reused 64 KiB buffer, so the caller's buffer
 * is never detached; any other stream is read chunk by chunk. Either way
 * the rest of a chunk larger than `p` is kept for the next read.
 *
 * @param source A reader or a readable byte stream.
 * @returns The reader itself, or a {@linkcode StreamReader} over the stream.
 *
 * @example Reading a stream with read(p)
 * ```ts
 * import { toReader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const reader = toReader(ReadableStream.from([new TextEncoder().encode("hello")]));
 * const p = new Uint8Array(3);
 * assert.equal(await reader.read(p), 3);
 * assert.equal(new TextDecoder().decode(p), "hel");
 * assert.equal(await reader.read(p), 2);
 * assert.equal(await reader.read(p), null);
 * ```
 *
 * @example A reader passes through
 * ```ts
 * import { toReader, type Reader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const reader: Reader = { read: () => Promise.resolve(null) };
 * assert.equal(toReader(reader), reader);
 * ```
 */
export function toReader(source: ReadableStream<Uint8Array>): StreamReader;
/**
 * Returns a {@linkcode Reader} unchanged.
 *
 * @param source A reader.
 * @returns `source` itself.
 */
export function toReader<R extends Reader>(source: R): R;
/**
 * Adapts a reader or a stream; see the first overload.
 *
 * @param source A reader or a readable byte stream.
 * @returns The reader itself, or a {@linkcode StreamReader} (with `cancel`
 * and `releaseLock`) over the stream.
 */
export function toReader(source: ByteSource): Reader & Partial<StreamReader>;
export function toReader(source: ByteSource): Reader & Partial<StreamReader> {
  if (!(source instanceof ReadableStream)) return source;
  let byob: ReadableStreamBYOBReader;
  try {
    byob = source.getReader({ mode: "byob" });
  } catch (error) {
    // Not a byte stream (a TypeError); a locked stream fails either way.
    if (source.locked) throw error;
    return new DefaultStreamReader(source.getReader());
  }
  return new ByobStreamReader(byob);
}
