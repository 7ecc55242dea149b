import { abortable } from "../io/_abort.ts";
import { ByteBuffer } from "../io/byte_buffer.ts";
import { decodeEof } from "./_decode_eof.ts";
import { HeldFrame } from "./_held_frame.ts";
import { Serial } from "./_serial.ts";
import type { FramedReadNextOptions } from "./framed_read.ts";
import type { FramedSendOptions } from "./framed_write.ts";
import type { Codec } from "./types.ts";

/**
 * A datagram socket as {@linkcode DatagramFramed} uses it: the shape of
 * `Deno.DatagramConn` (from `Deno.listenDatagram`).
 *
 * @typeParam A The peer address type (`Deno.Addr` for Deno's sockets).
 *
 * @example Usage
 * ```ts
 * import type { DatagramFramedSocket } from "@weir/weir/framing";
 *
 * const loopback: DatagramFramedSocket<string> = {
 *   receive: () => Promise.resolve([new Uint8Array([1]), "peer"]),
 *   send: (p) => Promise.resolve(p.length),
 * };
 * await loopback.send(new Uint8Array(1), "peer");
 * ```
 */
export interface DatagramFramedSocket<A> {
  /**
   * Waits for the next datagram; when `p` is given the datagram is read
   * into it and the result is a view of `p`.
   */
  receive(p?: Uint8Array): Promise<[Uint8Array, A]>;
  /** Sends `p` as one datagram to `addr`, resolving the bytes sent. */
  send(p: Uint8Array, addr: A): Promise<number>;
}

/** The largest UDP payload (65,535 bytes less the IPv4 and UDP headers). */
const MAX_DATAGRAM = 65507;

/**
 * Frames over datagrams, as tokio-util's `UdpFramed`: each datagram is
 * decoded on its own, yielding `[frame, sender]`, and each sent item
 * becomes exactly one datagram.
 *
 * A received datagram is run through the codec's `decodeEof` until it
 * returns `undefined` (so a datagram may carry several frames); bytes left
 * over are dropped, and frames never span datagrams. A decoder error is
 * thrown from `next()` with that datagram dropped, and receiving goes on
 * with the next call (tokio-util keeps the bad bytes and retries them).
 * A receive error (the socket closed) ends the iteration.
 *
 * The socket stays the caller's: ending the iteration does not close it.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 * @typeParam A The peer address type.
 *
 * @example JSON over UDP on loopback
 * ```ts
 * import { DatagramFramed, JsonCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const a = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * const b = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * try {
 *   const sender = new DatagramFramed(a, new JsonCodec<{ hello: string }>());
 *   const receiver = new DatagramFramed(b, new JsonCodec<{ hello: string }>());
 *   await sender.send({ hello: "udp" }, b.addr);
 *   const { value } = await receiver.next();
 *   assert.deepEqual(value?.[0], { hello: "udp" });
 *   assert.equal((value?.[1] as Deno.NetAddr).port, (a.addr as Deno.NetAddr).port);
 * } finally {
 *   a.close();
 *   b.close();
 * }
 * ```
 */
