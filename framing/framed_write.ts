import { abortable } from "../io/_abort.ts";
import { shutdownWriter } from "../io/_close.ts";
import { ByteBuffer } from "../io/byte_buffer.ts";
import { type StreamWriter, toWriter } from "../io/to_writer.ts";
import type { ByteSink, Writer } from "../io/types.ts";
import { writeAll } from "../io/write_all.ts";
import { Serial } from "./_serial.ts";
import { checkCount } from "./_validate.ts";
import type { Encoder } from "./types.ts";

/** Options for {@linkcode FramedWrite}. */
export interface FramedWriteOptions {
  /**
   * Bytes of encoded frames buffered before `feed` writes them out first
   * (tokio-util's backpressure boundary).
   *
   * @default {8192}
   */
  backpressureBoundary?: number;
}

/** Options for {@linkcode FramedWrite.prototype.send} and the other waiting methods. */
export interface FramedSendOptions {
  /**
   * Stops waiting, rejecting with `signal.reason` (see each method for what
   * is left behind).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

const resolved = Promise.resolve();

/** First size of each encode buffer; it grows with the batches. */
const INITIAL_BUFFER = 512;

/**
 * Frames into a byte sink, as tokio-util's `FramedWrite`: items are encoded
 * into a write buffer and written out together.
 *
 * - {@linkcode FramedWrite.prototype.feed} encodes an item (first flushing
 *   when `backpressureBoundary` bytes are already buffered); it writes
 *   nothing otherwise, so many fed frames go out in one write.
 * - {@linkcode FramedWrite.prototype.send} is `feed` then `flush`.
 * - {@linkcode FramedWrite.prototype.flush} writes everything encoded so
 *   far, looping over short writes.
 * - {@linkcode FramedWrite.prototype.close} flushes, then ends the sink's
 *   write direction (`closeWrite()` where there is one, as `Deno.TcpConn`
 *   has, else `close()`).
 * - {@linkcode FramedWrite.prototype.writable} is a `WritableStream` of
 *   items for `pipeTo`, with backpressure.
 *
 * The sink is a `write(p)` writer (`Deno.Conn`, weir's `duplex`: the fast
 * path) or a `WritableStream<Uint8Array>`. Frames encoded while a write is
 * in flight go to a second buffer and out with the next write. A failed
 * write drops its bytes and fails every later call with the same error.
 *
 * @typeParam T The item type.
 *
 * @example Batching frames into one write
 * ```ts
 * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
 * import type { Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const writes: string[] = [];
 * const sink: Writer = {
 *   write(p) {
 *     writes.push(new TextDecoder().decode(p));
 *     return Promise.resolve(p.length);
 *   },
 * };
 * const framed = new FramedWrite(sink, new LinesCodec());
 * await framed.feed("a");
 * await framed.feed("b");
 * await framed.send("c");
 * assert.deepEqual(writes, ["a\nb\nc\n"]);
 * ```
 */
export class FramedWrite<T> implements AsyncDisposable {
  #writer: Writer & Partial<StreamWriter>;
  #encoder: Encoder<T>;
  #boundary: number;
  #serial = new Serial();
  /**
   * Where items are encoded. Both buffers start small and double only as
   * batches need (up to about the backpressure boundary plus one item), so
   * a quiet connection holds about 1 KiB here, not two 8 KiB buffers.
   */
  #buf = new ByteBuffer(INITIAL_BUFFER);
  /** Swapped with `#buf` while its bytes are written. */
  #spare = new ByteBuffer(INITIAL_BUFFER);
  #writing: Promise<void> | undefined;
  /** Bytes encoded and bytes written since the start. */
  #encoded = 0;
  #written = 0;
  #failed = false;
  #error: unknown;
  #closing = false;
  #pumping = false;
  #closed: Promise<void> | undefined;
  #writable: WritableStream<T> | undefined;

  /**
   * Creates a framed writer.
   *
   * @param sink Where bytes go.
   * @param encoder Turns items into bytes.
   * @param options The backpressure boundary.
   */
  constructor(sink: ByteSink, encoder: Encoder<T>, options: FramedWriteOptions = {}) {
    this.#boundary = checkCount("backpressureBoundary", options.backpressureBoundary ?? 8192);
    this.#writer = toWriter(sink);
    this.#encoder = encoder;
  }

  /**
   * Bytes encoded but not yet written.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LengthDelimitedCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedWrite({ write: (p) => Promise.resolve(p.length) }, new LengthDelimitedCodec());
   * await framed.feed(new Uint8Array(3));
   * assert.equal(framed.buffered, 7);
   * ```
   */
  get buffered(): number {
    return this.#encoded - this.#written;
  }

  /**
   * Encodes `item` into the write buffer without writing it, after first
   * flushing if `backpressureBoundary` bytes are already buffered (so the
   * buffer exceeds the boundary by at most one item). Resolves at once
   * when there is room.
   *
   * **Cancellation:** cancel safe. When `signal` aborts before the item is
   * encoded, the call rejects with `signal.reason` and the item is not
   * sent; a flush it started goes on.
   *
   * @param item The item.
   * @param options Cancellation.
   * @throws What the encoder throws (the item is dropped, nothing else changes).
   * @throws The error of an earlier failed write.
   * @throws {TypeError} After `close()`.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedWrite({ write: (p) => Promise.resolve(p.length) }, new LinesCodec());
   * await framed.feed("hello");
   * assert.equal(framed.buffered, 6);
   * ```
   */
  feed(item: T, options?: FramedSendOptions): Promise<void> {
    if (this.#serial.idle && this.#buf.length < this.#boundary) {
      try {
        this.#encode(item);
      } catch (error) {
        return Promise.reject(error);
      }
      return resolved;
    }
    const signal = options?.signal;
    return this.#serial.run(async () => {
      while (this.#buf.length >= this.#boundary) await abortable(this.#flush(), signal);
      this.#encode(item);
    }, signal);
  }

