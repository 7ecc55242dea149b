import { type Clock, systemClock } from "../time/clock.ts";
import { requireUnstableNet } from "./_unstable_net.ts";
import type { TcpAddress, UnixAddress } from "./connect.ts";
import { Connection } from "./connection.ts";
import { handshakeFirst } from "./_tls.ts";
import type { TlsListenAddress } from "./tls_options.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import type { ServerStats } from "./server_stats.ts";
import { type ConnectionTrace, ServerCounters, ServerTelemetry } from "./_server_telemetry.ts";

/** A TCP address to listen on, optionally shared with other listeners. */
export interface TcpListenAddress extends TcpAddress {
  /**
   * Lets several listeners (one per Worker) bind the same port, the kernel
   * spreading connections among them (Linux `SO_REUSEPORT`). Needs
   * `--unstable-net`; without it `serve` throws `Deno.errors.NotSupported`
   * (Deno itself would exit the process with code 70).
   *
   * @default {false}
   */
  reusePort?: boolean;
  /**
   * Size of the kernel's queue of connections not yet accepted (where
   * connections over `maxConnections` wait). The kernel may round it or cap
   * it at `net.core.somaxconn`.
   *
   * @default {511}
   */
  backlog?: number;
}

/** An already open listener for {@linkcode serve} to accept from. */
export interface ListenerTarget<A extends Deno.Addr = Deno.Addr> {
  /** The listener; the server closes it when it shuts down. */
  listener: Deno.Listener<Deno.Conn, A>;
}

/** Where {@linkcode serve} listens. */
export type ServeTarget = TcpListenAddress | TlsListenAddress | UnixAddress | ListenerTarget;

/** The address type of the listener a {@linkcode ServeTarget} opens. */
export type ServeAddr<T extends ServeTarget> = T extends ListenerTarget<infer A> ? A
  : T extends UnixAddress ? Deno.UnixAddr
  : Deno.NetAddr;

/** What a {@linkcode ConnectionHandler} is given besides the connection. */
export interface HandlerContext {
  /**
   * Aborted when the server shuts down (reason: a `DOMException` named
   * `AbortError`) or the connection was idle too long (a `DOMException`
   * named `TimeoutError`). Finish up when it fires.
   */
  signal: AbortSignal;
}

/**
 * Serves one connection. The server closes the connection when the handler
 * settles; a rejection goes to `onError` and never stops the server.
 */
export type ConnectionHandler = (
  conn: Connection,
  context: HandlerContext,
) => void | Promise<void>;

