import { mpsc, type MpscReceiver, type MpscSender } from "../sync/mpsc.ts";
import { Waiter, WaitQueue } from "../sync/wait_queue.ts";
import { requireUnstableNet } from "./_unstable_net.ts";
import type { TcpAddress, UdpAddress } from "./addresses.ts";
import { DatagramTooLargeError } from "./datagram_too_large_error.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import { UdpTelemetry } from "./_udp_telemetry.ts";

/** A received datagram and its sender. */
export interface Datagram {
  /** The payload; the caller owns it. */
  data: Uint8Array;
  /** Who sent it. */
  addr: Deno.NetAddr;
}

/**
 * Options for {@linkcode UdpSocket.bind}. With a `meter` (or Deno's
 * OpenTelemetry on), the socket's counters are exported as `weir.udp.*`
 * metrics; with a `tracer`, its life is one span.
 */
export interface UdpSocketOptions extends TelemetryOptions {
  /**
   * The largest datagram accepted, in bytes. Every datagram is received
   * whole into a buffer larger than any UDP payload, so nothing is ever cut
   * short; a larger one is dropped and reported as a
   * {@linkcode DatagramTooLargeError}. At most 65535.
   *
   * @default {65507}
   */
  maxDatagramLength?: number;
  /**
   * Capacity of the outgoing queue, in datagrams. `sendTo` waits while it
   * is full; `trySendTo` returns `false`.
   *
   * @default {64}
   */
  capacity?: number;
  /**
   * Called when sending a queued datagram fails (the socket goes on with
   * the next one). Failures are counted in `sendErrors` either way.
   *
   * @default {undefined}
   */
  onSendError?: (error: unknown, datagram: Datagram) => void;
}

/** Options of the {@linkcode UdpSocket} calls that can wait. */
export interface UdpWaitOptions {
  /**
   * Stops waiting when aborted, rejecting with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

// Larger than any UDP payload (65507 over IPv4, 65527 over IPv6), so a
// datagram that fills it exactly is the only one that could be cut short.
const RECEIVE_BUFFER_SIZE = 65536;
const MAX_DATAGRAM = 65535;
const RESOLVED = Promise.resolve();

type Received = Datagram | { error: unknown };

function closedError(): Deno.errors.BadResource {
  return new Deno.errors.BadResource("UDP socket is closed");
}

function toNetAddr(addr: UdpAddress): Deno.NetAddr {
  const net = addr as Partial<Deno.NetAddr>;
  return net.transport === "udp"
    ? net as Deno.NetAddr
    : { transport: "udp", hostname: addr.hostname, port: addr.port };
}

/**
 * A UDP socket over `Deno.listenDatagram` that never truncates silently,
 * with a bounded outgoing queue, so a receive loop and the sends it
 * triggers run at the same time.
 *
 * - Receiving: {@linkcode UdpSocket.prototype.recvFrom} (or `for await`)
 *   reads each datagram whole; one larger than `maxDatagramLength` rejects
 *   with {@linkcode DatagramTooLargeError} and the socket goes on.
 * - Sending: {@linkcode UdpSocket.prototype.sendTo} queues the datagram and
 *   waits only while the queue is full; the socket sends queued datagrams
 *   in order in the background. {@linkcode UdpSocket.prototype.flush}
 *   waits until everything queued was sent.
 * - Connected mode: {@linkcode UdpSocket.prototype.connect} sets a default
 *   peer for `send`/`recv` (emulated: Deno has no connected datagram
 *   sockets, so `recv` drops datagrams from other senders).
 *
 * Needs `--unstable-net` (or `"unstable": ["net"]` in deno.json).
 *
 * @example An echo round trip
 * ```ts
 * import { UdpSocket } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
 * await using client = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
 * await client.sendTo(new TextEncoder().encode("ping"), server.addr);
 * const { data, addr } = await server.recvFrom();
 * await server.sendTo(data, addr);
 * const reply = await client.recvFrom();
 * assert.equal(new TextDecoder().decode(reply.data), "ping");
 * ```
 */
export class UdpSocket implements AsyncIterable<Datagram>, AsyncDisposable {
  #conn: Deno.DatagramConn;
  #maxDatagramLength: number;
  #onSendError: ((error: unknown, datagram: Datagram) => void) | undefined;
  #buffer: Uint8Array | undefined;
  #receiving = false;
  #ready: Received | undefined;
  #receivers = new WaitQueue<Waiter<Datagram>>();
  #tx: MpscSender<Datagram>;
  #rx: MpscReceiver<Datagram>;
  #sending = false;
  #sendErrors = 0;
  #flushed: PromiseWithResolvers<void> | undefined;
  #peer: Deno.NetAddr | undefined;
  #closed = false;
  #received = 0;
  #sent = 0;
  #truncated = 0;
  #dropped = 0;
  #telemetry: UdpTelemetry | undefined;

