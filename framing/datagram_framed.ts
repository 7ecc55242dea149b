import { ByteBuffer } from "../io/byte_buffer.ts";
import { decodeEof } from "./_decode_eof.ts";
import { HeldFrame } from "./_held_frame.ts";
import { Serial } from "./_serial.ts";
import type { FramedReadNextOptions } from "./framed_read.ts";
import type { FramedSendOptions } from "./framed_write.ts";
import type { Codec } from "./types.ts";

/**
 * A datagram socket as {@linkcode DatagramFramed} uses it: the shape of
 * weir's `UdpSocket` (from `@weir/weir/net`), which reads each datagram
 * whole and reports one larger than its limit instead of truncating it.
 *
 * @typeParam A The peer address type (`Deno.NetAddr` for `UdpSocket`).
 *
 * @example Usage
 * ```ts
 * import type { DatagramFramedSocket } from "@weir/weir/framing";
 *
 * const loopback: DatagramFramedSocket<string> = {
 *   recvFrom: () => Promise.resolve({ data: new Uint8Array([1]), addr: "peer" }),
 *   sendTo: () => Promise.resolve(),
 * };
 * await loopback.sendTo(new Uint8Array(1), "peer");
 * ```
 */
export interface DatagramFramedSocket<A> {
  /**
   * Waits for the next datagram and its sender; rejects with
   * `signal.reason` on abort, losing no datagram.
   */
  recvFrom(options?: { signal?: AbortSignal | undefined }): Promise<{ data: Uint8Array; addr: A }>;
  /** Sends `data` as one datagram to `addr`. */
  sendTo(data: Uint8Array, addr: A, options?: { signal?: AbortSignal | undefined }): Promise<void>;
}

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
 * A closed socket (`Deno.errors.BadResource`) ends the iteration; any
 * other receive error is thrown from that `next()` and receiving goes on.
 *
 * The socket is weir's `UdpSocket` (or anything of its shape,
 * {@linkcode DatagramFramedSocket}): it receives each datagram whole and
 * rejects one over its `maxDatagramLength` with `DatagramTooLargeError`
 * rather than truncating it, so a frame is never decoded from part of a
 * datagram. The socket stays the caller's: ending the iteration does not
 * close it.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 * @typeParam A The peer address type.
 *
 * @example JSON over UDP on loopback
 * ```ts
 * import { DatagramFramed, JsonCodec } from "@weir/weir/framing";
 * import { UdpSocket } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using a = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
 * await using b = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
 * const sender = new DatagramFramed(a, new JsonCodec<{ hello: string }>());
 * const receiver = new DatagramFramed(b, new JsonCodec<{ hello: string }>());
 * await sender.send({ hello: "udp" }, b.addr);
 * const { value } = await receiver.next();
 * assert.deepEqual(value?.[0], { hello: "udp" });
 * assert.equal(value?.[1].port, a.addr.port);
 * ```
 */
export class DatagramFramed<In, Out = In, A = Deno.NetAddr>
  implements AsyncIterableIterator<[In, A], undefined, undefined> {
  #socket: DatagramFramedSocket<A>;
  #codec: Codec<In, Out>;
  #read = new ByteBuffer(0);
  #write = new ByteBuffer();
  #serial = new Serial();
  /** The sender of the datagram being decoded, while frames may be left in it. */
  #from: A | undefined;
  #done = false;
  readonly #held = new HeldFrame<[In, A]>();

  /**
   * Creates a datagram framer.
   *
   * @param socket The socket (`UdpSocket` or the same shape).
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
   * call.
   *
   * Select safety: select-safe (a frame decoded for a losing branch is
   * kept for the next call).
   *
   * @param options Cancellation.
   * @returns `[frame, sender]`, or `{ done: true }` after `return()` or
   * once the socket closed.
   * @throws The decoder's error (the datagram is dropped) or the socket's.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, DatagramFramed } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const socket = {
   *   recvFrom: () => Promise.resolve({ data: new Uint8Array([5]), addr: "peer" }),
   *   sendTo: () => Promise.resolve(),
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
   * const socket = {
   *   recvFrom: () => new Promise<{ data: Uint8Array; addr: string }>(() => {}),
   *   sendTo: () => Promise.resolve(),
   * };
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
   * const socket = {
   *   recvFrom: () => new Promise<{ data: Uint8Array; addr: string }>(() => {}),
   *   sendTo: () => Promise.resolve(),
   * };
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
   * @throws What the socket's `sendTo` throws.
   *
   * @example Usage
   * ```ts
   * import { DatagramFramed, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const sent: string[] = [];
   * const socket = {
   *   recvFrom: () => new Promise<{ data: Uint8Array; addr: string }>(() => {}),
   *   sendTo: async (p: Uint8Array, to: string) => void sent.push(`${to}:${new TextDecoder().decode(p)}`),
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
    await this.#socket.sendTo(datagram, addr, options);
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
    let datagram: { data: Uint8Array; addr: A };
    try {
      datagram = await this.#socket.recvFrom(signal === undefined ? undefined : { signal });
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      // A closed socket ends the iteration; a datagram the socket refused
      // (over its size limit) is reported and receiving goes on.
      if (error instanceof Deno.errors.BadResource) {
        this.#done = true;
      }
      throw error;
    }
    if (this.#done) return;
    this.#read.append(datagram.data);
    this.#from = datagram.addr;
  }

  #dropDatagram(): void {
    this.#read.clear();
    this.#from = undefined;
  }
}
