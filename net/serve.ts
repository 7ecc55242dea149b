import { type Clock, systemClock } from "../time/clock.ts";
import { rateLimitedLog } from "./_error_log.ts";
import { idleTimeoutChanged } from "./_server_hooks.ts";
import { requireUnstableNet } from "./_unstable_net.ts";
import type { TcpListenAddress, TlsListenAddress, UnixAddress } from "./addresses.ts";
import { Connection } from "./connection.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import type { ServerStats } from "./server_stats.ts";
import { type ConnectionTrace, ServerCounters, ServerTelemetry } from "./_server_telemetry.ts";

/** An already open listener for {@linkcode serve} to accept from. */
export interface ListenerTarget<A extends Deno.Addr = Deno.Addr> {
  /** The listener; the server closes it when it shuts down. */
  listener: Deno.Listener<Deno.Conn<A>, A>;
}

/** Where {@linkcode serve} listens. */
export type ServeTarget =
  | TcpListenAddress
  | TlsListenAddress
  | UnixAddress
  | ListenerTarget<Deno.NetAddr>
  | ListenerTarget<Deno.UnixAddr>
  | ListenerTarget;

/** The address type of the listener a {@linkcode ServeTarget} opens. */
export type ServeAddr<T extends ServeTarget> = T extends ListenerTarget<infer A> ? A
  : T extends UnixAddress ? Deno.UnixAddr
  : Deno.NetAddr;

/** A connection as a server hands it to a handler: its addresses are of type `A`. */
export type ServedConnection<A extends Deno.Addr = Deno.Addr> = Connection<Deno.Conn<A>>;

/** What a {@linkcode ConnectionHandler} is given besides the connection. */
export interface HandlerContext {
  /**
   * This connection's own signal, aborted when the server shuts down
   * (reason: a `DOMException` named `AbortError`) or closes the connection
   * for being idle (a `DOMException` named `TimeoutError`). Finish up when
   * it fires. Listeners added to it go away with the connection.
   */
  signal: AbortSignal;
}

/**
 * Serves one connection. The server closes the connection when the handler
 * settles; a rejection goes to `onError` and never stops the server.
 *
 * @typeParam A The connection's address type (`Deno.NetAddr` for TCP and
 * TLS, `Deno.UnixAddr` for Unix sockets), inferred from what `serve`
 * listens on.
 */
export type ConnectionHandler<A extends Deno.Addr = Deno.Addr> = (
  conn: ServedConnection<A>,
  context: HandlerContext,
) => void | Promise<void>;