/** Options for {@linkcode serve}. */
export interface ServeOptions extends TelemetryOptions {
  /**
   * At most this many connections are open at once. At the limit the server
   * stops accepting: further connections wait in the kernel's listen
   * backlog (costing no memory here) until one closes.
   *
   * @default {Infinity}
   */
  maxConnections?: number;
  /**
   * Closes a connection that moved no byte in either direction for this
   * many milliseconds (its handler's signal aborts with a `TimeoutError`).
   * Connections are checked by one sweep every `idleTimeout / 4` ms, so
   * the close comes between `idleTimeout` and `1.25 × idleTimeout` after
   * the last byte; I/O calls never read a clock.
   *
   * @default {Infinity}
   */
  idleTimeout?: number;
  /**
   * Starts a graceful {@linkcode Server.prototype.shutdown} when aborted.
   *
   * @default {undefined}
   */
  shutdownSignal?: AbortSignal;
  /**
   * How long a shutdown waits for handlers to finish before closing the
   * connections that remain, in milliseconds.
   *
   * @default {10000}
   */
  gracePeriod?: number;
  /**
   * Called with a handler's error (and its connection) or an accept error
   * (no connection). Errors of connections the server itself closed (idle
   * or after the grace period) are not reported.
   *
   * @default {console.error}
   */
  onError?: (error: unknown, conn: Connection | undefined) => void;
  /**
   * Sets `TCP_NODELAY` on every accepted TCP socket.
   *
   * @default {true}
   */
  noDelay?: boolean;
  /**
   * The clock for `idleTimeout`, `gracePeriod` and accept-error back-off.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/** Options for {@linkcode Server.prototype.shutdown}. */
export interface ShutdownOptions {
  /**
   * Overrides the server's `gracePeriod` for this shutdown.
   *
   * @default {undefined}
   */
  gracePeriod?: number;
}

/** Counts a TLS handshake in a server's stats: a door into `Server` for {@linkcode serve}. */
let recordHandshake: (server: Server, ms: number, error: unknown) => void;

/** Pause after an accept error (out of file descriptors, ...) before retrying. */
const ACCEPT_BACKOFF_MS = 100;

interface Tracked {
  /** Only with an idle timeout; otherwise handlers share the server's signal. */
  controller: AbortController | undefined;
  /** The connection's activity count at the last idle sweep (-1 before the first). */
  seen: number;
  /** Idle sweeps in a row that found no activity. */
  quiet: number;
  closedByServer: boolean;
  /** Only with a meter or a tracer. */
  trace: ConnectionTrace | undefined;
  /** What ended the connection, for its span and duration (an error of its handler). */
  error: unknown;
}

/** Idle sweeps per `idleTimeout`: a connection closes within 1.25 × `idleTimeout` of its last byte. */
const SWEEPS_PER_IDLE_TIMEOUT = 4;

function checkDuration(name: string, value: number): void {
  if (!(value >= 0)) {
    throw new RangeError(
      `'${name}' must be a non-negative number of milliseconds: received ${value}`,
    );
  }
}

/**
 * A running stream server, from {@linkcode serve}: an accept loop that
 * hands each connection to a handler, with a connection limit, an idle
 * timeout and graceful shutdown.
 *
 * @typeParam A The listener's address type.
 *
 * @example Usage
 * ```ts
 * import { connect, Server } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * await using server = new Server(listener, async (conn) => {
 *   await conn.writeAll(new TextEncoder().encode("hello"));
 * });
 * await using conn = await connect(server.addr);
 * assert.equal(await new Response(conn.readable).text(), "hello");
 * ```
 */
export class Server<A extends Deno.Addr = Deno.Addr> implements AsyncDisposable {
  #listener: Deno.Listener<Deno.Conn, A>;
  #handler: ConnectionHandler;
  #maxConnections: number;
  #idleTimeout: number;
  /** Milliseconds between idle sweeps, and how many quiet sweeps in a row close a connection. */
  #sweepStep: number;
  #quietSweeps: number;
  #gracePeriod: number;
  #onError: (error: unknown, conn: Connection | undefined) => void;
  #noDelay: boolean;
  #clock: Clock;
  #conns = new Map<Connection, Tracked>();
  #cancelSweep: (() => void) | undefined;
  #shutdownController = new AbortController();
  #stopping = false;
  #wake: (() => void) | undefined;
  #drained: (() => void) | undefined;
  #accepting: Promise<void>;
  #shutdown: Promise<void> | undefined;
  #finished = Promise.withResolvers<void>();
  #stats: ServerCounters = new ServerCounters(this.#conns);
  #telemetry: ServerTelemetry | undefined;

  static {
    recordHandshake = (server, ms, error) => server.#recordHandshake(ms, error);
  }

  /**
   * Starts serving connections accepted from `listener` (see
   * {@linkcode serve}, which also opens the listener).
   *
   * @param listener Where connections come from; the server closes it on
   * shutdown.
   * @param handler Serves one connection.
   * @param options Limits, idle timeout, shutdown, error reporting.
   * @throws {RangeError} When a limit or duration is negative or not a number.
   *
   * @example Usage
   * ```ts
   * import { Server } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const server = new Server(listener, () => {}, { maxConnections: 100 });
   * assert.equal(server.connections, 0);
   * await server.shutdown();
   * ```
   */
  constructor(
    listener: Deno.Listener<Deno.Conn, A>,
    handler: ConnectionHandler,
    options: ServeOptions = {},
  ) {
    const {
      maxConnections = Infinity,
      idleTimeout = Infinity,
      gracePeriod = 10_000,
      onError = (error: unknown) => console.error(error),
      noDelay = true,
      clock = systemClock,
      shutdownSignal,
    } = options;
    const meter = otelMeter(options.meter);
    const tracer = otelTracer(options.tracer);
    if (
      !(maxConnections >= 1) || !(Number.isInteger(maxConnections) || maxConnections === Infinity)
    ) {
      throw new RangeError(
        `'maxConnections' must be a positive integer: received ${maxConnections}`,
      );
    }
    checkDuration("idleTimeout", idleTimeout);
    checkDuration("gracePeriod", gracePeriod);
    this.#listener = listener;
    this.#handler = handler;
    this.#maxConnections = maxConnections;
    this.#idleTimeout = idleTimeout;
    // Sweeps every idleTimeout / 4 ms; under 4 ms, every millisecond.
    this.#sweepStep = Math.max(1, idleTimeout / SWEEPS_PER_IDLE_TIMEOUT);
    this.#quietSweeps = idleTimeout >= SWEEPS_PER_IDLE_TIMEOUT
      ? SWEEPS_PER_IDLE_TIMEOUT
      : Math.max(1, Math.ceil(idleTimeout));
    this.#gracePeriod = gracePeriod;
    this.#onError = onError;
    this.#noDelay = noDelay;
    this.#clock = clock;
    if (meter !== undefined || tracer !== undefined) {
      this.#telemetry = new ServerTelemetry(meter, tracer, listener.addr, this.#stats);
    }
    this.#accepting = this.#acceptLoop();
    if (shutdownSignal !== undefined) {
      if (shutdownSignal.aborted) this.shutdown();
      else {
        const onAbort = () => this.shutdown();
        shutdownSignal.addEventListener("abort", onAbort, { once: true });
        this.#finished.promise.then(() => shutdownSignal.removeEventListener("abort", onAbort));
      }
    }
  }