  /**
   * Use {@linkcode UdpSocket.bind}; this constructor wraps an open
   * `Deno.DatagramConn` of transport `"udp"`, which the socket then owns.
   *
   * @param conn The datagram connection.
   * @param options Limits and send-error reporting.
   * @throws {RangeError} When `maxDatagramLength` or `capacity` is out of range.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
   * await using socket = new UdpSocket(conn);
   * assert.equal(socket.addr, conn.addr);
   * ```
   */
  constructor(conn: Deno.DatagramConn, options: UdpSocketOptions = {}) {
    const { maxDatagramLength = 65507, capacity = 64, onSendError } = options;
    if (
      !Number.isInteger(maxDatagramLength) || maxDatagramLength < 0 ||
      maxDatagramLength > MAX_DATAGRAM
    ) {
      throw new RangeError(
        `'maxDatagramLength' must be an integer from 0 to ${MAX_DATAGRAM}: received ${maxDatagramLength}`,
      );
    }
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`'capacity' must be a positive integer: received ${capacity}`);
    }
    this.#conn = conn;
    this.#maxDatagramLength = maxDatagramLength;
    this.#onSendError = onSendError;
    [this.#tx, this.#rx] = mpsc<Datagram>(capacity);
    const meter = otelMeter(options.meter);
    const tracer = otelTracer(options.tracer);
    if (meter !== undefined || tracer !== undefined) {
      this.#telemetry = new UdpTelemetry(this, meter, tracer);
    }
  }

  /**
   * Opens a UDP socket bound to `{ hostname, port }` (port 0 picks a free
   * port).
   *
   * @param address Where to bind; the hostname defaults to `127.0.0.1`.
   * @param options Limits and send-error reporting.
   * @returns The bound socket.
   * @throws {Deno.errors.NotSupported} Without `--unstable-net`, naming the flag.
   * @throws {Deno.errors.AddrInUse} When the address is taken.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using socket = UdpSocket.bind({ port: 0 }, { maxDatagramLength: 1500 });
   * assert.equal(socket.addr.hostname, "127.0.0.1");
   * assert.ok(socket.addr.port > 0);
   * ```
   */
  static bind(address: TcpAddress, options?: UdpSocketOptions): UdpSocket {
    requireUnstableNet("UdpSocket");
    const { hostname = "127.0.0.1", port } = address;
    return new UdpSocket(Deno.listenDatagram({ transport: "udp", hostname, port }), options);
  }

  /**
   * The local address.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using socket = UdpSocket.bind({ port: 0 });
   * assert.equal(socket.addr.transport, "udp");
   * ```
   */
  get addr(): Deno.NetAddr {
    return this.#conn.addr as Deno.NetAddr;
  }

  /**
   * The default peer set by {@linkcode UdpSocket.prototype.connect}, if any.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using socket = UdpSocket.bind({ port: 0 });
   * socket.connect({ hostname: "127.0.0.1", port: 9 });
   * assert.equal(socket.peer?.port, 9);
   * ```
   */
  get peer(): Deno.NetAddr | undefined {
    return this.#peer;
  }

  /**
   * How many datagrams wait in the outgoing queue.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using socket = UdpSocket.bind({ port: 0 });
   * assert.equal(socket.queued, 0);
   * ```
   */
  get queued(): number {
    return this.#rx.length;
  }

  /**
   * How many queued datagrams failed to send.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using socket = UdpSocket.bind({ port: 0 });
   * assert.equal(socket.sendErrors, 0);
   * ```
   */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  /**
   * Datagrams received whole (not counting those too large).
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await a.sendTo(new Uint8Array([1]), b.addr);
   * await b.recvFrom();
   * assert.equal(b.datagramsReceived, 1);
   * ```
   */
  get datagramsReceived(): number {
    return this.#received;
  }