  /**
   * Encodes `item` and flushes: resolves once it (and everything fed
   * before it) is written.
   *
   * **Cancellation:** not cancel safe. An abort before the item is encoded
   * drops it; after that it is written anyway, and the call only stops
   * waiting.
   *
   * @param item The item.
   * @param options Cancellation.
   * @throws As {@linkcode FramedWrite.prototype.feed} and {@linkcode FramedWrite.prototype.flush}.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LengthDelimitedCodec } from "@weir/weir/framing";
   * import type { Writer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const bytes: number[] = [];
   * const sink: Writer = { write: (p) => (bytes.push(...p), Promise.resolve(p.length)) };
   * await new FramedWrite(sink, new LengthDelimitedCodec()).send(new Uint8Array([9]));
   * assert.deepEqual(bytes, [0, 0, 0, 1, 9]);
   * ```
   */
  async send(item: T, options?: FramedSendOptions): Promise<void> {
    await this.feed(item, options);
    await this.flush(options);
  }

  /**
   * Writes everything encoded so far, calling `write` again after short
   * writes.
   *
   * **Cancellation:** when `signal` aborts the call stops waiting and
   * rejects with `signal.reason`; the bytes are still written.
   *
   * @param options Cancellation.
   * @throws The sink's write error (`Deno.errors.WriteZero` for a write of 0
   * bytes); later calls throw it again.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * let writes = 0;
   * const framed = new FramedWrite({ write: (p) => (writes++, Promise.resolve(p.length)) }, new LinesCodec());
   * await framed.feed("a");
   * await framed.flush();
   * assert.equal(framed.buffered, 0);
   * assert.equal(writes, 1);
   * ```
   */
  flush(options?: FramedSendOptions): Promise<void> {
    const signal = options?.signal;
    if (this.#serial.idle) return abortable(this.#flush(), signal);
    return this.#serial.run(() => abortable(this.#flush(), signal), signal);
  }

  /**
   * Flushes, then ends the sink's write direction. Later `feed`/`send`
   * calls throw `TypeError`; closing again waits for the first close.
   *
   * @throws As {@linkcode FramedWrite.prototype.flush}.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * const framed = new FramedWrite(new WritableStream({ write: (c) => void chunks.push(c) }), new LinesCodec());
   * await framed.feed("bye");
   * await framed.close();
   * assert.equal(new TextDecoder().decode(chunks[0]), "bye\n");
   * await assert.rejects(framed.feed("late"), TypeError);
   * ```
   */
  close(): Promise<void> {
    return this.#closed ??= this.#serial.run(async () => {
      this.#closing = true;
      await this.#flush();
      await shutdownWriter(this.#writer);
    }, undefined);
  }

  /**
   * Closes (flush, then end the write direction), for `await using`.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * {
   *   await using framed = new FramedWrite(new WritableStream({ write: (c) => void chunks.push(c) }), new LinesCodec());
   *   await framed.feed("x");
   * }
   * assert.equal(chunks.length, 1);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The items as a `WritableStream`, for `pipeTo`. Each item is written as
   * soon as the sink is free, items arriving meanwhile are coalesced into
   * the next write, and a writer holding `backpressureBoundary` bytes makes
   * the stream wait (its producer sees backpressure). Closing the stream
   * closes this writer; aborting it drops what is buffered and aborts a
   * stream sink.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const chunks: string[] = [];
   * const sink = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(new TextDecoder().decode(c)) });
   * await ReadableStream.from(["a", "b"]).pipeTo(new FramedWrite(sink, new LinesCodec()).writable);
   * assert.equal(chunks.join(""), "a\nb\n");
   * ```
   */
  get writable(): WritableStream<T> {
    return this.#writable ??= new WritableStream<T>({
      write: (item) => {
        const fed = this.feed(item);
        if (fed === resolved) {
          this.#pump();
          return resolved;
        }
        return fed.then(() => {
          this.#pump();
        });
      },
      close: () => this.close(),
      abort: async (reason) => {
        this.#fail(reason);
        await this.#writer.abort?.(reason);
      },
    });
  }

  #encode(item: T): void {
    if (this.#closing) throw new TypeError("Cannot write to a closed FramedWrite");
    if (this.#failed) throw this.#error;
    const before = this.#buf.length;
    this.#encoder.encode(item, this.#buf);
    this.#encoded += this.#buf.length - before;
  }

  /** Writes everything encoded before the call. */
  async #flush(): Promise<void> {
    const target = this.#encoded;
    while (this.#written < target && !this.#failed) await (this.#writing ?? this.#write());
    if (this.#failed) throw this.#error;
  }

  /** Keeps writing while frames are buffered (the `writable` path). */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#buf.length > 0 && !this.#failed) await (this.#writing ?? this.#write());
    } finally {
      this.#pumping = false;
    }
  }

  /** Writes out `#buf` while encoding goes on into the spare buffer; never rejects. */
  #write(): Promise<void> {
    const out = this.#buf;
    this.#buf = this.#spare;
    this.#spare = out;
    const n = out.length;
    return this.#writing = writeAll(this.#writer, out.bytes()).then(
      () => {
        this.#written += n;
      },
      (error) => this.#fail(error),
    ).finally(() => {
      out.clear();
      this.#writing = undefined;
    });
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#buf.clear();
  }
}
