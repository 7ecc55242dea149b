import type { ByteBuffer } from "../io/byte_buffer.ts";
import { toReader } from "../io/to_reader.ts";
import { toWriter } from "../io/to_writer.ts";
import type { Reader, Writer } from "../io/types.ts";
import {
  FRAMED_READ_DEFAULTS,
  FrameReader,
  FrameWriter,
  readSettings,
  writeSettings,
} from "./_framed_engine.ts";
import { pipeTargets } from "./_framed_pipe.ts";
import { Outcome } from "./_outcome.ts";
import type { FramedReadNextOptions, FramedReadOptions } from "./framed_read.ts";
import type { FramedSendOptions, FramedWriteOptions } from "./framed_write.ts";
import type { Codec } from "./types.ts";
/**
 * A two-way byte transport: a reader and writer in one object (`Deno.Conn`,
 * a weir `duplex` end), or a pair of Web Streams (`{ readable, writable }`,
 * as a `TransformStream` or `WebSocketStream` connection has).
 *
 * @example Usage
 * ```ts
 * import type { FramedTransport } from "@weir/weir/framing";
 *
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const transport: FramedTransport = { readable, writable };
 * await transport.writable.close();
 * ```
 */
export type FramedTransport =
  | (Reader & Writer)
  | { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };

/** Options for {@linkcode Framed}: both halves' options. */
export interface FramedOptions extends FramedReadOptions, FramedWriteOptions {}

/**
 * What {@linkcode Framed.prototype.intoParts} hands back and
 * {@linkcode Framed.fromParts} resumes from, as tokio-util's `FramedParts`:
 * the transport, the codec, the bytes read but not yet decoded, and the
 * bytes encoded but not yet written.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 *
 * @example Usage
 * ```ts
 * import { Framed, type FramedParts, LinesCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex();
 * const parts: FramedParts<string, string> = new Framed(pair[0], new LinesCodec()).intoParts();
 * assert.equal(parts.readBuffer.length, 0);
 * ```
 */
export interface FramedParts<In, Out = In> {
  /** The connection. */
  transport: FramedTransport;
  /** The codec. */
  codec: Codec<In, Out>;
  /** Bytes read and not decoded yet: they come before anything read later. */
  readBuffer: ByteBuffer;
  /** Bytes encoded and not written yet: they go out before anything written later. */
  writeBuffer: ByteBuffer;
}

const resolved = Promise.resolve();

/**
 * Frames in both directions over one transport, as tokio-util's `Framed`:
 * one task reads frames and writes replies, and the two halves share one
 * engine so replies go out in as few writes as possible.
 *
 * Iterate it (or call `next`) for incoming frames; `feed`/`send`/`flush`/
 * `close` outgoing ones. `readable`/`writable` make Web Streams of the two
 * directions: `framed.readable.pipeTo(framed.writable)` is an echo.
 *
 * **When bytes are written.** `feed` encodes without waiting; what was fed
 * is written when this framer's reader is about to wait for the transport
 * (it has no buffered frame left), when `highWaterMark` bytes are buffered,
 * or at the end of the current microtask turn when the reader is not in
 * the middle of a burst (so a burst of sends from other code shares one
 * write). So
 * `for await (const req of framed) framed.feed(reply(req))` writes once
 * per batch of requests a read brought, whatever the batch size, and a
 * `readable.pipeTo(writable)` pair coalesces the same way. `send` is
 * `feed` then `flush`: it resolves once the item is written, and sends
 * issued while a write is in flight go out together in the next one.
 *
 * Use `Framed` when one task drives the connection (a request/response
 * loop, a client that sends then reads). When reads and writes come from
 * different tasks (a push server, a client with many callers), use
 * `FramedDriver` from `@weir/weir/net`, which runs both directions itself.
 *
 * A transport with `read` and `write` methods is used through them (the
 * fast path), otherwise through its `readable` and `writable`.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 *
 * @example A server loop: one write per batch of requests
 * ```ts
 * import { Framed, LinesCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex();
 * const [client, server] = pair;
 * const serving = (async () => {
 *   const framed = new Framed(server, new LinesCodec());
 *   for await (const request of framed) framed.feed(request.toUpperCase());
 *   await framed.close(); // flush, then end the write side
 * })();
 * await using peer = new Framed(client, new LinesCodec());
 * await peer.feed("ping");
 * await peer.send("pong");
 * assert.equal((await peer.next()).value, "PING");
 * assert.equal((await peer.next()).value, "PONG");
 * await peer.close();
 * await serving;
 * ```
 *
 * @example A client: send, then read the reply
 * ```ts
 * import { Framed, LinesCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex();
 * const [client, server] = pair;
 * await using a = new Framed(client, new LinesCodec());
 * await using b = new Framed(server, new LinesCodec());
 * await a.send("ping");
 * assert.equal((await b.next()).value, "ping");
 * await b.send("pong");
 * assert.equal((await a.next()).value, "pong");
 * ```
 */
