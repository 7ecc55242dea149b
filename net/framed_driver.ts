import { ByteBuffer } from "../io/byte_buffer.ts";
import type { HalfCloseWriter, Reader } from "../io/types.ts";
import { writeAll } from "../io/write_all.ts";
import { decodeEof } from "../framing/_decode_eof.ts";
import type { Decoder, Encoder } from "../framing/types.ts";
import { ChannelClosedError } from "../sync/channel_errors.ts";
import { mpsc, type MpscReceiver, type MpscSender } from "../sync/mpsc.ts";
import type { RecvResult } from "../sync/recv_result.ts";
import { Waiter, WaitQueue } from "../sync/wait_queue.ts";

/**
 * What a driver runs over: a reader and a half-closable writer that can be
 * closed (a {@linkcode Connection}, a `Deno.TcpConn`, an in-memory `duplex`
 * endpoint).
 */
export interface DriverTransport extends Reader, HalfCloseWriter {
  /** Closes both directions. */
  close(): void;
}

/** Options for {@linkcode FramedDriver} and {@linkcode ConnectionDriver}. */
export interface DriverOptions {
  /**
   * Capacity of the outgoing queue, in messages: `send` waits while this
   * many messages wait to be written (besides the write in progress).
   *
   * @default {128}
   */
  queue?: number;
  /**
   * Capacity of the inbound queue, in messages: while it is full the driver
   * stops reading the socket, and TCP flow control slows the peer down.
   *
   * @default {128}
   */
  inbound?: number;
  /**
   * Bytes to read at once at first; the read size doubles (up to 64 KiB)
   * each time a read fills it and halves again after a run of small reads,
   * so idle connections stay small.
   *
   * @default {1024}
   */
  readSize?: number;
  /**
   * Queued messages are encoded into one buffer and written together;
   * `send` also waits while the queued messages take this many bytes, so
   * at most about twice this much is buffered for writing.
   *
   * @default {65536}
   */
  writeSize?: number;
}

/** Options of the driver calls that can wait. */
export interface DriverWaitOptions {
  /**
   * Stops waiting when aborted, rejecting with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

const MAX_READ_SIZE = 65536;
/** Reads that fit in each fresh read buffer of a busy connection. */
const CHUNK_READS = 8;
/** Small reads in a row after which the read size halves again. */
const SHRINK_AFTER = 16;
/** A write buffer larger than this is let go when the writer goes idle. */
const KEEP_WRITE_BUFFER = 4096;

const RESOLVED = Promise.resolve();
const NO_ACKS: readonly PromiseWithResolvers<void>[] = Object.freeze([]);
/** Where the outgoing buffers start; they grow with the traffic. */
const INITIAL_WRITE_BUFFER = 1024;

/** A `send` waiting for room in the outgoing queue, with its message. */
class SendWaiter<T> extends Waiter<void> {
  readonly item: T;
  readonly ack: PromiseWithResolvers<void> | undefined;

  constructor(
    item: T,
    ack: PromiseWithResolvers<void> | undefined,
    signal: AbortSignal | undefined,
  ) {
    super(signal);
    this.item = item;
    this.ack = ack;
  }
}

function closedError(): ChannelClosedError {
  return new ChannelClosedError("Cannot send: the driver is closed");
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`'${name}' must be a positive integer: received ${value}`);
  }
}

/**
 * Drives one connection in both directions over a codec (the seed's
 * `ConnectionFramed`): a reader task decodes inbound frames into a bounded
 * queue you iterate, and a writer task encodes the messages you `send`
 * from a bounded queue, coalescing everything queued into one write.
 * Reading never waits for writing, so a peer that does not read cannot
 * stall your inbound frames.
 *
 * - `send(item)` waits only while the outgoing queue is full;
 *   `sendWithAck(item)` resolves once the item (and everything queued
 *   before it) was written to the socket.
 * - Inbound: `for await (const frame of driver)`, `recv()`, `tryRecv()`.
 *   A decode error or read error is thrown once the frames before it were
 *   taken. Breaking out of the loop stops delivery: later inbound data is
 *   read and dropped.
 * - `close()`: sends what is queued, then FIN; `done` resolves when both
 *   directions finished (the peer closed its side too) and the transport
 *   is closed. `abort()` stops at once.
 *
 * @typeParam In What the codec decodes (inbound frames).
 * @typeParam Out What the codec encodes (outbound messages).
 *
 * @example A length-delimited request/reply
 * ```ts
 * import { connect, FramedDriver, serve } from "@weir/weir/net";
 * import { LengthDelimitedCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   const driver = new FramedDriver(conn, new LengthDelimitedCodec());
 *   for await (const frame of driver) await driver.send(frame.toReversed());
 *   await driver.close();
 *   await driver.done;
 * });
 * const driver = new FramedDriver(await connect(server.addr), new LengthDelimitedCodec());
 * await driver.send(new Uint8Array([1, 2, 3]));
 * await driver.close(); // flush, then FIN
 * const replies = await Array.fromAsync(driver);
 * assert.deepEqual(replies.map((r) => [...r]), [[3, 2, 1]]);
 * await driver.done;
 * ```
 */
