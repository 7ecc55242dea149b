import { type Clock, systemClock } from "../time/clock.ts";
import { Connection } from "./connection.ts";
import type { TlsAddress } from "./tls_options.ts";
import { upgradeTls } from "./upgrade_tls.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import { ClientTelemetry, targetAttributes } from "./_client_telemetry.ts";

/** A TCP endpoint: a host name or IP address and a port. */
export interface TcpAddress {
  /**
   * Host name or IP address.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** Port number (0 to let the system pick one, when listening). */
  port: number;
}

/** A Unix domain socket endpoint: a file system path. */
export interface UnixAddress {
  /** Path of the socket file. */
  path: string;
}

/**
 * Options for {@linkcode connect}. With a `meter` (or Deno's OpenTelemetry
 * on), connections are counted as `weir.client.*` metrics; with a
 * `tracer`, each is a span from dial to close.
 */
export interface ConnectOptions extends TelemetryOptions {
  /**
   * Gives up when aborted, rejecting with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Gives up after this many milliseconds, rejecting with a `DOMException`
   * named `TimeoutError`.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * Sets `TCP_NODELAY` (no Nagle delay for small writes). Ignored for Unix
   * sockets.
   *
   * @default {true}
   */
  noDelay?: boolean;
  /**
   * The clock for `timeout`.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/**
 * Opens a TCP connection to `{ hostname, port }`, a TLS connection to
 * `{ hostname, port, tls }` (the handshake done before it resolves, then
 * the same `Connection` as plain TCP), or a Unix socket connection to
 * `{ path }`.
 *
 * **Cancellation:** cancel safe: an abort or timeout leaves no socket open
 * (during a TLS handshake, Deno itself keeps the closed socket until the
 * server answers or disconnects).
 *
 * @param address Where to connect.
 * @param options Cancellation, timeout, `noDelay`, clock.
 * @returns The open connection.
 * @throws {Deno.errors.ConnectionRefused} When nothing listens there.
 * @throws {TlsHandshakeError} When the TLS handshake fails (untrusted
 * certificate, wrong name, the server does not speak TLS, ...).
 * @throws {DOMException} Named `TimeoutError` when `timeout` elapses first.
 * @throws {RangeError} When `timeout` is negative or not a number.
 *
 * @example Usage
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.writeAll(new TextEncoder().encode("hi"));
 * });
 * await using conn = await connect(server.addr, { timeout: 5_000 });
 * assert.equal(await new Response(conn.readable).text(), "hi");
 * ```
 *
 * @example TLS with a private CA; `timeout` covers the handshake too
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * // Certificates for localhost from this repository's tests.
 * const cert = await Deno.readTextFile("tests/fixtures/server.pem");
 * const key = await Deno.readTextFile("tests/fixtures/server.key");
 * const ca = await Deno.readTextFile("tests/fixtures/ca.pem");
 * await using server = serve({ port: 0, tls: { cert, key } }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo, then half-close
 * });
 * await using conn = await connect(
 *   { hostname: "127.0.0.1", port: server.addr.port, tls: { caCerts: [ca], serverName: "localhost" } },
 *   { timeout: 5_000 },
 * );
 * await conn.writeAll(new TextEncoder().encode("private"));
 * await conn.closeWrite(); // half-close works over TLS too
 * assert.equal(await new Response(conn.readable).text(), "private");
 * ```
 */
export async function connect(
  address: TcpAddress | TlsAddress | UnixAddress,
  options: ConnectOptions = {},
): Promise<Connection> {
  const { signal, timeout = Infinity, noDelay = true, clock = systemClock } = options;
  if (!(timeout >= 0)) {
    throw new RangeError(
      `'timeout' must be a non-negative number of milliseconds: received ${timeout}`,
    );
  }
  signal?.throwIfAborted();
  const where = "path" in address
    ? address.path
    : `${address.hostname ?? "127.0.0.1"}:${address.port}`;
  const controller = new AbortController();
  const cancelTimer = timeout === Infinity ? undefined : clock.setTimer(() => {
    controller.abort(
      new DOMException(`Connecting to ${where} timed out after ${timeout} ms`, "TimeoutError"),
    );
  }, timeout);
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const meter = otelMeter(options.meter);
  const tracer = otelTracer(options.tracer);
  const telemetry = meter === undefined && tracer === undefined
    ? undefined
    : new ClientTelemetry(meter, tracer, targetAttributes(address));
  try {
    const conn = await dial(address, controller.signal, noDelay, clock);
    telemetry?.connected(conn);
    return conn;
  } catch (error) {
    telemetry?.failed(error);
    throw error;
  } finally {
    cancelTimer?.();
    signal?.removeEventListener("abort", onAbort);
  }
}

async function dial(
  address: TcpAddress | TlsAddress | UnixAddress,
  signal: AbortSignal,
  noDelay: boolean,
  clock: Clock,
): Promise<Connection> {
  const conn = await abortable(
    "path" in address ? Deno.connect({ transport: "unix", path: address.path }) : Deno.connect({
      hostname: address.hostname ?? "127.0.0.1",
      port: address.port,
      signal,
    }),
    signal,
  );
  if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(noDelay);
  const plain = new Connection<Deno.Conn>(conn);
  if (!("tls" in address)) return plain;
  const { serverName = address.hostname ?? "127.0.0.1" } = address.tls;
  return await upgradeTls(plain, {
    ...address.tls,
    hostname: serverName,
    signal,
    clock,
  });
}

/** Races the dial against the signal; a socket that opens too late is closed. */
function abortable(dial: Promise<Deno.Conn>, signal: AbortSignal): Promise<Deno.Conn> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    dial.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) conn.close();
        else resolve(conn);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