  /**
   * Datagrams handed to the system (queued ones count once sent).
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await a.sendTo(new Uint8Array([1]), b.addr);
   * await a.flush();
   * assert.equal(a.datagramsSent, 1);
   * ```
   */
  get datagramsSent(): number {
    return this.#sent;
  }

  /**
   * Datagrams larger than `maxDatagramLength`, which a smaller buffer would
   * have cut short: none is delivered in part, each rejects one receive
   * with {@linkcode DatagramTooLargeError}.
   *
   * @example Usage
   * ```ts
   * import { DatagramTooLargeError, UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 }, { maxDatagramLength: 4 });
   * await a.sendTo(new Uint8Array(5), b.addr);
   * await assert.rejects(b.recvFrom(), DatagramTooLargeError);
   * assert.equal(b.datagramsTruncated, 1);
   * ```
   */
  get datagramsTruncated(): number {
    return this.#truncated;
  }

  /**
   * Datagrams dropped by the socket: from others than the peer of a
   * connected socket (skipped by {@linkcode UdpSocket.prototype.recv}),
   * and, at close, those still queued for sending and one received that
   * no call took.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await using stranger = UdpSocket.bind({ port: 0 });
   * b.connect(a.addr);
   * await stranger.sendTo(new Uint8Array([0]), b.addr);
   * await stranger.flush();
   * await a.sendTo(new Uint8Array([1]), b.addr);
   * await b.recv();
   * assert.equal(b.datagramsDropped, 1);
   * ```
   */
  get datagramsDropped(): number {
    return this.#dropped;
  }

  /**
   * Receives the next datagram and its sender.
   *
   * **Cancellation:** cancel safe: an aborted call takes no datagram (one
   * that arrives later goes to the next call).
   *
   * @param options Cancellation.
   * @returns The datagram, owned by the caller.
   * @throws {DatagramTooLargeError} For a datagram over `maxDatagramLength`
   * (dropped; call again for the next one).
   * @throws {Deno.errors.BadResource} Once the socket is closed.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await a.sendTo(new Uint8Array([1, 2, 3]), b.addr);
   * const { data, addr } = await b.recvFrom();
   * assert.deepEqual([...data], [1, 2, 3]);
   * assert.equal(addr.port, a.addr.port);
   * ```
   */
  recvFrom(options: UdpWaitOptions = {}): Promise<Datagram> {
    const { signal } = options;
    // An aborted signal is refused before anything is taken, even a ready datagram.
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(closedError());
    const ready = this.#ready;
    if (ready !== undefined) {
      this.#ready = undefined;
      return "error" in ready ? Promise.reject(ready.error) : Promise.resolve(ready);
    }
    const waiter = new Waiter<Datagram>(signal);
    this.#receivers.push(waiter);
    this.#receive();
    return waiter.promise;
  }