export class FramedDriver<In, Out = In> implements AsyncIterable<In>, AsyncDisposable {
  #transport: DriverTransport;
  #decoder: Decoder<In>;
  #encoder: Encoder<Out>;
  #readSize: number;
  #writeSize: number;
  #capacity: number;
  /** Messages encoded and waiting for the next write, and their count. */
  #pending = new ByteBuffer(INITIAL_WRITE_BUFFER);
  #count = 0;
  /** The buffer being written (or the empty one to swap in next). */
  #spare = new ByteBuffer(INITIAL_WRITE_BUFFER);
  #acks: PromiseWithResolvers<void>[] = [];
  #inFlightAcks: readonly PromiseWithResolvers<void>[] = NO_ACKS;
  #senders = new WaitQueue<SendWaiter<Out>>();
  #wakeWriter: (() => void) | undefined;
  #closing = false;
  #inTx: MpscSender<In>;
  #inRx: MpscReceiver<In>;
  #inbound: number;
  #failure: { error: unknown; reported: boolean } | undefined;
  #stopped = false;
  #writeDone: Promise<void>;
  #done: Promise<void>;

  /**
   * Starts driving `transport` with `codec`; the driver now owns the
   * transport and closes it when done.
   *
   * @param transport The connection.
   * @param codec Decodes inbound frames and encodes outbound messages.
   * @param options Queue capacities and buffer sizes.
   * @throws {RangeError} When a capacity or size is not a positive integer.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const left = new FramedDriver(a, new LinesCodec(), { queue: 16 });
   * const right = new FramedDriver(b, new LinesCodec());
   * await left.send("hello");
   * await left.close();
   * assert.deepEqual(await Array.fromAsync(right), ["hello"]);
   * await right.close();
   * await Promise.all([left.done, right.done]);
   * ```
   */
  constructor(
    transport: DriverTransport,
    codec: Decoder<In> & Encoder<Out>,
    options: DriverOptions = {},
  ) {
    const { queue = 128, inbound = 128, readSize = 1024, writeSize = 65536 } = options;
    checkSize("queue", queue);
    checkSize("inbound", inbound);
    checkSize("readSize", readSize);
    checkSize("writeSize", writeSize);
    this.#transport = transport;
    this.#decoder = codec;
    this.#encoder = codec;
    this.#readSize = readSize;
    this.#writeSize = writeSize;
    this.#inbound = inbound;
    this.#capacity = queue;
    [this.#inTx, this.#inRx] = mpsc(inbound);
    this.#writeDone = this.#writeLoop();
    const readDone = this.#readLoop();
    this.#done = Promise.all([this.#writeDone, readDone]).then(() => {
      this.#stop();
      if (this.#failure !== undefined) throw this.#failure.error;
    });
    this.#done.catch(() => {}); // surfaced through `done`, `recv` and acks
    this.#writeDone.catch(() => {});
  }

  /**
   * How many messages wait in the outgoing queue.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * assert.equal(driver.queued, 0);
   * driver.abort();
   * b.close();
   * await driver.done.catch(() => {});
   * ```
   */
  get queued(): number {
    return this.#count + this.#senders.size;
  }

  /**
   * Resolves when both directions are finished (everything queued was
   * written followed by FIN, and the peer's end of stream was read) and the
   * transport is closed; rejects with the error that stopped the driver.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   *
   * const [a, b] = duplex();
   * const left = new ConnectionDriver(a);
   * const right = new ConnectionDriver(b);
   * await Promise.all([left.close(), right.close()]);
   * await Promise.all([left.done, right.done]);
   * ```
   */
  get done(): Promise<void> {
    return this.#done;
  }