export class Framed<In, Out = In>
  implements AsyncIterableIterator<In, undefined, undefined>, AsyncDisposable {
  #transport: FramedTransport;
  #reader: FrameReader<In>;
  #writer: FrameWriter<Out>;
  #writable: WritableStream<Out> | undefined;
  /** Made when `closed` is asked for or the write side ends, not before (idle memory). */
  #writeClosed: Outcome | undefined;
  #closed: Promise<void> | undefined;

  /**
   * Creates a framed transport.
   *
   * @param transport The connection.
   * @param codec Decodes incoming frames and encodes outgoing items.
   * @param options Read sizes, read-ahead, frame timeout and high-water mark.
   * @throws {RangeError} When an option is out of range, naming it.
   */
  constructor(transport: FramedTransport, codec: Codec<In, Out>, options: FramedOptions = {}) {
    this.#transport = transport;
    const rw = transport as Partial<Reader & Writer>;
    const direct = typeof rw.read === "function" && typeof rw.write === "function";
    const streams = transport as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };
    // The engines themselves, as `FramedRead` and `FramedWrite` make them
    // (no wrapper objects: less memory per connection).
    this.#reader = new FrameReader(
      toReader(direct ? transport as Reader : streams.readable),
      codec,
      readSettings(options, FRAMED_READ_DEFAULTS),
    );
    this.#writer = new FrameWriter(
      toWriter(direct ? transport as Writer : streams.writable),
      codec,
      writeSettings(options),
    );
    // The flush policy: what was fed is written before the reader waits.
    this.#reader.flushBeforeWait = this.#writer as FrameWriter<unknown>;
  }

  /**
   * Resumes from parts another framer handed over (see
   * {@linkcode Framed.prototype.intoParts}): the buffered bytes are decoded
   * and written before anything new. The new framer owns both buffers from
   * then on: do not use them afterwards.
   *
   * @param parts The transport, codec and buffers.
   * @param options As for the constructor.
   * @returns A framer over the same connection.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const peer = new Framed(pair[1], new LinesCodec());
   * await peer.send("one");
   * await peer.send("two");
   * const first = new Framed(pair[0], new LinesCodec());
   * assert.equal((await first.next()).value, "one");
   * const resumed = Framed.fromParts(first.intoParts());
   * assert.equal((await resumed.next()).value, "two");
   * ```
   */
  static fromParts<In, Out = In>(
    parts: FramedParts<In, Out>,
    options: FramedOptions = {},
  ): Framed<In, Out> {
    const framed = new Framed(parts.transport, parts.codec, options);
    framed.#reader.adopt(parts.readBuffer);
    framed.#writer.adopt(parts.writeBuffer);
    return framed;
  }

  /**
   * Hands back the transport, the codec and both buffers, and ends this
   * framer (later calls see it closed): for a protocol upgrade such as
   * STARTTLS, or to move the connection to another framer. Nothing
   * buffered is lost. Call it with no `next()`, `flush()` or write in
   * flight (`await framed.flush()` first) and without read-ahead
   * (`inboundHighWaterMark: 0`, the default), so no read is pending.
   *
   * @returns The parts.
   * @throws {TypeError} While a read, a write or a `next()` is in flight.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * await new Framed(pair[1], new LinesCodec()).send("STARTTLS\nhello");
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal((await framed.next()).value, "STARTTLS");
   * const { transport, readBuffer } = framed.intoParts();
   * assert.equal(transport, pair[0]);
   * assert.equal(new TextDecoder().decode(readBuffer.bytes()), "hello\n");
   * ```
   */
  intoParts(): FramedParts<In, Out> {
    if (!this.#reader.idle || this.#reader.reading || this.#writer.writing) {
      throw new TypeError(
        "Cannot take a Framed apart while a read, a write or a next() is in flight",
      );
    }
    this.#cancelFallback();
    const readBuffer = this.#reader.detach();
    const writeBuffer = this.#writer.detach();
    (this.#writeClosed ??= new Outcome()).resolve();
    return { transport: this.#transport, codec: this.codec, readBuffer, writeBuffer };
  }

  /**
   * The codec in use.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const codec = new LinesCodec();
   * assert.equal(new Framed(pair[0], codec).codec, codec);
   * ```
   */
  get codec(): Codec<In, Out> {
    return this.#reader.decoder as Codec<In, Out>;
  }

  /**
   * Switches to another codec, keeping every buffered byte in both
   * directions (a protocol that changes framing mid-stream). This framer
   * is returned, typed for the new codec; call it with no `next()` pending.
   *
   * @param map Makes the new codec from the current one.
   * @returns This framer, with the new codec.
   * @throws {TypeError} While a `next()` is pending.
   *
   * @example Usage
   * ```ts
   * import { Framed, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * await pair[1].write(new Uint8Array([...new TextEncoder().encode("BINARY\n"), 0, 0, 0, 1, 42]));
   * const lines = new Framed(pair[0], new LinesCodec());
   * assert.equal((await lines.next()).value, "BINARY");
   * const frames = lines.mapCodec(() => new LengthDelimitedCodec());
   * assert.deepEqual((await frames.next()).value, new Uint8Array([42]));
   * ```
   */
  mapCodec<I, O = I>(map: (codec: Codec<In, Out>) => Codec<I, O>): Framed<I, O> {
    const codec = map(this.codec);
    this.#reader.replaceDecoder(codec);
    (this.#writer as unknown as FrameWriter<O>).encoder = codec;
    return this as unknown as Framed<I, O>;
  }

  /**
   * Resolves the next incoming frame; see {@linkcode FramedRead.prototype.next}.
   * Before it waits for the transport, what was fed is written.
   *
   * @param options Cancellation.
   * @returns The next frame, or `{ done: true }`.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await peer.send("hello");
   * assert.equal((await framed.next()).value, "hello");
   * await peer.close();
   * assert.equal((await framed.next()).done, true);
   * ```
   */
  next(options?: FramedReadNextOptions): Promise<IteratorResult<In, undefined>> {
    return this.#reader.next(options?.signal);
  }

  /**
   * Takes the next frame if it is already buffered, without waiting; see
   * {@linkcode FramedRead.prototype.tryNext}.
   *
   * @returns The frame, `{ done: true }`, or `undefined` when it must wait.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal(framed.tryNext(), undefined);
   * ```
   */
  tryNext(): IteratorResult<In, undefined> | undefined {
    return this.#reader.tryNext();
  }

  /**
   * Incoming frames as an iterator whose waits stop when `signal` aborts;
   * see {@linkcode FramedRead.prototype.frames}.
   *
   * @param options Cancellation.
   * @returns An iterator over the incoming frames.
   *
   * @example Stop a loop on shutdown
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const shutdown = AbortSignal.abort(new Error("shutting down"));
   * await assert.rejects(async () => {
   *   for await (const _ of framed.frames({ signal: shutdown })) throw new Error("no frame came");
   * }, /shutting down/);
   * ```
   */
  frames(options?: FramedReadNextOptions): AsyncIterableIterator<In, undefined, undefined> {
    return this.#reader.frames(options?.signal);
  }

  /**
   * Ends the incoming iteration; see {@linkcode FramedRead.prototype.return}.
   *
   * @returns `{ done: true }`.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal((await framed.return()).done, true);
   * assert.equal((await framed.next()).done, true);
   * ```
   */
  return(): Promise<IteratorResult<In, undefined>> {
    return this.#reader.return();
  }

  /**
   * Returns this object: it is its own iterator of incoming frames.
   *
   * @returns `this`.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal(framed[Symbol.asyncIterator](), framed);
   * ```
   */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Encodes an item without waiting for it to be written (see the class
   * doc for when it is); waits only while `highWaterMark` bytes are
   * buffered, as {@linkcode FramedWrite.prototype.feed}.
   *
   * @param item The item.
   * @param options Cancellation.
   * @throws As {@linkcode FramedWrite.prototype.feed}.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await framed.feed("a");
   * assert.equal((await peer.next()).value, "a");
   * ```
   */
  feed(item: Out, options?: FramedSendOptions): Promise<void> {
    try {
      if (this.#writer.tryFeed(item)) {
        this.#fed();
        return resolved;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#feedLater(item, options?.signal);
  }

  /** `feed` must wait; apart, as a closure would cost a context on every `feed` (see `FrameReader`). */
  #feedLater(item: Out, signal: AbortSignal | undefined): Promise<void> {
    return this.#writer.feed(item, signal).then(() => this.#fed());
  }

  /**
   * Encodes an item if there is room below `highWaterMark`, without
   * waiting; written as `feed` writes.
   *
   * @param item The item.
   * @returns Whether it was encoded (`false`: the buffer is full or a
   * `feed` waits for room; the item is still yours).
   * @throws What the encoder throws, the error of an earlier failed write,
   * or `TypeError` after `close()`.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec(), { highWaterMark: 4 });
   * assert.equal(framed.tryFeed("hello"), true);
   * assert.equal(framed.tryFeed("again"), false); // 6 bytes buffered: over the mark
   * await framed.flush();
   * ```
   */
  tryFeed(item: Out): boolean {
    if (!this.#writer.tryFeed(item)) return false;
    this.#fed();
    return true;
  }

  /**
   * Encodes and writes an item; resolves once it (and everything fed
   * before it) is written. See {@linkcode FramedWrite.prototype.send}.
   *
   * @param item The item.
   * @param options Cancellation.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * await framed.send("a");
   * assert.equal(framed.buffered, 0);
   * ```
   */
  send(item: Out, options?: FramedSendOptions): Promise<void> {
    return this.#writer.send(item, options?.signal);
  }

  /**
   * Writes everything fed so far; see {@linkcode FramedWrite.prototype.flush}.
   *
   * @param options Cancellation.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await framed.feed("a");
   * await framed.flush();
   * assert.equal((await peer.next()).value, "a");
   * ```
   */
  flush(options?: FramedSendOptions): Promise<void> {
    this.#cancelFallback();
    return this.#writer.flushInLine(options?.signal);
  }

  /**
   * Flushes and ends the write direction; reading goes on until the peer
   * ends. See {@linkcode FramedWrite.prototype.close}.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await framed.close();
   * assert.equal((await peer.next()).done, true);
   * ```
   */
  close(): Promise<void> {
    this.#cancelFallback();
    const closing = this.#writer.closeInLine();
    closing.then(
      () => (this.#writeClosed ??= new Outcome()).resolve(),
      (error) => (this.#writeClosed ??= new Outcome()).reject(error),
    );
    return closing;
  }

  /**
   * Settles once both directions are finished: the incoming frames ended
   * (end of stream, `return()`, or an error) and the write side was closed
   * (`close()`). Rejects with the error that ended either (the read side's
   * first), once both are finished.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   *
   * using pair = duplex();
   * const a = new Framed(pair[0], new LinesCodec());
   * const b = new Framed(pair[1], new LinesCodec());
   * await Promise.all([a.close(), b.close()]);
   * await Promise.all([Array.fromAsync(a), Array.fromAsync(b)]);
   * await Promise.all([a.closed, b.closed]);
   * ```
   */
  get closed(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    // Both directions end on their own (an error reading leaves writing open).
    this.#closed = Promise.allSettled([
      this.#reader.closed,
      (this.#writeClosed ??= new Outcome()).promise,
    ]).then(
      ([read, write]) => {
        if (read.status === "rejected") throw read.reason;
        if (write.status === "rejected") throw write.reason;
      },
    );
    this.#closed.catch(() => {});
    return this.#closed;
  }

  /**
   * Closes the write direction and ends the read iteration, for `await using`.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * await framed[Symbol.asyncDispose]();
   * assert.equal((await framed.next()).done, true);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.close();
    } finally {
      await this.#reader.return();
    }
  }

  /**
   * Bytes encoded but not yet written.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal(framed.buffered, 0);
   * ```
   */
  get buffered(): number {
    return this.#writer.buffered;
  }

  /**
   * Frames decoded since this framer was made (see
   * {@linkcode FramedRead.prototype.framesRead}).
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const a = new Framed(pair[0], new LinesCodec());
   * const b = new Framed(pair[1], new LinesCodec());
   * await a.send("hi");
   * assert.equal((await b.next()).value, "hi");
   * assert.deepEqual([a.framesWritten, b.framesRead], [1, 1]);
   * ```
   */
  get framesRead(): number {
    return this.#reader.framesRead;
  }

  /**
   * Items encoded since this framer was made (see
   * {@linkcode FramedWrite.prototype.framesWritten}).
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * await framed.send("hi");
   * assert.equal(framed.framesWritten, 1);
   * ```
   */
  get framesWritten(): number {
    return this.#writer.framesWritten;
  }

  /**
   * Bytes read and not yet decoded (see
   * {@linkcode FramedRead.prototype.inboundBuffered}).
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * assert.equal(framed.inboundBuffered, 0);
   * ```
   */
  get inboundBuffered(): number {
    return this.#reader.buf.length;
  }

  /**
   * Incoming frames as a `ReadableStream`; see {@linkcode FramedRead.prototype.readable}.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await peer.send("x");
   * await peer.close();
   * assert.deepEqual(await Array.fromAsync(framed.readable), ["x"]);
   * ```
   */
  get readable(): ReadableStream<In> {
    return this.#reader.readable();
  }

  /**
   * Outgoing items as a `WritableStream`: each item is fed (see the class
   * doc for when it is written), and the stream waits while
   * `highWaterMark` bytes are buffered. Closing it closes the write side;
   * aborting it drops what is buffered.
   *
   * @example Usage
   * ```ts
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * using pair = duplex();
   * const framed = new Framed(pair[0], new LinesCodec());
   * const peer = new Framed(pair[1], new LinesCodec());
   * await ReadableStream.from(["p", "q"]).pipeTo(framed.writable);
   * assert.deepEqual(await Array.fromAsync(peer), ["p", "q"]);
   * ```
   */
  get writable(): WritableStream<Out> {
    if (this.#writable !== undefined) return this.#writable;
    const writable = this.#writable = new WritableStream<Out>({
      write: (item) => this.feed(item),
      close: () => this.close(),
      abort: (reason) => {
        this.#cancelFallback();
        return this.#writer.abort(reason);
      },
    });
    // A framer's `readable` piped here feeds this framer directly.
    pipeTargets.set(writable, {
      tryFeed: (item: Out) => this.tryFeed(item),
      feed: (item: Out, options?: FramedSendOptions) => this.feed(item, options),
      onFail: (listener) => this.#writer.onFail(listener),
    });
    return writable;
  }

  /**
   * Something was fed: written now unless the reader is in the middle of
   * a burst (then when it is about to wait, or by the next macrotask).
   */
  #fed(): void {
    if (!this.#reader.mayHaveFrames) {
      // Within this microtask turn more may be fed (a burst of sends): they
      // all go out in the one write started after it.
      this.#writer.kickSoon();
    } else {
      // Deferred to the reader's next wait, and written anyway by the next
      // macrotask if the consumer stops taking frames meanwhile.
      this.#writer.defer();
    }
  }

  #cancelFallback(): void {
    this.#writer.undefer();
  }
}
