import type { HalfCloseWriter, Reader } from "../io/types.ts";
import { toReadable } from "../io/to_readable.ts";
import { toWritable } from "../io/to_writable.ts";
import { writeAll } from "../io/write_all.ts";
import { idleTimeoutChanged } from "./_server_hooks.ts";
import { TlsHandshakeError } from "./tls_handshake_error.ts";

const RESOLVED = Promise.resolve();

/** Options for {@linkcode Connection.prototype.writeAll}. */
export interface ConnectionWriteOptions {
  /**
   * Stops waiting when aborted, rejecting with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * A TCP, Unix (or TLS) stream connection with a real half-close.
 *
 * It wraps a `Deno.Conn` and fixes the traps of Deno's own streams: reading
 * to the end never closes the socket (reads go through `conn.read`, not
 * `conn.readable`), {@linkcode Connection.prototype.closeWrite} and
 * `writable.close()` send FIN and leave the read direction open (Deno's
 * `conn.writable.close()` closes the whole socket), and
 * {@linkcode Connection.prototype.writeAll} loops over short writes.
 *
 * It is a `read(p)` reader and a `write(p)` writer, so every weir consumer
 * (`BufReader`, `copy`, `FramedRead`, ...) takes its fast path on it.
 * Reading and writing may run at the same time: a write blocked on a peer
 * that does not read never stops reads. Concurrent
 * {@linkcode Connection.prototype.writeAll} calls (and `writable` chunks)
 * are queued and go out one after another, in call order, never
 * interleaved; plain `read` and `write` are single socket calls: run one of
 * each at a time.
 *
 * @typeParam C The wrapped connection type (`Deno.TcpConn`,
 * `Deno.UnixConn`, `Deno.TlsConn`).
 *
 * @example Half-close: the peer reads the end of stream and still replies
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   const buf = new Uint8Array(16);
 *   let total = 0;
 *   for (let n; (n = await conn.read(buf)) !== null;) total += n;
 *   await conn.writeAll(new TextEncoder().encode(`got ${total}`));
 * });
 *
 * await using conn = await connect(server.addr);
 * await conn.writeAll(new TextEncoder().encode("hello"));
 * await conn.closeWrite();
 * const reply = await new Response(conn.readable).text();
 * assert.equal(reply, "got 5");
 * ```
 */
export class Connection<C extends Deno.Conn = Deno.Conn>
  implements Reader, HalfCloseWriter, AsyncDisposable {
  #conn: C;
  #activity = 0;
  #writeClosed = false;
  #closed = false;
  /** `closed`, made when asked for (an idle connection holds no promise). */
  #closedPromise: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  #idleTimeout: number | undefined;
  /** A `writeAll` is writing its bytes; later ones wait in `#queue`. */
  #busy = false;
  /** Starts of the queued `writeAll` calls, oldest first (allocated on first contention). */
  #queue: (() => void)[] | undefined;
  #readable: ReadableStream<Uint8Array> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;
  /** The bytes of the fast-path `writeAll` in flight, for its short-write check. */
  #writing: Uint8Array | undefined;
  /**
   * Counts an I/O call as it settles. One function per connection, no
   * closure per call (bound, not an arrow field: no context object per
   * connection); a counter, not a clock reading (`performance.now()`
   * costs ~80 ns, a good part of a small echo's JavaScript time).
   */
  readonly #readDone: (n: number | null) => number | null = this.#countRead.bind(this);
  readonly #writeDone: (n: number) => number = this.#countWrite.bind(this);

  #countRead(n: number | null): number | null {
    this.#activity++;
    if (n !== null) this.#bytesRead += n;
    return n;
  }