  /**
   * The address the server listens on (with the real port when it was
   * given port 0).
   *
   * @example Usage
   * ```ts
   * import { serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * assert.ok(server.addr.port > 0);
   * ```
   */
  get addr(): A {
    return this.#listener.addr;
  }

  /**
   * The number of connections open right now.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const opened = Promise.withResolvers<void>();
   * const release = Promise.withResolvers<void>();
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async () => {
   *   opened.resolve();
   *   await release.promise;
   * });
   * await using _conn = await connect(server.addr);
   * await opened.promise;
   * assert.equal(server.connections, 1);
   * release.resolve();
   * ```
   */
  get connections(): number {
    return this.#conns.size;
  }

  /**
   * The server's counters and gauges, live (the same object every time):
   * connections accepted, open, rejected, closed idle, failed TLS
   * handshakes, errors, bytes each way, and TLS handshake durations.
   * With a `meter` (or Deno's OpenTelemetry on), the same counts are
   * exported as `weir.server.*` metrics.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
   *   await conn.readable.pipeTo(conn.writable);
   * });
   * {
   *   await using conn = await connect(server.addr);
   *   await conn.writeAll(new TextEncoder().encode("ping"));
   *   await conn.closeWrite();
   *   await new Response(conn.readable).arrayBuffer();
   * }
   * while (server.stats.active > 0) await new Promise((r) => setTimeout(r, 1));
   * assert.equal(server.stats.accepted, 1);
   * assert.equal(server.stats.bytesRead, 4);
   * assert.equal(server.stats.bytesWritten, 4);
   * ```
   */
  get stats(): ServerStats {
    return this.#stats;
  }