export class DatagramFramed<In, Out = In, A = Deno.Addr>
  implements AsyncIterableIterator<[In, A], undefined, undefined> {
  #socket: DatagramFramedSocket<A>;
  #codec: Codec<In, Out>;
  #read = new ByteBuffer(MAX_DATAGRAM);
  #write = new ByteBuffer();
  #serial = new Serial();
  /** The sender of the datagram being decoded, while frames may be left in it. */
  #from: A | undefined;
  #done = false;
  /** A receive in flight, kept when its waiter aborts so no datagram is lost. */
  #receiving: Promise<[Uint8Array, A]> | undefined;
  readonly #held = new HeldFrame<[In, A]>();

  /**
   * Creates a datagram framer.
   *
   * @param socket The socket (`Deno.DatagramConn` or the same shape).
   * @param codec Decodes each datagram and encodes each item.
   */
  constructor(socket: DatagramFramedSocket<A>, codec: Codec<In, Out>) {
    this.#socket = socket;
    this.#codec = codec;
  }

  /**
   * Resolves the next frame and the address it came from.
   *
   * **Cancellation:** cancel safe. When `signal` aborts the call rejects
   * with `signal.reason`; a datagram received later is kept for the next
   * call. In a losing `select` branch it takes no frame either.
   *
   * @param options Cancellation.
   * @returns `[frame, sender]`, or `{ done: true }` after `return()` or a
   * receive error.
   * @throws The decoder's error (the datagram is dropped) or the socket's.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, DatagramFramed } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const socket = {
   *   receive: () => Promise.resolve([new Uint8Array([5]), "peer"] as [Uint8Array, string]),
   *   send: (p: Uint8Array) => Promise.resolve(p.length),
   * };
   * const framed = new DatagramFramed(socket, new BytesCodec());
   * assert.deepEqual((await framed.next()).value, [new Uint8Array([5]), "peer"]);
   * ```
   */
  next(options?: FramedReadNextOptions): Promise<IteratorResult<[In, A], undefined>> {
    const signal = options?.signal;
    if (this.#serial.idle) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      let frame: [In, A] | undefined;
      try {
        frame = this.#take(signal);
      } catch (error) {
        return Promise.reject(error);
      }
      if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
      if (this.#done) return Promise.resolve({ value: undefined, done: true });
    }
    return this.#serial.run(() => this.#fill(signal), signal);
  }

  /**
   * Ends the iteration (what `break` in `for await` calls). The socket is
   * not closed.
   *
   * @returns `{ done: true }`.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, DatagramFramed } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const socket = { receive: () => new Promise<[Uint8Array, string]>(() => {}), send: () => Promise.resolve(0) };
   * const framed = new DatagramFramed(socket, new BytesCodec());
   * await framed.return();
   * assert.equal((await framed.next()).done, true);
   * ```
   */
  return(): Promise<IteratorResult<[In, A], undefined>> {
    this.#done = true;
    this.#held.take(undefined);
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * Returns this object: it is its own iterator.
   *
   * @returns `this`.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, DatagramFramed } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const socket = { receive: () => new Promise<[Uint8Array, string]>(() => {}), send: () => Promise.resolve(0) };
   * const framed = new DatagramFramed(socket, new BytesCodec());
   * assert.equal(framed[Symbol.asyncIterator](), framed);
   * ```
   */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Encodes `item` and sends it to `addr` as one datagram.
   *
   * **Cancellation:** when `signal` aborts the call stops waiting; a
   * datagram already handed to the socket is still sent.
   *
   * @param item The item.
   * @param addr Where to send it.
   * @param options Cancellation.
   * @throws What the encoder throws (nothing is sent).
   * @throws {Deno.errors.WriteZero} When the socket sent only part of the datagram.
   *
   * @example Usage
   * ```ts
   * import { DatagramFramed, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const sent: string[] = [];
   * const socket = {
   *   receive: () => new Promise<[Uint8Array, string]>(() => {}),
   *   send: (p: Uint8Array, to: string) => (sent.push(`${to}:${new TextDecoder().decode(p)}`), Promise.resolve(p.length)),
   * };
   * await new DatagramFramed(socket, new LinesCodec()).send("hi", "peer");
   * assert.deepEqual(sent, ["peer:hi\n"]);
   * ```
   */
  async send(item: Out, addr: A, options?: FramedSendOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    this.#codec.encode(item, this.#write);
    // A taken view is never reused, so concurrent sends cannot clobber it.
    const datagram = this.#write.take(this.#write.length);
    const sent = await abortable(this.#socket.send(datagram, addr), options?.signal);
    if (sent !== datagram.length) {
      throw new Deno.errors.WriteZero(`Sent ${sent} of ${datagram.length} bytes of a datagram`);
    }
  }

  /**
   * The next frame, held back or decoded now, once `signal` is claimed for
   * its `select` branch; `undefined` means receive (or done).
   */
  #take(signal: AbortSignal | undefined): [In, A] | undefined {
    const held = this.#held.take(signal);
    return this.#held.claim(held !== undefined ? held : this.#poll(), signal);
  }

  /** Decodes the next frame of the current datagram; `undefined` means receive. */
  #poll(): [In, A] | undefined {
    const from = this.#from;
    if (this.#done || from === undefined) return undefined;
    let frame: In | undefined;
    try {
      frame = decodeEof(this.#codec, this.#read);
    } catch (error) {
      this.#dropDatagram();
      throw error;
    }
    if (frame === undefined) {
      this.#dropDatagram();
      return undefined;
    }
    return [frame, from];
  }

  async #fill(signal: AbortSignal | undefined): Promise<IteratorResult<[In, A], undefined>> {
    for (;;) {
      const frame = this.#take(signal);
      if (frame !== undefined) return { value: frame, done: false };
      if (this.#done) return { value: undefined, done: true };
      await this.#receive(signal);
    }
  }

  async #receive(signal: AbortSignal | undefined): Promise<void> {
    const buf = this.#read;
    let receiving = this.#receiving;
    let spare: Uint8Array | undefined;
    if (receiving === undefined) {
      buf.reserve(MAX_DATAGRAM);
      spare = buf.spare();
      receiving = this.#receiving = this.#socket.receive(spare);
    }
    let datagram: Uint8Array;
    let from: A;
    try {
      [datagram, from] = await abortable(receiving, signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      this.#receiving = undefined;
      this.#done = true;
      throw error;
    }
    this.#receiving = undefined;
    if (this.#done) return;
    spare ??= buf.spare();
    if (datagram.buffer === spare.buffer && datagram.byteOffset === spare.byteOffset) {
      buf.commit(datagram.length);
    } else {
      buf.append(datagram);
    }
    this.#from = from;
  }

  #dropDatagram(): void {
    this.#read.clear();
    this.#from = undefined;
  }
}
