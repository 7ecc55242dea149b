import type { Reader, Writer } from "../io/types.ts";
import { FramedRead, type FramedReadNextOptions, type FramedReadOptions } from "./framed_read.ts";
import { type FramedSendOptions, FramedWrite, type FramedWriteOptions } from "./framed_write.ts";
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
 * Frames in both directions over one transport, as tokio-util's `Framed`: a
 * {@linkcode FramedRead} and a {@linkcode FramedWrite} sharing one codec.
 *
 * Iterate it (or call `next`) for incoming frames; `feed`/`send`/`flush`/
 * `close` outgoing ones. The halves are independent, so one task can read
 * while another writes, and `readable`/`writable` split it into Web
 * Streams: `const { readable, writable } = framed`.
 *
 * A transport with `read` and `write` methods is used through them (the
 * fast path), otherwise through its `readable` and `writable`.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 *
 * @example Request and response over an in-memory pipe
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
  #read: FramedRead<In>;
  #write: FramedWrite<Out>;

  /**
   * Creates a framed transport.
   *
   * @param transport The connection.
   * @param codec Decodes incoming frames and encodes outgoing items.
   * @param options Read buffer size and backpressure boundary.
   */
  constructor(transport: FramedTransport, codec: Codec<In, Out>, options: FramedOptions = {}) {
    const rw = transport as Partial<Reader & Writer>;
    const direct = typeof rw.read === "function" && typeof rw.write === "function";
    const streams = transport as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };
    this.#read = new FramedRead(direct ? transport as Reader : streams.readable, codec, options);
    this.#write = new FramedWrite(direct ? transport as Writer : streams.writable, codec, options);
  }

  /**
   * Resolves the next incoming frame; see {@linkcode FramedRead.prototype.next}.
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
    return this.#read.next(options);
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
    return this.#read.return();
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
   * Encodes an item without writing it; see {@linkcode FramedWrite.prototype.feed}.
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
   * await framed.feed("a");
   * assert.equal(framed.buffered, 2);
   * ```
   */
  feed(item: Out, options?: FramedSendOptions): Promise<void> {
    return this.#write.feed(item, options);
  }

  /**
   * Encodes and writes an item; see {@linkcode FramedWrite.prototype.send}.
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
    return this.#write.send(item, options);
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
    return this.#write.flush(options);
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
    return this.#write.close();
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
      await this.#write.close();
    } finally {
      await this.#read.return();
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
    return this.#write.buffered;
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
    return this.#read.readable;
  }

  /**
   * Outgoing items as a `WritableStream`; see {@linkcode FramedWrite.prototype.writable}.
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
    return this.#write.writable;
  }
}