  /**
   * Resolves once the server has stopped: the listener is closed and every
   * connection is closed. Never rejects.
   *
   * @example Usage
   * ```ts
   * import { serve } from "@weir/weir/net";
   *
   * const controller = new AbortController();
   * const server = serve({ hostname: "127.0.0.1", port: 0 }, () => {}, {
   *   shutdownSignal: controller.signal,
   * });
   * controller.abort();
   * await server.finished;
   * ```
   */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /**
   * Shuts down gracefully: stops accepting, aborts every handler's signal,
   * waits up to the grace period for handlers to finish, then closes the
   * connections that remain. Resolves when the server has stopped (as
   * {@linkcode Server.prototype.finished}). Idempotent.
   *
   * @param options A grace period for this shutdown.
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn, { signal }) => {
   *   // A handler that finishes its reply when told to stop.
   *   await new Promise((resolve) => signal.addEventListener("abort", resolve));
   *   await conn.writeAll(new TextEncoder().encode("goodbye"));
   * });
   * await using conn = await connect(server.addr);
   * while (server.connections === 0) await new Promise((r) => setTimeout(r, 1));
   * const stopped = server.shutdown({ gracePeriod: 5_000 });
   * assert.equal(await new Response(conn.readable).text(), "goodbye");
   * await stopped;
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { gracePeriod = this.#gracePeriod } = options;
    checkDuration("gracePeriod", gracePeriod);
    this.#shutdown ??= this.#stop(gracePeriod);
    return this.#shutdown;
  }

  /**
   * Same as {@linkcode Server.prototype.shutdown}.
   *
   * @example Usage
   * ```ts
   * import { serve } from "@weir/weir/net";
   *
   * {
   *   await using _server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
   * } // shut down here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#stopping) {
      if (this.#conns.size >= this.#maxConnections) {
        // At the limit: leave further connections in the kernel backlog.
        await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      let raw: Deno.Conn;
      try {
        raw = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping) return;
        if (error instanceof Deno.errors.BadResource) {
          // Closed under us: nothing more will ever be accepted.
          this.shutdown();
          return;
        }
        this.#stats.errors++;
        this.#report(error, undefined);
        await new Promise<void>((resolve) => {
          const cancel = this.#clock.setTimer(resolve, ACCEPT_BACKOFF_MS);
          this.#wake = () => {
            cancel();
            resolve();
          };
        });
        continue;
      }
      this.#start(raw);
    }
  }

  #start(raw: Deno.Conn): void {
    if (this.#noDelay && "setNoDelay" in raw) (raw as Deno.TcpConn).setNoDelay(true);
    const conn = new Connection(raw);
    const idle = this.#idleTimeout !== Infinity;
    const tracked: Tracked = {
      controller: idle ? new AbortController() : undefined,
      seen: -1,
      quiet: 0,
      closedByServer: false,
      trace: this.#telemetry?.opened(conn),
      error: undefined,
    };
    this.#stats.accepted++;
    this.#conns.set(conn, tracked);
    if (idle && this.#cancelSweep === undefined) this.#scheduleSweep();
    this.#serveOne(conn, tracked, tracked.controller?.signal ?? this.#shutdownController.signal);
  }

  async #serveOne(conn: Connection, tracked: Tracked, signal: AbortSignal): Promise<void> {
    try {
      await this.#handler(conn, { signal });
    } catch (error) {
      tracked.error = error;
      if (!tracked.closedByServer) {
        this.#stats.errors++;
        this.#report(error, conn);
      }
    } finally {
      this.#close(conn, tracked, false);
    }
  }

  /**
   * One timer for the whole server, not a clock reading per I/O call: every
   * `idleTimeout / 4` ms (at least 1 ms) it compares each connection's
   * activity count with the last sweep's, and closes the connections that
   * showed none for a whole `idleTimeout`.
   */
  #scheduleSweep(): void {
    this.#cancelSweep = this.#clock.setTimer(() => {
      this.#cancelSweep = undefined;
      for (const [conn, tracked] of this.#conns) {
        const activity = conn.activity;
        if (activity !== tracked.seen) {
          tracked.seen = activity;
          tracked.quiet = 0;
        } else if (++tracked.quiet >= this.#quietSweeps) {
          const reason = new DOMException(
            `Connection was idle for ${this.#idleTimeout} ms`,
            "TimeoutError",
          );
          tracked.error = reason;
          this.#stats.idleClosed++;
          tracked.controller!.abort(reason);
          this.#close(conn, tracked, true);
        }
      }
      if (this.#conns.size > 0) this.#scheduleSweep();
    }, this.#sweepStep);
  }

  /** Closes a connection and frees its slot (once; its handler may still run). */
  #close(conn: Connection, tracked: Tracked, byServer: boolean): void {
    if (!this.#conns.has(conn)) return;
    this.#stats.closing(conn);
    this.#conns.delete(conn);
    tracked.closedByServer = byServer;
    conn.close();
    if (tracked.trace !== undefined) this.#telemetry!.closed(conn, tracked.trace, tracked.error);
    this.#wake?.();
    this.#wake = undefined;
    if (this.#conns.size === 0) {
      this.#cancelSweep?.();
      this.#cancelSweep = undefined;
      this.#drained?.();
    }
  }

  #report(error: unknown, conn: Connection | undefined): void {
    try {
      this.#onError(error, conn);
    } catch (thrown) {
      console.error(thrown);
    }
  }

  #recordHandshake(ms: number, error: unknown): void {
    this.#stats.handshakeDuration.record(ms);
    if (error !== undefined) this.#stats.handshakeFailures++;
    this.#telemetry?.handshake(ms, error);
  }

  async #stop(gracePeriod: number): Promise<void> {
    this.#stopping = true;
    try {
      this.#listener.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    this.#wake?.();
    this.#wake = undefined;
    const reason = new DOMException("The server is shutting down", "AbortError");
    this.#shutdownController.abort(reason);
    for (const tracked of this.#conns.values()) tracked.controller?.abort(reason);
    if (this.#conns.size > 0) {
      let cancelGrace: () => void = () => {};
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        cancelGrace = this.#clock.setTimer(resolve, gracePeriod);
      });
      cancelGrace();
      for (const [conn, tracked] of this.#conns) this.#close(conn, tracked, true);
    }
    await this.#accepting;
    this.#telemetry?.stop();
    this.#finished.resolve();
  }
}