  /**
   * Queues `item`, waiting while the outgoing queue is full. The item is
   * encoded when it enters the queue, so an encoder error (a frame over the
   * codec's limit, ...) rejects this call and nothing is queued (an encoder
   * must not append anything before it throws).
   *
   * **Cancellation:** cancel safe: an aborted call queues nothing.
   *
   * @param item The message.
   * @param options Cancellation.
   * @throws {ChannelClosedError} After `close()` or once the driver stopped.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * await driver.send(new TextEncoder().encode("hi"));
   * await driver.close();
   * const got = new Uint8Array(2);
   * assert.equal(await b.read(got), 2);
   * b.close();
   * await driver.done;
   * ```
   */
  send(item: Out, options?: DriverWaitOptions): Promise<void> {
    return this.#enqueue(item, undefined, options?.signal);
  }

  /**
   * Queues `item` if the outgoing queue has room and no `send` waits for
   * room (no waiting, no barging).
   *
   * @param item The message.
   * @returns Whether it was queued.
   * @throws {ChannelClosedError} After `close()` or once the driver stopped.
   * @throws The encoder's error (nothing is queued).
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a, { queue: 1 });
   * assert.equal(driver.trySend(new Uint8Array([1])), true);
   * driver.abort();
   * b.close();
   * await driver.done.catch(() => {});
   * ```
   */
  trySend(item: Out): boolean {
    if (this.#closing || this.#stopped) throw closedError();
    if (this.#senders.size !== 0 || !this.#hasRoom()) return false;
    this.#encode(item, undefined);
    return true;
  }

  /**
   * Queues `item` and resolves once it, and everything queued before it,
   * was written to the socket (handed to the kernel, not yet seen by the
   * peer).
   *
   * **Cancellation:** an abort while waiting for queue room queues
   * nothing; once queued, the item is sent whatever the signal does.
   *
   * @param item The message.
   * @param options Cancellation (of the wait for queue room).
   * @throws {ChannelClosedError} After `close()`.
   * @throws The encoder's error (nothing is queued), or the error that
   * stopped the driver before the item was written.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * await driver.sendWithAck(new Uint8Array([1, 2, 3]));
   * // Written: the bytes are already in the peer's buffer.
   * const got = new Uint8Array(3);
   * assert.equal(await b.read(got), 3);
   * driver.abort();
   * b.close();
   * await driver.done.catch(() => {});
   * ```
   */
  async sendWithAck(item: Out, options?: DriverWaitOptions): Promise<void> {
    const ack = Promise.withResolvers<void>();
    await this.#enqueue(item, ack, options?.signal);
    return ack.promise;
  }

  /**
   * Receives the next inbound message; `{ done: true }` once the peer
   * closed its side and every message was taken.
   *
   * **Cancellation:** cancel safe: an aborted call takes no message.
   *
   * @param options Cancellation.
   * @returns The next message, or the end.
   * @throws The decode or read error that ended the inbound side (once,
   * after the messages before it).
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * await b.write(new Uint8Array([9]));
   * await b.closeWrite();
   * const first = await driver.recv();
   * assert.deepEqual(first.done ? [] : [...first.value], [9]);
   * assert.equal((await driver.recv()).done, true);
   * await driver.close();
   * b.close();
   * await driver.done;
   * ```
   */
  async recv(options?: DriverWaitOptions): Promise<RecvResult<In>> {
    const result = await this.#inRx.recv(options);
    if (result.done) this.#throwFailure();
    return result;
  }

  /**
   * Takes an inbound message if one is buffered (no waiting): the
   * synchronous fast path for draining a burst.
   *
   * @returns The next message, `{ done: true }` at the end, or `undefined`
   * when nothing is buffered yet.
   * @throws The decode or read error that ended the inbound side.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * assert.equal(driver.tryRecv(), undefined);
   * driver.abort();
   * b.close();
   * await driver.done.catch(() => {});
   * ```
   */
  tryRecv(): RecvResult<In> | undefined {
    const result = this.#inRx.tryRecv();
    if (result?.done) this.#throwFailure();
    return result;
  }

  /**
   * Stops sending: everything queued is written, then the write direction
   * is shut down (FIN). Reading goes on until the peer closes. Resolves
   * once FIN was sent. Idempotent.
   *
   * @param options Cancellation of the wait (the flush goes on).
   * @throws The error that stopped the driver first.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * for (let i = 0; i < 3; i++) await driver.send(new Uint8Array([i]));
   * await driver.close();
   * const got = new Uint8Array(8);
   * let n = 0;
   * for (let r; (r = await b.read(got.subarray(n))) !== null;) n += r;
   * assert.deepEqual([...got.subarray(0, n)], [0, 1, 2]); // all of it, then EOF
   * b.close();
   * await driver.done;
   * ```
   */
  close(options: DriverWaitOptions = {}): Promise<void> {
    this.#closing = true;
    this.#wake();
    const { signal } = options;
    if (signal === undefined) return this.#writeDone;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#writeDone.then(resolve, reject).finally(() => {
        signal.removeEventListener("abort", onAbort);
      });
    });
  }

  /**
   * Stops at once: closes the transport, drops what is queued (pending
   * `sendWithAck` calls reject with `reason`), ends the inbound side and
   * makes `done` reject with `reason`. Does nothing once the driver is done.
   *
   * @param reason Why; defaults to a `DOMException` named `AbortError`.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * const reason = new Error("shutting down");
   * driver.abort(reason);
   * await assert.rejects(driver.done, (error) => error === reason);
   * b.close();
   * ```
   */
  abort(reason: unknown = new DOMException("The driver was aborted", "AbortError")): void {
    this.#fail(reason);
  }

  /**
   * Flushes and sends FIN (as {@linkcode FramedDriver.prototype.close}),
   * then closes the transport without waiting for the peer. Never rejects.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   *
   * const [a, b] = duplex();
   * {
   *   await using driver = new ConnectionDriver(a);
   *   await driver.send(new Uint8Array([1]));
   * } // flushed, FIN, closed
   * b.close();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.close();
    } catch {
      // Already stopped by an error: `done` reports it.
    }
    this.#stop();
    await this.#done.catch(() => {});
  }

  /**
   * Iterates inbound messages until the peer closes its side. Breaking out
   * stops delivery (later inbound data is read and dropped, so the peer is
   * never blocked).
   *
   * @returns An async iterator of inbound messages.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * await b.write(new TextEncoder().encode("chunk"));
   * await b.closeWrite();
   * let text = "";
   * for await (const chunk of driver) text += new TextDecoder().decode(chunk);
   * assert.equal(text, "chunk");
   * await driver.close();
   * b.close();
   * await driver.done;
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<In, undefined> {
    return {
      next: () => this.recv(),
      return: () => {
        this.#inRx.close();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (failure !== undefined && !failure.reported) {
      failure.reported = true;
      throw failure.error;
    }
  }

  /** Ends both directions with `error`; the first error wins. */
  #fail(error: unknown): void {
    if (this.#failure !== undefined || this.#stopped) return;
    this.#failure = { error, reported: false };
    for (const ack of this.#inFlightAcks) ack.reject(error);
    for (const ack of this.#acks) ack.reject(error);
    this.#inFlightAcks = NO_ACKS;
    this.#acks = [];
    for (let waiter; (waiter = this.#senders.shift()) !== undefined;) waiter.reject(error);
    this.#stop();
  }

  /** Closes the transport and the inbound queue; the loops end quietly. */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#closing = true;
    try {
      this.#transport.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    for (let waiter; (waiter = this.#senders.shift()) !== undefined;) waiter.reject(closedError());
    this.#wake();
    this.#inTx.close();
  }

  #hasRoom(): boolean {
    const count = this.#count;
    return count === 0 || (count < this.#capacity && this.#pending.length < this.#writeSize);
  }

  #enqueue(
    item: Out,
    ack: PromiseWithResolvers<void> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closing || this.#stopped) return Promise.reject(closedError());
    if (this.#senders.size === 0 && this.#hasRoom()) {
      try {
        this.#encode(item, ack);
      } catch (error) {
        return Promise.reject(error);
      }
      return RESOLVED;
    }
    const waiter = new SendWaiter(item, ack, signal);
    this.#senders.push(waiter);
    return waiter.promise;
  }

  /** Encodes one message into the pending buffer and wakes the writer. */
  #encode(item: Out, ack: PromiseWithResolvers<void> | undefined): void {
    this.#encoder.encode(item, this.#pending);
    this.#count++;
    if (ack !== undefined) this.#acks.push(ack);
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeWriter;
    if (wake !== undefined) {
      this.#wakeWriter = undefined;
      wake();
    }
  }

  /** Lets waiting senders in, in order, while there is room. */
  #admit(): void {
    const senders = this.#senders;
    for (
      let waiter = senders.head;
      waiter !== undefined && this.#hasRoom();
      waiter = senders.head
    ) {
      senders.shift();
      try {
        this.#encode(waiter.item, waiter.ack);
        waiter.resolve();
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  async #writeLoop(): Promise<void> {
    try {
      for (;;) {
        if (this.#stopped) break;
        if (this.#count === 0) {
          if (this.#closing && this.#senders.size === 0) {
            await this.#transport.closeWrite();
            break;
          }
          // Idle: do not hold on to buffers a burst made large.
          if (this.#spare.capacity > KEEP_WRITE_BUFFER) {
            this.#spare = new ByteBuffer(INITIAL_WRITE_BUFFER);
          }
          if (this.#pending.capacity > KEEP_WRITE_BUFFER) {
            this.#pending = new ByteBuffer(INITIAL_WRITE_BUFFER);
          }
          await new Promise<void>((resolve) => this.#wakeWriter = resolve);
          continue;
        }
        // Everything queued so far goes out in one write; meanwhile new
        // messages collect in the other buffer.
        const out = this.#pending;
        this.#pending = this.#spare;
        this.#spare = out;
        this.#count = 0;
        const acks = this.#acks;
        if (acks.length !== 0) {
          this.#acks = [];
          this.#inFlightAcks = acks;
        }
        this.#admit();
        await writeAll(this.#transport, out.bytes());
        out.clear();
        if (acks.length !== 0) {
          this.#inFlightAcks = NO_ACKS;
          for (let i = 0; i < acks.length; i++) acks[i]!.resolve();
        }
      }
    } catch (error) {
      this.#fail(error);
    }
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  async #readLoop(): Promise<void> {
    const initial = this.#readSize;
    let buf = new ByteBuffer(initial);
    let readSize = initial;
    let smallReads = 0;
    try {
      for (;;) {
        for (let item; (item = this.#decoder.decode(buf)) !== undefined;) {
          const full = this.#deliver(item);
          if (full !== undefined) await full;
        }
        // Read into the buffer's tail; move to fresh memory only when the
        // tail is small (taken frames pin the memory before it), and to
        // smaller memory after the traffic calmed down.
        let spare = buf.spare();
        if (spare.length < readSize >>> 2) {
          // A busy connection (its read size grew) takes memory for several reads at once.
          const chunk = readSize === initial ? readSize : readSize * CHUNK_READS;
          if (buf.length === 0 && buf.capacity > chunk) buf = new ByteBuffer(chunk);
          buf.reserve(chunk);
          spare = buf.spare();
        }
        const n = await this.#transport.read(spare);
        if (n === null) break;
        buf.commit(n);
        if (n >= readSize) {
          // A full read means more is waiting: read bigger next time.
          smallReads = 0;
          if (readSize < MAX_READ_SIZE) readSize *= 2;
        } else if (readSize > initial && n <= readSize >>> 3 && ++smallReads === SHRINK_AFTER) {
          smallReads = 0;
          readSize >>>= 1;
        }
      }
      for (let item; (item = decodeEof(this.#decoder, buf)) !== undefined;) {
        await this.#deliver(item);
      }
      this.#inTx.close();
    } catch (error) {
      if (!this.#stopped) this.#fail(error);
    }
  }

  /** Hands `item` to the inbound queue, waiting while it is full. */
  #deliver(item: In): Promise<void> | undefined {
    const tx = this.#inTx;
    if (tx.isClosed) return; // the receiver was closed: nobody listens, drop
    if (this.#inRx.length < this.#inbound) {
      tx.trySend(item);
      return;
    }
    return tx.send(item).catch((error) => {
      if (!tx.isClosed) throw error;
    });
  }
}