  /**
   * Queues `data` for `addr`, waiting only while the outgoing queue is
   * full; the socket sends queued datagrams in order in the background
   * (see {@linkcode UdpSocket.prototype.flush}). The socket keeps `data`
   * until it is sent: do not modify it afterwards.
   *
   * **Cancellation:** cancel safe: an aborted call queues nothing.
   *
   * @param data The payload (at most 65535 bytes).
   * @param addr The destination.
   * @param options Cancellation.
   * @throws {RangeError} When `data` is larger than any datagram.
   * @throws {Deno.errors.BadResource} Once the socket is closed.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await a.sendTo(new TextEncoder().encode("hi"), { hostname: "127.0.0.1", port: b.addr.port });
   * assert.equal(new TextDecoder().decode((await b.recvFrom()).data), "hi");
   * ```
   */
  sendTo(data: Uint8Array, addr: UdpAddress, options: UdpWaitOptions = {}): Promise<void> {
    try {
      if (this.trySendTo(data, addr)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return this.#tx.send({ data, addr: toNetAddr(addr) }, options).then(
      () => this.#send(),
      (error) => {
        throw this.#closed ? closedError() : error;
      },
    );
  }

  /**
   * Queues `data` for `addr` if the outgoing queue has room (and no
   * `sendTo` is waiting for room); otherwise returns `false` and queues
   * nothing: a drop-when-full policy.
   *
   * @param data The payload (at most 65535 bytes).
   * @param addr The destination.
   * @returns Whether the datagram was queued.
   * @throws {RangeError} When `data` is larger than any datagram.
   * @throws {Deno.errors.BadResource} Once the socket is closed.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 }, { capacity: 1 });
   * await using b = UdpSocket.bind({ port: 0 });
   * let dropped = 0;
   * for (let i = 0; i < 3; i++) {
   *   if (!a.trySendTo(new Uint8Array([i]), b.addr)) dropped++;
   * }
   * assert.ok(dropped <= 2);
   * ```
   */
  trySendTo(data: Uint8Array, addr: UdpAddress): boolean {
    if (this.#closed) throw closedError();
    if (data.length > MAX_DATAGRAM) {
      throw new RangeError(
        `'data' of ${data.length} bytes is larger than a UDP datagram (${MAX_DATAGRAM} bytes)`,
      );
    }
    if (!this.#tx.trySend({ data, addr: toNetAddr(addr) })) return false;
    this.#send();
    return true;
  }

  /**
   * Sets the default peer for {@linkcode UdpSocket.prototype.send} and
   * {@linkcode UdpSocket.prototype.recv}. Emulated: `recv` drops datagrams
   * from anyone else, as a connected socket's kernel filter would.
   *
   * @param addr The peer.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * a.connect(b.addr);
   * b.connect(a.addr);
   * await a.send(new Uint8Array([42]));
   * assert.deepEqual([...await b.recv()], [42]);
   * ```
   */
  connect(addr: UdpAddress): void {
    this.#peer = { transport: "udp", hostname: addr.hostname, port: addr.port };
  }

  /**
   * Queues `data` for the connected peer. As
   * {@linkcode UdpSocket.prototype.sendTo}.
   *
   * @param data The payload.
   * @param options Cancellation.
   * @throws {TypeError} When the socket is not connected.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * a.connect(b.addr);
   * await a.send(new Uint8Array([7]));
   * assert.deepEqual([...(await b.recvFrom()).data], [7]);
   * ```
   */
  send(data: Uint8Array, options?: UdpWaitOptions): Promise<void> {
    return this.sendTo(data, this.#connectedPeer(), options);
  }

  /**
   * Queues `data` for the connected peer if the outgoing queue has room.
   * As {@linkcode UdpSocket.prototype.trySendTo}.
   *
   * @param data The payload.
   * @returns Whether the datagram was queued (`false`: the queue was full,
   * nothing was queued).
   * @throws {TypeError} When the socket is not connected.
   * @throws {Deno.errors.BadResource} Once the socket is closed.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * a.connect(b.addr);
   * assert.equal(a.trySend(new Uint8Array([5])), true);
   * assert.deepEqual([...(await b.recvFrom()).data], [5]);
   * ```
   */
  trySend(data: Uint8Array): boolean {
    return this.trySendTo(data, this.#connectedPeer());
  }

  /**
   * Receives the next datagram from the connected peer, dropping datagrams
   * from anyone else. As {@linkcode UdpSocket.prototype.recvFrom}.
   *
   * @param options Cancellation.
   * @returns The payload.
   * @throws {TypeError} When the socket is not connected.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * await using stranger = UdpSocket.bind({ port: 0 });
   * b.connect(a.addr);
   * await stranger.sendTo(new Uint8Array([0]), b.addr);
   * await stranger.flush();
   * await a.sendTo(new Uint8Array([1]), b.addr);
   * assert.deepEqual([...await b.recv()], [1]);
   * ```
   */
  async recv(options?: UdpWaitOptions): Promise<Uint8Array> {
    const peer = this.#connectedPeer();
    for (;;) {
      const { data, addr } = await this.recvFrom(options);
      if (addr.port === peer.port && addr.hostname === peer.hostname) return data;
      this.#dropped++;
    }
  }

  /**
   * Waits until every queued datagram was handed to the system.
   *
   * @param options Cancellation (an abort stops the wait, not the sending).
   * @throws {Deno.errors.BadResource} When the socket closes first.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * for (let i = 0; i < 10; i++) await a.sendTo(new Uint8Array([i]), b.addr);
   * await a.flush();
   * assert.equal(a.queued, 0);
   * ```
   */
  flush(options: UdpWaitOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(closedError());
    if (!this.#sending && this.#rx.length === 0) return RESOLVED;
    this.#flushed ??= Promise.withResolvers<void>();
    const flushed = this.#flushed.promise;
    if (signal === undefined) return flushed;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      flushed.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /**
   * Closes the socket at once: queued datagrams are dropped, waiting calls
   * reject with `Deno.errors.BadResource`. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const socket = UdpSocket.bind({ port: 0 });
   * const pending = socket.recvFrom();
   * socket.close();
   * await assert.rejects(pending, Deno.errors.BadResource);
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropped += this.#rx.length;
    this.#tx.close();
    this.#rx.close();
    this.#conn.close();
    for (let waiter; (waiter = this.#receivers.shift()) !== undefined;) {
      waiter.reject(closedError());
    }
    if (this.#ready !== undefined && !("error" in this.#ready)) this.#dropped++;
    this.#ready = undefined;
    const flushed = this.#flushed;
    this.#flushed = undefined;
    flushed?.reject(closedError());
    this.#telemetry?.closed(this);
  }

  /**
   * Sends what is queued, then closes.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   *
   * await using b = UdpSocket.bind({ port: 0 });
   * {
   *   await using a = UdpSocket.bind({ port: 0 });
   *   await a.sendTo(new Uint8Array([1]), b.addr);
   * } // flushed, then closed
   * await b.recvFrom();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.close();
    }
  }

  /**
   * Receives datagrams until the socket is closed (then the loop ends).
   * Breaking out of the loop leaves the socket open. A datagram over
   * `maxDatagramLength` throws {@linkcode DatagramTooLargeError} out of the
   * loop; use {@linkcode UdpSocket.prototype.recvFrom} to skip such
   * datagrams and go on.
   *
   * @returns An async iterator of datagrams.
   *
   * @example Usage
   * ```ts
   * import { UdpSocket } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using a = UdpSocket.bind({ port: 0 });
   * await using b = UdpSocket.bind({ port: 0 });
   * for (let i = 0; i < 3; i++) await a.sendTo(new Uint8Array([i]), b.addr);
   * const seen: number[] = [];
   * for await (const { data } of b) {
   *   seen.push(data[0]!);
   *   if (seen.length === 3) break;
   * }
   * assert.deepEqual(seen, [0, 1, 2]);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Datagram> {
    for (;;) {
      try {
        yield await this.recvFrom();
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
    }
  }

  #connectedPeer(): Deno.NetAddr {
    if (this.#peer === undefined) {
      throw new TypeError("The socket is not connected: call connect(addr) first");
    }
    return this.#peer;
  }

  /** Keeps one receive in flight while someone waits; it survives aborts. */
  #receive(): void {
    if (this.#receiving || this.#closed) return;
    this.#receiving = true;
    const buffer = this.#buffer ??= new Uint8Array(RECEIVE_BUFFER_SIZE);
    this.#conn.receive(buffer).then(([view, addr]) => {
      const size = view.length;
      const tooLarge = size > this.#maxDatagramLength || size === RECEIVE_BUFFER_SIZE;
      if (tooLarge) this.#truncated++;
      else this.#received++;
      this.#deliver(
        tooLarge
          ? {
            error: new DatagramTooLargeError(size, this.#maxDatagramLength, addr as Deno.NetAddr),
          }
          : { data: view.slice(), addr: addr as Deno.NetAddr },
      );
    }, (error) => {
      if (!this.#closed) this.#deliver({ error });
    });
  }

  #deliver(received: Received): void {
    this.#receiving = false;
    const waiter = this.#receivers.shift();
    if (waiter === undefined) {
      this.#ready = received; // an aborted waiter's datagram, for the next call
      return;
    }
    if ("error" in received) waiter.reject(received.error);
    else waiter.resolve(received);
    if (this.#receivers.size > 0) this.#receive();
  }

  /** Starts sending queued datagrams, unless that is under way. */
  #send(): void {
    if (!this.#sending) this.#sendQueued();
  }

  /** Sends queued datagrams one after another until the queue is empty. */
  async #sendQueued(): Promise<void> {
    this.#sending = true;
    for (let next; !this.#closed && (next = this.#rx.tryRecv()) !== undefined && !next.done;) {
      const datagram = next.value;
      try {
        await this.#conn.send(datagram.data, datagram.addr);
        this.#sent++;
      } catch (error) {
        if (this.#closed) break;
        this.#sendErrors++;
        try {
          this.#onSendError?.(error, datagram);
        } catch (thrown) {
          console.error(thrown);
        }
      }
    }
    this.#sending = false;
    const flushed = this.#flushed;
    this.#flushed = undefined;
    flushed?.resolve();
  }
}