/**
 * Listens on a TCP address, a Unix socket path, or a given listener, and
 * serves every connection with `handler(conn, { signal })`, each in its own
 * task, until shut down.
 *
 * - `maxConnections`: at the limit the server stops accepting, so excess
 *   connections wait in the kernel backlog, not in memory.
 * - `idleTimeout`: a connection that moved no byte either way for that long
 *   is closed.
 * - Shutdown (`shutdown()`, `shutdownSignal`, `await using`): stop
 *   accepting, abort the handlers' signals, wait up to `gracePeriod`, then
 *   close what remains.
 * - A handler's error goes to `onError` and never stops the server; the
 *   connection is closed when its handler settles.
 * - `tls: { cert, key }`: TLS. Each handshake completes before the handler
 *   runs, within `tls.handshakeTimeout`; a failed or stalled handshake
 *   closes that connection and goes to `onError` (a `TlsHandshakeError`, or
 *   a `DOMException` named `TimeoutError`).
 *
 * @param target `{ hostname, port }` (default hostname `127.0.0.1`; port 0
 * picks a free port), the same with `tls` to serve TLS, `{ path }` for a
 * Unix socket, or `{ listener }`.
 * @param handler Serves one connection.
 * @param options Limits, idle timeout, shutdown, error reporting.
 * @returns The running server.
 * @throws {Deno.errors.AddrInUse} When the address is taken.
 * @throws {Deno.errors.NotSupported} When `reusePort` is asked for without
 * `--unstable-net`.
 * @throws {Deno.errors.InvalidData} When the TLS certificate or key cannot
 * be read.
 *
 * @example An echo server with a connection limit
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve(
 *   { hostname: "127.0.0.1", port: 0 },
 *   async (conn) => {
 *     await conn.readable.pipeTo(conn.writable);
 *   },
 *   { maxConnections: 1_000, idleTimeout: 30_000 },
 * );
 * await using conn = await connect(server.addr);
 * await conn.writeAll(new TextEncoder().encode("echo"));
 * await conn.closeWrite();
 * assert.equal(await new Response(conn.readable).text(), "echo");
 * ```
 *
 * @example A Unix socket server
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/weir.sock`;
 * {
 *   await using _server = serve({ path }, async (conn) => {
 *     await conn.writeAll(new TextEncoder().encode("unix"));
 *   });
 *   await using conn = await connect({ path });
 *   assert.equal(await new Response(conn.readable).text(), "unix");
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example A TLS server; a client that does not trust its CA is turned away
 * ```ts
 * import { connect, serve, TlsHandshakeError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * // Certificates for localhost from this repository's tests.
 * const cert = await Deno.readTextFile("tests/fixtures/server.pem");
 * const key = await Deno.readTextFile("tests/fixtures/server.key");
 * const errors: unknown[] = [];
 * await using server = serve(
 *   { hostname: "127.0.0.1", port: 0, tls: { cert, key, handshakeTimeout: 5_000 } },
 *   async (conn) => {
 *     await conn.writeAll(new TextEncoder().encode("over TLS"));
 *   },
 *   { onError: (error) => errors.push(error) },
 * );
 * await assert.rejects(connect({ ...server.addr, tls: {} }), TlsHandshakeError);
 * const ca = await Deno.readTextFile("tests/fixtures/ca.pem");
 * await using conn = await connect({ ...server.addr, tls: { caCerts: [ca] } });
 * assert.equal(await new Response(conn.readable).text(), "over TLS");
 * assert.ok(errors[0] instanceof TlsHandshakeError); // reported by the server
 * ```
 */
export function serve<T extends ServeTarget>(
  target: T,
  handler: ConnectionHandler,
  options: ServeOptions = {},
): Server<ServeAddr<T>> {
  let server: Server<ServeAddr<T>> | undefined;
  const serveHandler = "tls" in target
    ? handshakeFirst(
      handler,
      target.tls,
      options.clock,
      (ms, error) => recordHandshake(server!, ms, error),
    )
    : handler;
  const listener = listen(target) as Deno.Listener<Deno.Conn, ServeAddr<T>>;
  try {
    return server = new Server(listener, serveHandler, options);
  } catch (error) {
    // Bad options: do not leave a listener we opened behind.
    if (!("listener" in target)) listener.close();
    throw error;
  }
}

function listen(target: ServeTarget): Deno.Listener {
  if ("listener" in target) return target.listener;
  if ("path" in target) return Deno.listen({ transport: "unix", path: target.path });
  const { hostname = "127.0.0.1", port, reusePort = false, backlog = 511 } = target;
  if (reusePort) requireUnstableNet("reusePort");
  const tcp = { hostname, port, tcpBacklog: backlog, ...(reusePort ? { reusePort } : {}) };
  if (!("tls" in target)) return Deno.listen(tcp);
  const { cert, key, alpnProtocols } = target.tls;
  return Deno.listenTls({ ...tcp, cert, key, ...(alpnProtocols ? { alpnProtocols } : {}) });
}