  #countWrite(n: number): number {
    this.#activity++;
    this.#bytesWritten += n;
    return n;
  }
  #bytesRead = 0;
  #bytesWritten = 0;
  /**
   * The `writeAll` fast path's reactions, made on its first use (a
   * connection written only through `write` holds neither).
   */
  #wrote: ((n: number) => Promise<void> | undefined) | undefined;
  #writeFailed: ((error: unknown) => never) | undefined;

  /** Ends the `writeAll` fast path: counts it, and writes the rest after a short write. */
  #wroteAll(n: number): Promise<void> | undefined {
    this.#activity++;
    this.#bytesWritten += n;
    const p = this.#writing!;
    this.#writing = undefined;
    if (n === p.length) {
      this.#next();
      return undefined;
    }
    return this.#writeRest(p.subarray(n));
  }

  #writeAllFailed(error: unknown): never {
    this.#writing = undefined;
    this.#next();
    throw error;
  }

  /**
   * Wraps an open Deno connection; the `Connection` now owns it.
   *
   * @param conn The connection (`Deno.TcpConn`, `Deno.UnixConn`,
   * `Deno.TlsConn`, or any `Deno.Conn`).
   *
   * @example Usage
   * ```ts
   * import { Connection } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = listener.accept();
   * await using client = new Connection(await Deno.connect({ port: listener.addr.port }));
   * await using server = new Connection(await accepted);
   * await client.writeAll(new Uint8Array([7]));
   * const buf = new Uint8Array(1);
   * assert.equal(await server.read(buf), 1);
   * assert.equal(buf[0], 7);
   * ```
   */
  constructor(conn: C) {
    this.#conn = conn;
  }

  /**
   * Resolves once {@linkcode Connection.prototype.close} was called (by
   * anyone: this code, a server, a driver). Never rejects. The peer closing
   * its end is seen by reads (end of stream or an error), not here.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * const conn = await connect(server.addr);
   * setTimeout(() => conn.close(), 1);
   * await conn.closed;
   * ```
   */
  get closed(): Promise<void> {
    if (this.#closedPromise === undefined) {
      if (this.#closed) this.#closedPromise = RESOLVED;
      else {
        const { promise, resolve } = Promise.withResolvers<void>();
        this.#closedPromise = promise;
        this.#resolveClosed = resolve;
      }
    }
    return this.#closedPromise;
  }

  /**
   * This connection's idle timeout in milliseconds, when a server
   * ({@linkcode serve}) runs it: the server closes it after that long
   * without a byte moving either way (its handler's signal aborts with a
   * `TimeoutError`). `0` exempts this connection (a quiet subscriber, say);
   * `undefined` (the default) applies the server's `idleTimeout`. The time
   * counts from the connection's last byte, also when set later. Outside a
   * server nothing watches it.
   *
   * @throws {RangeError} When set to a negative number or `NaN`.
   *
   * @example A subscriber connection that may stay silent
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   conn.idleTimeout = 0; // never closed for being quiet
   *   assert.equal(conn.idleTimeout, 0);
   * }, { idleTimeout: 30_000 });
   * await using conn = await connect(server.addr);
   * assert.equal(await conn.read(new Uint8Array(1)), null);
   * ```
   */
  get idleTimeout(): number | undefined {
    return this.#idleTimeout;
  }

  set idleTimeout(value: number | undefined) {
    if (value !== undefined && !(value >= 0)) {
      throw new RangeError(
        `'idleTimeout' must be a non-negative number of milliseconds or undefined: received ${value}`,
      );
    }
    this.#idleTimeout = value;
    idleTimeoutChanged.get(this)?.(this);
  }

  /**
   * The wrapped Deno connection, for what `Connection` does not cover
   * (`setKeepAlive`, a TLS `handshake()`, ...). Do not use its `readable`
   * or `writable`: reaching their end closes the whole socket.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * await using conn = await connect(server.addr);
   * assert.equal(conn.raw.remoteAddr.transport, "tcp");
   * ```
   */
  get raw(): C {
    return this.#conn;
  }

  /**
   * This end's address.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * await using conn = await connect(server.addr);
   * assert.equal((conn.localAddr as Deno.NetAddr).hostname, "127.0.0.1");
   * ```
   */
  get localAddr(): C["localAddr"] {
    return this.#conn.localAddr;
  }

  /**
   * The peer's address.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * await using conn = await connect(server.addr);
   * assert.equal((conn.remoteAddr as Deno.NetAddr).port, server.addr.port);
   * ```
   */
  get remoteAddr(): C["remoteAddr"] {
    return this.#conn.remoteAddr;
  }

  /**
   * How many reads, writes and TLS handshakes have completed on this
   * connection: it changes whenever bytes move (or the peer's end of stream
   * arrives). A watcher that sees the same count at two instants knows
   * nothing happened in between; a server's `idleTimeout` works this way,
   * without reading a clock on every I/O call.
   *
   * @example Usage
   * ```ts
   * import { Connection } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = listener.accept();
   * await using conn = new Connection(await Deno.connect({ port: listener.addr.port }));
   * (await accepted).close();
   * assert.equal(conn.activity, 0);
   * assert.equal(await conn.read(new Uint8Array(1)), null);
   * assert.equal(conn.activity, 1);
   * ```
   */
  get activity(): number {
    return this.#activity;
  }

  /**
   * Bytes read from this connection so far (as Node's `socket.bytesRead`).
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   await conn.writeAll(new TextEncoder().encode("hello"));
   * });
   * await using conn = await connect(server.addr);
   * await new Response(conn.readable).arrayBuffer();
   * assert.equal(conn.bytesRead, 5);
   * ```
   */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /**
   * Bytes written to this connection so far: the bytes the socket took, so
   * a write that failed half way counts its written part.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * await using conn = await connect(server.addr);
   * await conn.writeAll(new Uint8Array(3));
   * assert.equal(conn.bytesWritten, 3);
   * ```
   */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /**
   * Reads up to `p.length` bytes into `p`; `null` at the end of stream.
   * Reaching the end of stream leaves the socket open: this side can still
   * write.
   *
   * **Cancellation:** a pending read cannot be withdrawn; closing the
   * connection rejects it with `Deno.errors.Interrupted`.
   *
   * @param p Where to put the bytes.
   * @returns The number of bytes read, or `null` at the end of stream.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   await conn.writeAll(new Uint8Array([1, 2, 3]));
   * });
   * await using conn = await connect(server.addr);
   * const buf = new Uint8Array(8);
   * let total = 0;
   * for (let n; (n = await conn.read(buf.subarray(total))) !== null;) total += n;
   * assert.deepEqual([...buf.subarray(0, total)], [1, 2, 3]);
   * ```
   */
  read(p: Uint8Array): Promise<number | null> {
    return this.#conn.read(p).then(this.#readDone);
  }

  /**
   * Writes a prefix of `p` and resolves how many bytes the socket took
   * (short writes happen; {@linkcode Connection.prototype.writeAll} loops).
   *
   * @param p The bytes to write.
   * @returns The number of bytes written.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * await using conn = await connect(server.addr);
   * assert.equal(await conn.write(new Uint8Array([1, 2])), 2);
   * ```
   */
  write(p: Uint8Array): Promise<number> {
    return this.#conn.write(p).then(this.#writeDone);
  }

  /**
   * Writes every byte of `p`, looping over short writes.
   *
   * Calls made while another `writeAll` is still writing are queued and
   * start, in call order, once the bytes before them are out: two
   * concurrent messages never interleave on the wire. A failed write does
   * not stop the queue (the next call meets the broken socket itself).
   *
   * **Cancellation:** an abort before this call's turn comes takes it out
   * of the queue (nothing written). Once writing started it is not cancel
   * safe: the call rejects at once with `signal.reason`, even while the
   * write is blocked on a peer that does not read, but a prefix of `p` may
   * already be on the wire and the rest still goes out (later calls keep
   * waiting for it). Close the connection after aborting.
   *
   * @param p The bytes to write.
   * @param options Cancellation.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * let received = 0;
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   const buf = new Uint8Array(65536);
   *   for (let n; (n = await conn.read(buf)) !== null;) received += n;
   * });
   * const conn = await connect(server.addr);
   * await conn.writeAll(new Uint8Array(1 << 20));
   * await conn.closeWrite();
   * await conn.read(new Uint8Array(1)); // the server closes after reading it all
   * conn.close();
   * assert.equal(received, 1 << 20);
   * ```
   *
   * @example Two tasks writing at once: whole messages, in call order
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   await conn.readable.pipeTo(conn.writable);
   * });
   * await using conn = await connect(server.addr);
   * const a = new Uint8Array(1 << 20).fill(97);
   * const b = new Uint8Array(1 << 20).fill(98);
   * const echoed = new Response(conn.readable).arrayBuffer();
   * await Promise.all([conn.writeAll(a), conn.writeAll(b)]);
   * await conn.closeWrite();
   * const bytes = new Uint8Array(await echoed);
   * assert.equal(bytes.indexOf(98), 1 << 20); // every "a" before the first "b"
   * ```
   */
  writeAll(p: Uint8Array, options?: ConnectionWriteOptions): Promise<void> {
    const signal = options?.signal;
    if (signal === undefined && !this.#busy && p.length !== 0) {
      // The usual case: nothing queued, one write takes everything. No loop,
      // no async frame, no closure.
      this.#busy = true;
      this.#writing = p;
      return this.#conn.write(p).then(
        this.#wrote ??= (n) => this.#wroteAll(n),
        this.#writeFailed ??= (error) => this.#writeAllFailed(error),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (p.length === 0) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const onAbort = () => {
        if (!started) {
          const queue = this.#queue!;
          queue.splice(queue.indexOf(start), 1);
        }
        reject(signal!.reason);
      };
      const start = () => {
        started = true;
        const written = this.#writeRest(p);
        if (signal === undefined) return written.then(resolve, reject);
        written.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.#busy) (this.#queue ??= []).push(start);
      else {
        this.#busy = true;
        start();
      }
    });
  }

  /** Writes all of `p` (the caller holds the write turn), then hands the turn on. */
  #writeRest(p: Uint8Array): Promise<void> {
    const written = writeAll(this, p);
    const next = () => this.#next();
    written.then(next, next);
    return written;
  }

  /** Passes the write turn to the oldest queued `writeAll`, or frees it. */
  #next(): void {
    const start = this.#queue?.shift();
    if (start === undefined) this.#busy = false;
    else start();
  }

  /**
   * Shuts down the write direction (TCP FIN): the peer reads the end of
   * stream, and this side keeps reading until the peer closes. Later writes
   * fail with `Deno.errors.BrokenPipe`. Idempotent; call it after pending
   * writes settled.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   while ((await conn.read(new Uint8Array(8))) !== null);
   *   await conn.writeAll(new TextEncoder().encode("bye"));
   * });
   * await using conn = await connect(server.addr);
   * await conn.closeWrite();
   * assert.equal(await new Response(conn.readable).text(), "bye");
   * ```
   */
  async closeWrite(): Promise<void> {
    if (this.#writeClosed || this.#closed) return;
    this.#writeClosed = true;
    await this.#conn.closeWrite();
  }

  /**
   * Closes the socket in both directions at once. A pending read or write
   * rejects. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * const conn = await connect(server.addr);
   * conn.close();
   * conn.close();
   * await assert.rejects(conn.read(new Uint8Array(1)), Deno.errors.BadResource);
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch (error) {
      // Already closed by someone holding `raw`: nothing left to release.
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    } finally {
      this.#resolveClosed?.();
      this.#resolveClosed = undefined;
    }
  }

  /**
   * The read direction as a byte stream (BYOB reads supported). Unlike
   * Deno's `conn.readable`, its end does not close the socket, and
   * cancelling it stops nothing but the stream. Created on first use; do
   * not mix it with {@linkcode Connection.prototype.read}.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   await conn.writeAll(new TextEncoder().encode("streamed"));
   * });
   * await using conn = await connect(server.addr);
   * assert.equal(await new Response(conn.readable).text(), "streamed");
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    // A reader without `close`, so cancelling the stream leaves the socket open.
    return this.#readable ??= toReadable({ read: (p) => this.read(p) });
  }

  /**
   * The write direction as a stream: each chunk is written in full,
   * `close()` half-closes (FIN, reading goes on) and `abort()` closes the
   * whole socket (the peer must not mistake a failure for a clean end).
   * Created on first use.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   const text = await new Response(conn.readable).text();
   *   await conn.writeAll(new TextEncoder().encode(text.toUpperCase()));
   * });
   * await using conn = await connect(server.addr);
   * await ReadableStream.from([new TextEncoder().encode("shout")]).pipeTo(conn.writable);
   * assert.equal(await new Response(conn.readable).text(), "SHOUT");
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    // Chunks go through writeAll, so they queue with direct writeAll calls.
    const queued: HalfCloseWriter & { close(): void } = {
      write: (p) => this.writeAll(p).then(() => p.length),
      closeWrite: () => this.closeWrite(),
      close: () => this.close(),
    };
    return this.#writable ??= toWritable(queued);
  }

  /**
   * For a TLS connection: completes the handshake if it has not happened
   * yet and resolves what it negotiated, `{ alpnProtocol }` (`null` when no
   * ALPN protocol was agreed on). Later calls resolve the same at once.
   * `connect` with `tls`, `upgradeTls` and a TLS `serve` complete the
   * handshake before handing the connection over.
   *
   * **Cancellation:** a pending handshake cannot be withdrawn; closing the
   * connection rejects it.
   *
   * @returns The negotiated parameters.
   * @throws {TlsHandshakeError} When the handshake fails (`cause` holds
   * Deno's error).
   * @throws {TypeError} When the connection is not TLS.
   * @throws {Deno.errors.BadResource} When the connection is closed.
   *
   * @example ALPN: the server picks the protocol both sides offer
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/fixtures/server.pem");
   * const key = await Deno.readTextFile("tests/fixtures/server.key");
   * const ca = await Deno.readTextFile("tests/fixtures/ca.pem");
   * await using server = serve(
   *   { hostname: "127.0.0.1", port: 0, tls: { cert, key, alpnProtocols: ["weir/2", "weir/1"] } },
   *   async (conn) => {
   *     const { alpnProtocol } = await conn.handshake();
   *     await conn.writeAll(new TextEncoder().encode(`speaking ${alpnProtocol}`));
   *   },
   * );
   * await using conn = await connect({
   *   ...server.addr,
   *   tls: { caCerts: [ca], alpnProtocols: ["weir/1"] },
   * });
   * assert.equal((await conn.handshake()).alpnProtocol, "weir/1");
   * assert.equal(await new Response(conn.readable).text(), "speaking weir/1");
   * ```
   */
  async handshake(): Promise<Deno.TlsHandshakeInfo> {
    const conn: Deno.Conn & Partial<Pick<Deno.TlsConn, "handshake">> = this.#conn;
    if (conn.handshake === undefined) {
      throw new TypeError(
        `Connection is not TLS: a ${conn.remoteAddr.transport} connection has no handshake`,
      );
    }
    if (this.#closed) throw new Deno.errors.BadResource("Connection is closed");
    let info: Deno.TlsHandshakeInfo;
    try {
      info = await conn.handshake();
    } catch (error) {
      throw new TlsHandshakeError(conn.remoteAddr as Deno.NetAddr, { cause: error });
    }
    this.#activity++;
    return info;
  }

  /**
   * Closes the socket (nothing is buffered here, so nothing to flush).
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * {
   *   await using _conn = await connect(server.addr);
   * } // closed here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