/** Options for {@linkcode serve}. */
export interface ServeOptions<A extends Deno.Addr = Deno.Addr> extends TelemetryOptions {
  /**
   * At most this many sockets are open at once (TLS sockets count until
   * Deno has let go of them: see {@linkcode TlsListenAddress}). What
   * happens at the limit is `whenFull`'s choice. The process's file
   * descriptor limit (`ulimit -n`) must leave room for it.
   *
   * @default {10000}
   */
  maxConnections?: number;
  /**
   * At `maxConnections`: `"wait"` stops accepting, so further connections
   * wait in the kernel's listen backlog (costing no memory here) until one
   * closes; `"reject"` accepts each one, hands it to `onReject` (to write a
   * goodbye) and closes it, counting it in
   * {@linkcode Server.prototype.rejected}. At most `maxConnections`
   * connections are being turned away at once; beyond that the server waits.
   *
   * @default {"wait"}
   */
  whenFull?: "wait" | "reject";
  /**
   * With `whenFull: "reject"`, called with each connection turned away
   * (after its TLS handshake, for TLS) before the server closes it: write a
   * short goodbye here. Its errors go to `onError`.
   *
   * @default {undefined} (closed without a word)
   */
  onReject?: (conn: ServedConnection<A>) => void | Promise<void>;
  /**
   * Closes a connection that moved no byte in either direction for this
   * many milliseconds (its handler's signal aborts with a `TimeoutError`);
   * `0` (or `Infinity`) never closes one for being idle. A connection can
   * set its own with {@linkcode Connection.prototype.idleTimeout}.
   * Connections are checked by one sweep every eighth of the shortest
   * timeout in use, so the close comes between `idleTimeout` and
   * `1.25 × idleTimeout` after the last byte; I/O calls never read a clock.
   *
   * Any byte resets it: a peer that trickles one byte at a time stays
   * connected. Bound what a slow peer can hold with a per-message deadline
   * (`frameTimeout` on framed readers, or `timeout`/`deadline` around a
   * read) as well.
   *
   * @default {60000}
   */
  idleTimeout?: number;
  /**
   * For TLS connections: a connection whose handshake has not completed
   * after this many milliseconds is reported to `onError` (a `DOMException`
   * named `TimeoutError`) and closed; its handler never runs.
   *
   * @default {10000}
   */
  handshakeTimeout?: number;
  /**
   * Starts a graceful {@linkcode Server.prototype.shutdown} when aborted.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * How long a shutdown waits for handlers to finish before closing the
   * connections that remain, in milliseconds.
   *
   * @default {10000}
   */
  gracePeriod?: number;
  /**
   * Called with a handler's error (and its connection), a failed TLS
   * handshake, an `onReject` error, or an accept error that is not about
   * one connection (out of file descriptors, ...; no connection). Not
   * reported: errors of connections the server itself closed (idle, grace
   * period over), a handler rejecting with its own signal's reason (the
   * shutdown's `AbortError`), and accept errors of single connections that
   * were reset or aborted before they were accepted (skipped at once).
   *
   * @default {a one-line `console.error` per error, at most 10 a second}
   */
  onError?: (error: unknown, conn: ServedConnection<A> | undefined) => void;
  /**
   * Sets `TCP_NODELAY` on every accepted TCP socket.
   *
   * @default {true}
   */
  noDelay?: boolean;
  /**
   * Turns on TCP keep-alive probes on every accepted TCP socket, so the
   * kernel notices peers that vanished (with the system's probe timing).
   *
   * @default {false}
   */
  keepAlive?: boolean;
  /**
   * The clock for `idleTimeout`, `handshakeTimeout`, `gracePeriod`, the
   * accept-error back-off and the default `onError`'s rate.
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

/** Pause after an accept error that is not about one connection (out of file descriptors, ...). */
const ACCEPT_BACKOFF_MS = 100;
const DEFAULT_MAX_CONNECTIONS = 10_000;
const DEFAULT_IDLE_TIMEOUT = 60_000;
/** Idle sweeps per shortest idle timeout: a connection closes within 1.25 × its timeout. */
const SWEEPS_PER_IDLE_TIMEOUT = 8;

/**
 * Accept errors about one connection only (reset or aborted by its peer
 * between the kernel's accept and Deno's), skipped at once; anything else
 * (out of file descriptors or memory, ...) backs off before the next
 * accept.
 */
const CONNECTION_ERRORS = [
  Deno.errors.NotConnected,
  Deno.errors.ConnectionReset,
  Deno.errors.ConnectionAborted,
  Deno.errors.ConnectionRefused,
  Deno.errors.BrokenPipe,
  Deno.errors.TimedOut,
  Deno.errors.Interrupted,
];

interface Tracked {
  /** This connection's own signal: never shared, so nothing outlives the connection. */
  controller: AbortController;
  /** The connection's activity count at the last idle sweep. */
  seen: number;
  /** When the idle sweep last saw the count change (or the connection opened). */
  lastActive: number;
  /** For TLS: settles once Deno's handshake task ended (and so can let go of the socket). */
  handshakeEnded: Promise<unknown> | undefined;
  handshakeDone: boolean;
  closing: boolean;
  closedByServer: boolean;
  /** Only with a meter or a tracer. */
  trace: ConnectionTrace | undefined;
  /** What ended the connection badly (a reported error, an idle timeout), for its telemetry. */
  error: unknown;
}

function checkDuration(name: string, value: number): void {
  if (!(value >= 0)) {
    throw new RangeError(
      `'${name}' must be a non-negative number of milliseconds: received ${value}`,
    );
  }
}

/** The idle timeout that applies to `conn`, or `0` for none. */
function effectiveTimeout(conn: Connection, serverTimeout: number): number {
  const timeout = conn.idleTimeout ?? serverTimeout;
  return timeout === Infinity ? 0 : timeout;
}

/** Whether `error` is the handler giving up because its own signal aborted. */
function isOwnAbort(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  const reason = signal.reason as { name?: unknown } | undefined;
  return error === reason ||
    (error instanceof DOMException && error.name === reason?.name);
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
  #listener: Deno.Listener<Deno.Conn<A>, A>;
  #handler: ConnectionHandler<A>;
  #maxConnections: number;
  #reject: boolean;
  #onReject: ((conn: ServedConnection<A>) => void | Promise<void>) | undefined;
  #idleTimeout: number;
  #handshakeTimeout: number;
  #gracePeriod: number;
  #onError: (error: unknown, conn: ServedConnection<A> | undefined) => void;
  #noDelay: boolean;
  #keepAlive: boolean;
  #clock: Clock;
  #conns = new Map<ServedConnection<A>, Tracked>();
  /** Connections being turned away (`whenFull: "reject"`). */
  #rejecting = new Set<ServedConnection<A>>();
  #cancelSweep: (() => void) | undefined;
  /** The step of the scheduled sweep, and when it fires. */
  #sweepStep = Infinity;
  #sweepAt = Infinity;
  #stopping = false;
  #wake: (() => void) | undefined;
  #drained: (() => void) | undefined;
  #accepting: Promise<void>;
  #shutdown: Promise<void> | undefined;
  #closed = Promise.withResolvers<void>();
  #stats: ServerCounters = new ServerCounters(this.#conns);
  #telemetry: ServerTelemetry | undefined;

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
    listener: Deno.Listener<Deno.Conn<A>, A>,
    handler: ConnectionHandler<A>,
    options: ServeOptions<A> = {},
  ) {
    const {
      maxConnections = DEFAULT_MAX_CONNECTIONS,
      whenFull = "wait",
      onReject,
      idleTimeout = DEFAULT_IDLE_TIMEOUT,
      handshakeTimeout = 10_000,
      gracePeriod = 10_000,
      noDelay = true,
      keepAlive = false,
      clock = systemClock,
      signal,
    } = options;
    if (
      !(maxConnections >= 1) || !(Number.isInteger(maxConnections) || maxConnections === Infinity)
    ) {
      throw new RangeError(
        `'maxConnections' must be a positive integer: received ${maxConnections}`,
      );
    }
    if (whenFull !== "wait" && whenFull !== "reject") {
      throw new TypeError(`'whenFull' must be "wait" or "reject": received ${String(whenFull)}`);
    }
    checkDuration("idleTimeout", idleTimeout);
    checkDuration("handshakeTimeout", handshakeTimeout);
    checkDuration("gracePeriod", gracePeriod);
    this.#listener = listener;
    this.#handler = handler;
    this.#maxConnections = maxConnections;
    this.#reject = whenFull === "reject";
    this.#onReject = onReject;
    this.#idleTimeout = idleTimeout;
    this.#handshakeTimeout = handshakeTimeout;
    this.#gracePeriod = gracePeriod;
    this.#onError = options.onError ?? rateLimitedLog(clock);
    this.#noDelay = noDelay;
    this.#keepAlive = keepAlive;
    this.#clock = clock;
    const meter = otelMeter(options.meter);
    const tracer = otelTracer(options.tracer);
    if (meter !== undefined || tracer !== undefined) {
      this.#telemetry = new ServerTelemetry(meter, tracer, listener.addr, this.#stats);
    }
    this.#accepting = this.#acceptLoop();
    if (signal !== undefined) {
      if (signal.aborted) this.shutdown();
      else {
        const onAbort = () => this.shutdown();
        signal.addEventListener("abort", onAbort, { once: true });
        this.#closed.promise.then(() => signal.removeEventListener("abort", onAbort));
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
   * The number of sockets open right now that count against
   * `maxConnections`: connections being served, and TLS sockets Deno has
   * not let go of yet.
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
   * How many connections were turned away at `maxConnections` (with
   * `whenFull: "reject"`).
   *
   * @example Usage
   * ```ts
   * import { connect, serve } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const release = Promise.withResolvers<void>();
   * await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => release.promise, {
   *   maxConnections: 1,
   *   whenFull: "reject",
   *   onReject: (conn) => conn.writeAll(new TextEncoder().encode("busy\n")),
   * });
   * await using first = await connect(server.addr);
   * while (server.connections === 0) await new Promise((r) => setTimeout(r, 1));
   * await using second = await connect(server.addr);
   * assert.equal(await new Response(second.readable).text(), "busy\n");
   * assert.equal(server.rejected, 1);
   * release.resolve();
   * ```
   */
  get rejected(): number {
    return this.#stats.rejected;
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
   *   signal: controller.signal,
   * });
   * controller.abort();
   * await server.closed;
   * ```
   */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /**
   * Shuts down gracefully: stops accepting, aborts every handler's signal,
   * waits up to the grace period for handlers to finish, then closes the
   * connections that remain. Resolves when the server has stopped (as
   * {@linkcode Server.prototype.closed}). Idempotent.
   *
   * @param options A grace period for this shutdown.
   * @returns A promise that resolves once the server stopped.
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
      if (
        this.#conns.size >= this.#maxConnections &&
        (!this.#reject || this.#rejecting.size >= this.#maxConnections)
      ) {
        // At the limit: leave further connections in the kernel backlog.
        await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      let raw: Deno.Conn<A>;
      try {
        raw = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping) return;
        if (error instanceof Deno.errors.BadResource) {
          // Closed under us: nothing more will ever be accepted.
          this.shutdown();
          return;
        }
        // A peer that reset before we took its connection: next one, at once.
        if (CONNECTION_ERRORS.some((type) => error instanceof type)) continue;
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
      this.#stats.accepted++;
      if (this.#conns.size >= this.#maxConnections) this.#turnAway(this.#wrap(raw));
      else this.#start(this.#wrap(raw));
    }
  }

  #wrap(raw: Deno.Conn<A>): ServedConnection<A> {
    if ("setNoDelay" in raw) {
      const tcp = raw as unknown as Deno.TcpConn;
      tcp.setNoDelay(this.#noDelay);
      if (this.#keepAlive) tcp.setKeepAlive(true);
    }
    return new Connection(raw);
  }

  #start(conn: ServedConnection<A>): void {
    const tls = "handshake" in conn.raw;
    const tracked: Tracked = {
      controller: new AbortController(),
      seen: conn.activity,
      lastActive: this.#clock.now(),
      handshakeEnded: undefined,
      handshakeDone: !tls,
      closing: false,
      closedByServer: false,
      trace: this.#telemetry?.opened(conn),
      error: undefined,
    };
    this.#conns.set(conn, tracked);
    idleTimeoutChanged.set(conn, this.#onIdleTimeoutChanged);
    this.#idleTimeoutChanged(conn);
    this.#serveOne(conn, tracked, tls);
  }

  /**
   * Runs the handler (after the handshake), then closes the connection.
   * Promise reactions, not an async function: a suspended async function
   * keeps its frame, its registers and two resume closures for as long as
   * the connection lives (heap snapshots at 2,000 idle connections: 243
   * bytes less per connection this way).
   */
  #serveOne(conn: ServedConnection<A>, tracked: Tracked, tls: boolean): void {
    const signal = tracked.controller.signal;
    let served: Promise<unknown>;
    try {
      served = tls
        ? this.#handshake(conn, tracked, signal).then(() => this.#handler(conn, { signal }))
        : Promise.resolve(this.#handler(conn, { signal }));
    } catch (error) {
      served = Promise.reject(error); // the handler threw synchronously
    }
    served.then(() => this.#close(conn, tracked, false), (error) => {
      if (!tracked.closedByServer && !isOwnAbort(error, signal)) {
        tracked.error = error;
        this.#report(error, conn);
      }
      this.#close(conn, tracked, false);
    });
  }

  /**
   * Completes a TLS handshake within `handshakeTimeout`, unless `signal`
   * aborts first. Records when Deno's handshake ends, which may be long
   * after a timeout: only then does Deno let go of the socket.
   */
  #handshake(conn: ServedConnection<A>, tracked: Tracked, signal: AbortSignal): Promise<unknown> {
    const handshake = conn.handshake();
    tracked.handshakeEnded = handshake.then(
      () => tracked.handshakeDone = true,
      () => tracked.handshakeDone = true,
    );
    const started = this.#clock.now();
    const done = new Promise((resolve, reject) => {
      const timeout = this.#handshakeTimeout;
      const cancelTimer = timeout === Infinity ? undefined : this.#clock.setTimer(() => {
        signal.removeEventListener("abort", onAbort);
        reject(new DOMException(`TLS handshake timed out after ${timeout} ms`, "TimeoutError"));
      }, timeout);
      const onAbort = () => {
        cancelTimer?.();
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      handshake.then(resolve, reject).finally(() => {
        cancelTimer?.();
        signal.removeEventListener("abort", onAbort);
      });
    });
    done.then(
      () => this.#handshook(this.#clock.now() - started, undefined),
      // One the server cut short (shutdown, idle) is not the peer's failure.
      (error) => {
        if (!signal.aborted) this.#handshook(this.#clock.now() - started, error);
      },
    );
    return done;
  }

  #handshook(ms: number, error: unknown): void {
    this.#stats.handshakeDuration.record(ms);
    if (error !== undefined) this.#stats.handshakeFailures++;
    this.#telemetry?.handshake(ms, error);
  }

  /** Turns a connection away at the limit (`whenFull: "reject"`). */
  async #turnAway(conn: ServedConnection<A>): Promise<void> {
    this.#stats.rejected++;
    this.#rejecting.add(conn);
    const controller = new AbortController();
    const tracked: Tracked = {
      controller,
      seen: 0,
      lastActive: 0,
      handshakeEnded: undefined,
      handshakeDone: true,
      closing: false,
      closedByServer: false,
      trace: undefined,
      error: undefined,
    };
    try {
      if ("handshake" in conn.raw) {
        tracked.handshakeDone = false;
        await this.#handshake(conn, tracked, controller.signal);
      }
      await this.#onReject?.(conn);
    } catch (error) {
      if (!this.#stopping) this.#report(error, conn);
    } finally {
      // A TLS socket is Deno's until its handshake ended: keep it counted.
      if (!tracked.handshakeDone && !this.#stopping) await tracked.handshakeEnded;
      conn.close();
      this.#rejecting.delete(conn);
      this.#wakeAcceptLoop();
    }
  }

  /** The hook a served connection calls when its idle timeout changes: one function per server, not per connection. */
  #onIdleTimeoutChanged = (conn: Connection): void => {
    this.#idleTimeoutChanged(conn as ServedConnection<A>);
  };

  /** Schedules (or brings forward) the idle sweep for `conn`'s timeout. */
  #idleTimeoutChanged(conn: ServedConnection<A>): void {
    const timeout = effectiveTimeout(conn, this.#idleTimeout);
    if (timeout === 0 || this.#stopping) return;
    const step = Math.max(1, Math.floor(timeout / SWEEPS_PER_IDLE_TIMEOUT));
    if (step < this.#sweepStep) this.#scheduleSweep(step);
  }

  #scheduleSweep(step: number): void {
    const at = this.#clock.now() + step;
    if (this.#cancelSweep !== undefined && at >= this.#sweepAt) {
      this.#sweepStep = Math.min(this.#sweepStep, step);
      return;
    }
    this.#cancelSweep?.();
    this.#sweepStep = step;
    this.#sweepAt = at;
    this.#cancelSweep = this.#clock.setTimer(() => this.#sweep(), step);
  }

  /**
   * One timer for the whole server, not a clock reading per I/O call: every
   * eighth of the shortest idle timeout in use (at least 1 ms) it compares
   * each connection's activity count with the last sweep's, and closes the
   * connections that showed none for their whole idle timeout.
   */
  #sweep(): void {
    this.#cancelSweep = undefined;
    this.#sweepStep = Infinity;
    this.#sweepAt = Infinity;
    const now = this.#clock.now();
    let shortest = Infinity;
    for (const [conn, tracked] of this.#conns) {
      if (tracked.closing) continue;
      const timeout = effectiveTimeout(conn, this.#idleTimeout);
      if (timeout === 0) continue;
      const activity = conn.activity;
      if (activity !== tracked.seen) {
        tracked.seen = activity;
        tracked.lastActive = now;
      } else if (now - tracked.lastActive >= timeout) {
        const reason = new DOMException(`Connection was idle for ${timeout} ms`, "TimeoutError");
        tracked.error = reason;
        this.#stats.idleClosed++;
        tracked.controller.abort(reason);
        this.#close(conn, tracked, true);
        continue;
      }
      if (timeout < shortest) shortest = timeout;
    }
    if (shortest !== Infinity) {
      this.#scheduleSweep(Math.max(1, Math.floor(shortest / SWEEPS_PER_IDLE_TIMEOUT)));
    }
  }

  /**
   * Closes a connection and frees its slot (once; its handler may still
   * run). A TLS socket whose handshake has not ended keeps its slot until
   * it does: Deno holds the socket open until then whatever we do.
   */
  #close(conn: ServedConnection<A>, tracked: Tracked, byServer: boolean): void {
    if (tracked.closing) return;
    tracked.closing = true;
    tracked.closedByServer = byServer;
    if (!tracked.handshakeDone && tracked.handshakeEnded !== undefined) {
      tracked.handshakeEnded.then(() => this.#release(conn));
      return;
    }
    this.#release(conn);
  }

  #release(conn: ServedConnection<A>): void {
    const tracked = this.#conns.get(conn);
    if (tracked === undefined) return;
    this.#stats.closing(conn);
    this.#conns.delete(conn);
    idleTimeoutChanged.delete(conn);
    conn.close();
    if (tracked.trace !== undefined) this.#telemetry!.closed(conn, tracked.trace, tracked.error);
    this.#wakeAcceptLoop();
    if (this.#conns.size === 0) {
      this.#cancelSweep?.();
      this.#cancelSweep = undefined;
      this.#sweepStep = Infinity;
      this.#sweepAt = Infinity;
      this.#drained?.();
    }
  }

  #wakeAcceptLoop(): void {
    this.#wake?.();
    this.#wake = undefined;
  }

  #report(error: unknown, conn: ServedConnection<A> | undefined): void {
    this.#stats.errors++;
    try {
      this.#onError(error, conn);
    } catch (thrown) {
      console.error(thrown);
    }
  }

  async #stop(gracePeriod: number): Promise<void> {
    this.#stopping = true;
    try {
      this.#listener.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    this.#wakeAcceptLoop();
    const reason = new DOMException("The server is shutting down", "AbortError");
    for (const [conn, tracked] of this.#conns) {
      tracked.controller.abort(reason);
      // No handler to wait for: let a socket still in its TLS handshake go now.
      if (!tracked.handshakeDone) {
        tracked.closing = true;
        this.#release(conn);
      }
    }
    for (const conn of this.#rejecting) conn.close();
    if (this.#conns.size > 0) {
      let cancelGrace: () => void = () => {};
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        cancelGrace = this.#clock.setTimer(resolve, gracePeriod);
      });
      cancelGrace();
      // Grace is over: close everything, also TLS sockets Deno still holds.
      for (const [conn, tracked] of this.#conns) {
        tracked.closedByServer ||= !tracked.closing;
        tracked.closing = true;
        this.#release(conn);
      }
    }
    await this.#accepting;
    this.#telemetry?.stop();
    this.#closed.resolve();
  }
}

/**
 * Listens on a TCP address, a Unix socket path, or a given listener, and
 * serves every connection with `handler(conn, { signal })`, each in its own
 * task, until shut down.
 *
 * Safe by default: at most 10,000 connections at once and a 60 s idle
 * timeout (set `maxConnections` and `idleTimeout`; `idleTimeout: 0`
 * disables it), and errors logged one line each, at most 10 a second.
 *
 * - `maxConnections`: at the limit the server stops accepting, so excess
 *   connections wait in the kernel backlog, not in memory; with
 *   `whenFull: "reject"` it accepts them, lets `onReject` say goodbye and
 *   closes them at once.
 * - `idleTimeout`: a connection that moved no byte either way for that long
 *   is closed; a connection may set its own (`conn.idleTimeout`, `0`
 *   exempts it).
 * - Shutdown (`shutdown()`, `signal`, `await using`): stop accepting,
 *   abort the handlers' signals, wait up to `gracePeriod`, then close what
 *   remains.
 * - A handler's error goes to `onError` and never stops the server; the
 *   connection is closed when its handler settles. Each handler has its own
 *   signal.
 * - Accept errors about one connection (a peer that reset before it was
 *   accepted) are skipped at once; others (out of file descriptors) back
 *   off 100 ms.
 * - `tls: { cert, key }`: TLS. Each handshake completes before the handler
 *   runs, within `handshakeTimeout`; a failed or stalled handshake closes
 *   that connection and goes to `onError` (a `TlsHandshakeError`, or a
 *   `DOMException` named `TimeoutError`).
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
 *   { hostname: "127.0.0.1", port: 0, tls: { cert, key } },
 *   async (conn) => {
 *     await conn.writeAll(new TextEncoder().encode("over TLS"));
 *   },
 *   { handshakeTimeout: 5_000, onError: (error) => errors.push(error) },
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
  handler: ConnectionHandler<ServeAddr<T>>,
  options: ServeOptions<ServeAddr<T>> = {},
): Server<ServeAddr<T>> {
  const listener = listen(target) as unknown as Deno.Listener<
    Deno.Conn<ServeAddr<T>>,
    ServeAddr<T>
  >;
  try {
    return new Server(listener, handler, options);
  } catch (error) {
    // Bad options: do not leave a listener we opened behind.
    if (!("listener" in target)) listener.close();
    throw error;
  }
}

function listen(target: ServeTarget): Deno.Listener {
  if ("listener" in target) return target.listener as Deno.Listener;
  if ("path" in target) return Deno.listen({ transport: "unix", path: target.path });
  const { hostname = "127.0.0.1", port, reusePort = false, backlog = 511 } = target;
  if (reusePort) requireUnstableNet("reusePort");
  const tcp = { hostname, port, tcpBacklog: backlog, ...(reusePort ? { reusePort } : {}) };
  if (!("tls" in target)) return Deno.listen(tcp);
  const { cert, key, alpnProtocols } = target.tls;
  return Deno.listenTls({ ...tcp, cert, key, ...(alpnProtocols ? { alpnProtocols } : {}) });
}
