import { type Codec, Framed, type FramedReadNextOptions } from "../framing/mod.ts";
import type { HalfCloseWriter, Reader } from "../io/types.ts";
import { ChannelClosedError } from "../sync/channel_errors.ts";
import type { RecvResult } from "../sync/recv_result.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import { traceDriver } from "./_driver_telemetry.ts";
import type { Clock } from "../time/clock.ts";

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
/**
 * Options for {@linkcode FramedDriver}. With a `meter` (or Deno's
 * OpenTelemetry on), drivers' frames and queues are exported as
 * `weir.driver.*` metrics; with a `tracer`, each driver's life is a span.
 */
export interface DriverOptions extends TelemetryOptions {
  /**
   * Bytes of encoded, unwritten messages at which `send` waits (and
   * `trySend` returns `false`): the outgoing queue's bound, besides the
   * write in flight. Everything queued goes out together in the next
   * write.
   *
   * @default {65536}
   */
  highWaterMark?: number;
  /**
   * Bytes read ahead of the consumer: while this many bytes wait
   * undecoded the driver stops reading the socket, and TCP flow control
   * slows the peer down. A frame larger than this is still read whole
   * when it is asked for, into a buffer of its size.
   *
   * @default {65536}
   */
  inboundHighWaterMark?: number;
  /**
   * Bytes asked for by the first read and the least a read asks for; the
   * read size doubles while reads fill it (up to `maxReadSize`) and halves
   * after a run of small reads, so idle connections stay small.
   *
   * @default {1024}
   */
  minReadSize?: number;
  /**
   * The most bytes one read asks for.
   *
   * @default {65536}
   */
  maxReadSize?: number;
  /**
   * Milliseconds within which a frame, once begun, must be complete;
   * otherwise the inbound side ends with a `DOMException` named
   * `TimeoutError` (see `FramedReadOptions.frameTimeout`).
   *
   * @default {Infinity}
   */
  frameTimeout?: number;
  /**
   * The clock the frame timeout reads.
   *
   * @default {systemClock}
   */
  clock?: Clock;
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

const RESOLVED = Promise.resolve();
const DONE: RecvResult<never> = Object.freeze({ done: true, value: undefined });

function closedError(): ChannelClosedError {
  return new ChannelClosedError("Cannot send: the driver is closed");
}

/**
 * Drives one connection in both directions over a codec, for code where
 * reads and writes come from different tasks (a push server, a client
 * shared by many callers). It reads ahead in the background into a buffer
 * bounded in bytes (`inboundHighWaterMark`), and writes what is sent
 * through a queue bounded in bytes (`highWaterMark`), coalescing everything
 * queued into one write. Reading never waits for writing, so a peer that
 * does not read cannot stall your inbound frames. It runs on
 * `Framed` from `@weir/weir/framing` (use that directly when one task
 * drives the connection).
 *
 * - `send(item)` waits only while the outgoing queue is full;
 *   `sendWithAck(item)` resolves once the item (and everything queued
 *   before it) was written to the socket. Queued messages are written when
 *   the inbound side runs out of frames, or by the next macrotask.
 * - Inbound: `for await (const frame of driver)`, `frames({ signal })`,
 *   `recv()`, `tryRecv()`. Frames already buffered are decoded on the spot,
 *   with no queue in between. A decode or read error is thrown once, after
 *   the frames before it, and ends only the inbound side: sending stays
 *   open until `close()`. Breaking out of the loop stops delivery: later
 *   inbound data is read and dropped.
 * - `close()`: sends what is queued, then FIN; `closed` resolves when both
 *   directions finished (the peer closed its side too) and the transport
 *   is closed. `abort()` stops at once.
 *
 * @typeParam In What the codec decodes (inbound frames).
 * @typeParam Out What the codec encodes (outbound messages).
 *
 * @example A server: requests in, replies out, from one loop
 * ```ts
 * import { connect, FramedDriver, serve } from "@weir/weir/net";
 * import { LengthDelimitedCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   const driver = new FramedDriver(conn, new LengthDelimitedCodec());
 *   for await (const frame of driver) await driver.send(frame.toReversed());
 *   await driver.close();
 *   await driver.closed;
 * });
 * const driver = new FramedDriver(await connect(server.addr), new LengthDelimitedCodec());
 * await driver.send(new Uint8Array([1, 2, 3]));
 * await driver.close(); // flush, then FIN
 * const replies = await Array.fromAsync(driver);
 * assert.deepEqual(replies.map((r) => [...r]), [[3, 2, 1]]);
 * await driver.closed;
 * ```
 *
 * @example A client: one task reads while others send
 * ```ts
 * import { connect, FramedDriver, serve } from "@weir/weir/net";
 * import { LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo until FIN
 * });
 * const driver = new FramedDriver(await connect(server.addr), new LinesCodec());
 * const reading = Array.fromAsync(driver);
 * await Promise.all(["a", "b", "c"].map((line) => driver.send(line)));
 * await driver.close();
 * assert.deepEqual((await reading).sort(), ["a", "b", "c"]);
 * await driver.closed;
 * ```
 */
export class FramedDriver<In, Out = In> implements AsyncIterable<In>, AsyncDisposable {
  #transport: DriverTransport;
  #framed: Framed<In, Out>;
  #closing = false;
  #stopped = false;
  #failure: { error: unknown; reported: boolean } | undefined;
  #draining = false;
  #writeDone: Promise<void> | undefined;
  #closed: Promise<void>;

