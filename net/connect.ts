import { abortable } from "../sync/abortable.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { checkTimeout, handshakeWithin } from "./_tls.ts";
import type { TcpAddress, TlsAddress, UnixAddress } from "./addresses.ts";
import { Connection } from "./connection.ts";
import { upgradeTls } from "./upgrade_tls.ts";
import { otelMeter, otelTracer, type TelemetryOptions } from "../sync/otel.ts";
import { ClientTelemetry, targetAttributes } from "./_client_telemetry.ts";

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
   * Turns on TCP keep-alive probes, so the kernel notices a peer that
   * vanished (with the system's probe timing). Ignored for Unix sockets.
   *
   * @default {false}
   */
  keepAlive?: boolean;
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
export function connect(
  address: TcpAddress | TlsAddress | UnixAddress,
  options: ConnectOptions = {},
): Promise<Connection> {
  const meter = otelMeter(options.meter);
  const tracer = otelTracer(options.tracer);
  if (meter === undefined && tracer === undefined) return dial(address, options);
  return new ClientTelemetry(meter, tracer, targetAttributes(address)).follow(
    dial(address, options),
  );
}

async function dial(
  address: TcpAddress | TlsAddress | UnixAddress,
  options: ConnectOptions,
): Promise<Connection> {
  const { signal, timeout = Infinity, noDelay = true, keepAlive = false, clock = systemClock } =
    options;
  checkTimeout("timeout", timeout);
  if ("tls" in address && (address.tls.cert === undefined) !== (address.tls.key === undefined)) {
    throw new TypeError("'tls.cert' and 'tls.key' must be given together");
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
  try {
    if ("tls" in address && address.tls.cert !== undefined) {
      return await connectWithCertificate(address, controller.signal, clock);
    }
    const conn = await abortable<Deno.Conn>(
      "path" in address ? Deno.connect({ transport: "unix", path: address.path }) : Deno.connect({
        hostname: address.hostname ?? "127.0.0.1",
        port: address.port,
        signal: controller.signal,
      }),
      controller.signal,
      { onLate: closeLate },
    );
    if ("setNoDelay" in conn) {
      const tcp = conn as Deno.TcpConn;
      tcp.setNoDelay(noDelay);
      if (keepAlive) tcp.setKeepAlive(true);
    }
    const plain = new Connection<Deno.Conn>(conn);
    if (!("tls" in address)) return plain;
    const { serverName = address.hostname ?? "127.0.0.1" } = address.tls;
    return await upgradeTls(plain, {
      ...address.tls,
      hostname: serverName,
      signal: controller.signal,
      clock,
    });
  } finally {
    cancelTimer?.();
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * TLS with a client certificate: only `Deno.connectTls` sends one (not
 * `Deno.startTls`), and it dials and verifies the same name, and gives no
 * access to the TCP socket's options.
 */
async function connectWithCertificate(
  address: TlsAddress,
  signal: AbortSignal,
  clock: Clock,
): Promise<Connection> {
  const { caCerts, alpnProtocols, serverName, cert, key } = address.tls;
  const hostname = address.hostname ?? "127.0.0.1";
  if (serverName !== undefined && serverName !== hostname) {
    throw new TypeError(
      `'tls.serverName' must equal the hostname with a client certificate (Deno dials and verifies one name): received ${serverName} for ${hostname}`,
    );
  }
  const tls = await abortable(
    Deno.connectTls({
      hostname,
      port: address.port,
      cert: cert!,
      key: key!,
      ...(caCerts ? { caCerts } : {}),
      ...(alpnProtocols ? { alpnProtocols } : {}),
    }),
    signal,
    { onLate: closeLate },
  );
  const conn = new Connection<Deno.Conn>(tls);
  await handshakeWithin(conn, Infinity, clock, signal);
  return conn;
}

/** A socket that opened after the caller gave up: nobody else will close it. */
function closeLate(conn: Deno.Conn): void {
  conn.close();
}
