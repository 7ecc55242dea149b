import { toWriter } from "../io/to_writer.ts";
import type { ByteSink } from "../io/types.ts";
import { FrameWriter, writeSettings } from "./_framed_engine.ts";
import { pipeTargets } from "./_framed_pipe.ts";
import type { Encoder } from "./types.ts";

/** Options for {@linkcode FramedWrite}. */
export interface FramedWriteOptions {
  /**
   * Bytes of encoded frames buffered at which `feed` writes them out
   * before encoding more (tokio-util's backpressure boundary).
   *
   * @default {65536}
   */
  highWaterMark?: number;
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

/**
 * Frames into a byte sink, as tokio-util's `FramedWrite`: items are encoded
 * into a write buffer and written out together.
 *
 * - {@linkcode FramedWrite.prototype.feed} encodes an item (first flushing
 *   when `highWaterMark` bytes are already buffered); it writes
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
  #engine: FrameWriter<T>;
  #writable: WritableStream<T> | undefined;

  /**
   * Creates a framed writer.
   *
   * @param sink Where bytes go.
   * @param encoder Turns items into bytes.
   * @param options The high-water mark.
   * @throws {RangeError} When `highWaterMark` is not a non-negative integer.
   */
  constructor(sink: ByteSink, encoder: Encoder<T>, options: FramedWriteOptions = {}) {
    this.#engine = new FrameWriter(toWriter(sink), encoder, writeSettings(options));
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
    return this.#engine.buffered;
  }

  /**
   * Items encoded since this writer was made (counted when fed: their
   * bytes may still be waiting in {@linkcode FramedWrite.prototype.buffered}).
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedWrite({ write: (p) => Promise.resolve(p.length) }, new LinesCodec());
   * await framed.send("one");
   * await framed.send("two");
   * assert.equal(framed.framesWritten, 2);
   * ```
   */
  get framesWritten(): number {
    return this.#engine.framesWritten;
  }

  /**
   * Encodes `item` into the write buffer without writing it, after first
   * flushing if `highWaterMark` bytes are already buffered (so the
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
    return this.#engine.feed(item, options?.signal);
  }

  /**
   * Encodes `item` if there is room below `highWaterMark` and no `feed`
   * waits for room, without waiting or writing.
   *
   * @param item The item.
   * @returns Whether it was encoded (`false`: the item is still yours).
   * @throws What the encoder throws (nothing is encoded).
   * @throws The error of an earlier failed write.
   * @throws {TypeError} After `close()`.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedWrite({ write: (p) => Promise.resolve(p.length) }, new LinesCodec(), { highWaterMark: 4 });
   * assert.equal(framed.tryFeed("hello"), true);
   * assert.equal(framed.tryFeed("world"), false); // 6 bytes buffered
   * await framed.flush();
   * assert.equal(framed.tryFeed("world"), true);
   * ```
   */
  tryFeed(item: T): boolean {
    return this.#engine.tryFeed(item);
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
  send(item: T, options?: FramedSendOptions): Promise<void> {
    return this.#engine.send(item, options?.signal);
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
    return this.#engine.flushInLine(options?.signal);
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
    return this.#engine.closeInLine();
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
   * the next write, and a writer holding `highWaterMark` bytes makes
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
    if (this.#writable !== undefined) return this.#writable;
    const engine = this.#engine;
    const feed = (item: T, options?: FramedSendOptions) => {
      try {
        if (engine.tryFeed(item)) {
          engine.kick();
          return resolved;
        }
      } catch (error) {
        return Promise.reject(error);
      }
      return engine.feed(item, options?.signal).then(() => engine.kick());
    };
    const writable = this.#writable = new WritableStream<T>({
      write: (item) => feed(item),
      close: () => this.close(),
      abort: (reason) => engine.abort(reason),
    });
    // A framer's `readable` piped here feeds this framer directly.
    pipeTargets.set(writable, {
      tryFeed: (item: T) => {
        if (!engine.tryFeed(item)) return false;
        engine.kick();
        return true;
      },
      feed,
      onFail: (listener) => engine.onFail(listener),
    });
    return writable;
  }

  /**
   * The encoder in use.
   *
   * @example Usage
   * ```ts
   * import { FramedWrite, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const codec = new LinesCodec();
   * assert.equal(new FramedWrite(new WritableStream(), codec).encoder, codec);
   * ```
   */
  get encoder(): Encoder<T> {
    return this.#engine.encoder;
  }

  /**
   * Switches to another encoder, keeping every byte already encoded (they
   * are written first). This writer is returned, now typed for the new
   * items.
   *
   * @param map Makes the new encoder from the current one.
   * @returns This writer, encoding with the new encoder.
   *
   * @example From lines to length-delimited frames
   * ```ts
   * import { FramedWrite, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * const lines = new FramedWrite(new WritableStream({ write: (c) => void chunks.push(c) }), new LinesCodec());
   * await lines.feed("BINARY");
   * const frames = lines.mapEncoder(() => new LengthDelimitedCodec());
   * await frames.send(new Uint8Array([42]));
   * assert.deepEqual([...chunks[0]!], [...new TextEncoder().encode("BINARY\n"), 0, 0, 0, 1, 42]);
   * ```
   */
  mapEncoder<U>(map: (encoder: Encoder<T>) => Encoder<U>): FramedWrite<U> {
    const engine = this.#engine as unknown as FrameWriter<U>;
    engine.encoder = map(this.#engine.encoder);
    return this as unknown as FramedWrite<U>;
  }
}