  /**
   * Starts driving `transport` with `codec`; the driver now owns the
   * transport and closes it when done.
   *
   * @param transport The connection.
   * @param codec Decodes inbound frames and encodes outbound messages.
   * @param options Queue bounds, read sizes and the frame timeout.
   * @throws {RangeError} When an option is out of range, naming it.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const left = new FramedDriver(a, new LinesCodec(), { highWaterMark: 1024 });
   * const right = new FramedDriver(b, new LinesCodec());
   * await left.send("hello");
   * await left.close();
   * assert.deepEqual(await Array.fromAsync(right), ["hello"]);
   * await right.close();
   * await Promise.all([left.closed, right.closed]);
   * ```
   */
  constructor(transport: DriverTransport, codec: Codec<In, Out>, options: DriverOptions = {}) {
    const {
      highWaterMark = 65536,
      inboundHighWaterMark = 65536,
      minReadSize = 1024,
      maxReadSize = Math.max(65536, minReadSize),
    } = options;
    for (const [name, value] of Object.entries({ highWaterMark, inboundHighWaterMark })) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`'${name}' must be a positive integer: received ${value}`);
      }
    }
    this.#transport = transport;
    this.#framed = new Framed(transport, codec, {
      highWaterMark,
      inboundHighWaterMark,
      minReadSize,
      maxReadSize,
      ...(options.frameTimeout !== undefined ? { frameTimeout: options.frameTimeout } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
    this.#closed = this.#framed.closed.then(
      () => {
        this.#closeTransport();
        if (this.#failure !== undefined) throw this.#failure.error;
      },
      (error) => {
        this.#closeTransport();
        throw this.#failure !== undefined ? this.#failure.error : error;
      },
    );
    this.#closed.catch(() => {}); // surfaced through `closed`, `recv` and acks
    const meter = otelMeter(options.meter);
    const tracer = otelTracer(options.tracer);
    if (meter !== undefined || tracer !== undefined) traceDriver(this, this.#closed, meter, tracer);
  }

  /**
   * Bytes queued to send and not yet written.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a);
   * assert.equal(driver.buffered, 0);
   * driver.abort();
   * b.close();
   * await driver.closed.catch(() => {});
   * ```
   */
  get buffered(): number {
    return this.#framed.buffered;
  }

  /**
   * Bytes read and not yet decoded: the inbound queue, which reading ahead
   * keeps under `inboundHighWaterMark`.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new FramedDriver(a, new LinesCodec());
   * assert.equal(driver.inboundBuffered, 0);
   * driver.abort();
   * b.close();
   * await driver.closed.catch(() => {});
   * ```
   */
  get inboundBuffered(): number {
    return this.#framed.inboundBuffered;
  }

  /**
   * Frames received (decoded) so far.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const left = new FramedDriver(a, new LinesCodec());
   * const right = new FramedDriver(b, new LinesCodec());
   * await left.send("hi");
   * await right.recv();
   * assert.deepEqual([left.framesWritten, right.framesRead], [1, 1]);
   * await left.close();
   * await right.close();
   * await Promise.all([left.closed, right.closed]);
   * ```
   */
  get framesRead(): number {
    return this.#framed.framesRead;
  }

  /**
   * Frames sent so far: counted when queued (encoded), before their bytes
   * are written.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new FramedDriver(a, new LinesCodec());
   * driver.trySend("x");
   * assert.equal(driver.framesWritten, 1);
   * driver.abort();
   * b.close();
   * await driver.closed.catch(() => {});
   * ```
   */
  get framesWritten(): number {
    return this.#framed.framesWritten;
  }

  /**
   * Resolves when both directions are finished (everything queued was
   * written followed by FIN, and the inbound side ended: the peer's end of
   * stream was read, or an error ended it) and the transport is closed;
   * rejects with the error that ended either direction, or `abort`'s
   * reason.
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
   * await Promise.all([left.closed, right.closed]);
   * ```
   */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /**
   * Queues `item`, waiting while the outgoing queue holds
   * `highWaterMark` bytes. The item is encoded when it enters the queue,
   * so an encoder error (a frame over the codec's limit, ...) rejects this
   * call and nothing is queued (an encoder must not append anything before
   * it throws).
   *
   * **Cancellation:** cancel safe: an aborted call queues nothing.
   *
   * @param item The message.
   * @param options Cancellation.
   * @throws {ChannelClosedError} After `close()` or once the driver stopped.
   * @throws The error of a failed earlier write.
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
   * await driver.closed;
   * ```
   */
  send(item: Out, options?: DriverWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closing || this.#stopped) return Promise.reject(closedError());
    try {
      if (this.#framed.tryFeed(item)) return RESOLVED; // room: no promise of its own
    } catch (error) {
      try {
        this.#rethrow(error, signal);
      } catch (thrown) {
        return Promise.reject(thrown);
      }
    }
    return this.#sendLater(item, options);
  }

  /**
   * `send` must wait for room. Apart from `send` because a function that
   * makes a closure allocates a context on every call, the calls that
   * find room included.
   */
  #sendLater(item: Out, options: DriverWaitOptions | undefined): Promise<void> {
    return this.#framed.feed(item, options).catch((error) => this.#rethrow(error, options?.signal));
  }

  /**
   * Queues `item` if the outgoing queue has room and no `send` waits for
   * room (no waiting, no barging).
   *
   * @param item The message.
   * @returns Whether it was queued (`false`: the item is still yours).
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
   * const driver = new ConnectionDriver(a, { highWaterMark: 1 });
   * assert.equal(driver.trySend(new Uint8Array([1])), true);
   * driver.abort();
   * b.close();
   * await driver.closed.catch(() => {});
   * ```
   */
  trySend(item: Out): boolean {
    if (this.#closing || this.#stopped) throw closedError();
    return this.#framed.tryFeed(item);
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
   * await driver.closed.catch(() => {});
   * ```
   */
  async sendWithAck(item: Out, options?: DriverWaitOptions): Promise<void> {
    await this.send(item, options);
    try {
      await this.#framed.flush();
    } catch (error) {
      this.#rethrow(error, undefined);
    }
  }

  /**
   * Receives the next inbound message; `{ done: true }` once the peer
   * closed its side and every message was taken.
   *
   * **Cancellation:** cancel safe: an aborted call takes no message.
   *
   * Select safety: select-safe (it claims its signal right before it
   * hands out a message, as `Framed.next` does).
   *
   * @param options Cancellation.
   * @returns The next message, or the end.
   * @throws The decode or read error that ended the inbound side (once,
   * after the messages before it), or `abort`'s reason (once).
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
   * await driver.closed;
   * ```
   */
  recv(options?: DriverWaitOptions): Promise<RecvResult<In>> {
    if (this.#draining) return Promise.resolve(DONE);
    const failure = this.#failure;
    if (failure !== undefined) {
      if (failure.reported) return Promise.resolve(DONE);
      failure.reported = true;
      return Promise.reject(failure.error);
    }
    return this.#framed.next(options) as Promise<RecvResult<In>>;
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
   * await driver.closed.catch(() => {});
   * ```
   */
  tryRecv(): RecvResult<In> | undefined {
    if (this.#draining) return DONE;
    const failure = this.#failure;
    if (failure !== undefined) {
      if (failure.reported) return DONE;
      failure.reported = true;
      throw failure.error;
    }
    return this.#framed.tryNext() as RecvResult<In> | undefined;
  }

  /**
   * Iterates inbound messages, each wait stopping when `signal` aborts
   * (rejecting with `signal.reason`, losing no message): a `for await`
   * loop that ends on shutdown. Breaking out stops delivery, as with the
   * driver's own iterator.
   *
   * @param options Cancellation.
   * @returns An async iterator of inbound messages.
   *
   * @example Usage
   * ```ts
   * import { FramedDriver } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new FramedDriver(a, new LinesCodec());
   * await b.write(new TextEncoder().encode("one\n"));
   * const shutdown = new AbortController();
   * const seen: string[] = [];
   * await assert.rejects(async () => {
   *   for await (const line of driver.frames({ signal: shutdown.signal })) {
   *     seen.push(line);
   *     shutdown.abort(new Error("shutting down"));
   *   }
   * }, /shutting down/);
   * assert.deepEqual(seen, ["one"]);
   * driver.abort();
   * b.close();
   * await driver.closed.catch(() => {});
   * ```
   */
  frames(options?: FramedReadNextOptions): AsyncIterableIterator<In, undefined, undefined> {
    const iterator: AsyncIterableIterator<In, undefined, undefined> = {
      next: () => this.recv(options) as Promise<IteratorResult<In, undefined>>,
      return: () => {
        this.#drain();
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
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
   * await driver.closed;
   * ```
   */
  close(options: DriverWaitOptions = {}): Promise<void> {
    this.#closing = true;
    const done = this.#writeDone ??= this.#framed.close().catch((error) => {
      this.#fail(error);
      throw this.#failure!.error;
    });
    done.catch(() => {});
    const { signal } = options;
    if (signal === undefined) return done;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      done.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /**
   * Stops at once: closes the transport, drops what is queued (pending
   * `sendWithAck` calls reject with `reason`), ends the inbound side and
   * makes `closed` reject with `reason`. Does nothing once the driver
   * stopped.
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
   * await assert.rejects(driver.closed, (error) => error === reason);
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
      // Already stopped by an error: `closed` reports it.
    }
    this.#stop();
    await this.#closed.catch(() => {});
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
   * await driver.closed;
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<In, undefined> {
    return this.frames();
  }

  /** Reads and drops the rest of the inbound side, so the peer is never blocked. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    (async () => {
      for (;;) {
        try {
          if ((await this.#framed.next()).done) return;
        } catch {
          return; // the inbound side ended with an error: `closed` reports it
        }
      }
    })();
  }

  /** A write-side error: the driver stops (the first error wins) and it is thrown. */
  #rethrow(error: unknown, signal: AbortSignal | undefined): never {
    if (signal?.aborted && error === signal.reason) throw error;
    if (this.#stopped && this.#failure === undefined) throw closedError();
    if (this.#failure !== undefined) throw this.#failure.error;
    if (error instanceof TypeError || this.#closing) throw closedError();
    if (isWriteFailure(error)) this.#fail(error);
    throw error;
  }

  /** Ends both directions with `error`; the first error wins. */
  #fail(error: unknown): void {
    if (this.#failure !== undefined || this.#stopped) return;
    this.#failure = { error, reported: false };
    this.#framed.writable.abort(error).catch(() => {});
    this.#stop();
  }

  /** Ends the inbound side, ends the write side and closes the transport. */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#closing = true;
    this.#framed.return().catch(() => {});
    this.#closeTransport();
    this.close().catch(() => {});
  }

  #closeTransport(): void {
    try {
      this.#transport.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }
}

/** Errors of the transport's `write`, as opposed to an encoder refusing one item. */
function isWriteFailure(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.WriteZero || error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.NotConnected || error instanceof Deno.errors.ConnectionAborted;
}
