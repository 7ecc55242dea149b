import { type Clock, systemClock } from "../time/clock.ts";
import { checkTimeout, handshakeWithin } from "./_tls.ts";
import { Connection } from "./connection.ts";
import type { TlsConnectOptions } from "./tls_options.ts";

/** Options for {@linkcode upgradeTls}. */
export interface UpgradeTlsOptions extends Pick<TlsConnectOptions, "caCerts" | "alpnProtocols"> {
  /**
   * The name the server's certificate must match, also sent as SNI.
   *
   * @default {the peer's IP address}
   */
  hostname?: string;
  /**
   * Gives up on the handshake when aborted, closing the connection and
   * rejecting with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Gives up on the handshake after this many milliseconds, closing the
   * connection and rejecting with a `DOMException` named `TimeoutError`.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * The clock for `timeout`.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/**
 * Switches a plain TCP connection to TLS, as a client (STARTTLS): after a
 * plain-text exchange in which both sides agree to upgrade, this end starts
 * the handshake and resolves once it is done. The result is a new
 * {@linkcode Connection} with the same half-close, `split`, drivers and
 * framing as any other.
 *
 * `conn` is consumed: it is closed whatever happens (the socket lives on
 * in the result). Nothing may be reading or writing `conn` meanwhile, and
 * bytes already read past the plain-text exchange (into a `BufReader`, say)
 * are not replayed, so read the server's go-ahead exactly (the server sends
 * nothing more until this end's handshake starts).
 *
 * **Cancellation:** an abort or timeout closes the connection; nothing is
 * left half upgraded (Deno itself keeps the closed socket until the server
 * answers or disconnects).
 *
 * @param conn A plain TCP connection (from {@linkcode connect}).
 * @param options The server name to verify, trusted CAs, ALPN,
 * cancellation.
 * @returns The TLS connection, handshake done.
 * @throws {TlsHandshakeError} When the handshake fails (untrusted
 * certificate, wrong name, the peer does not speak TLS, ...).
 * @throws {DOMException} Named `TimeoutError` when `timeout` elapses first.
 * @throws {TypeError} When `conn` is not a plain TCP connection.
 * @throws {RangeError} When `timeout` is negative or not a number.
 *
 * @example A line protocol that switches to TLS mid-connection
 * ```ts
 * import { connect, serve, upgradeTls } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * // Certificates for localhost from this repository's tests.
 * const cert = await Deno.readTextFile("tests/fixtures/server.pem");
 * const key = await Deno.readTextFile("tests/fixtures/server.key");
 * const ca = await Deno.readTextFile("tests/fixtures/ca.pem");
 *
 * // Deno has no server-side STARTTLS, so the plain front end forwards the
 * // rest of the connection to a TLS back end once it said OK.
 * await using backend = serve({ port: 0, tls: { cert, key } }, async (conn) => {
 *   await conn.writeAll(new TextEncoder().encode("secret"));
 * });
 * await using front = serve({ port: 0 }, async (conn) => {
 *   const line = new Uint8Array(9);
 *   for (let got = 0; got < line.length;) got += (await conn.read(line.subarray(got)))!;
 *   assert.equal(new TextDecoder().decode(line), "STARTTLS\n");
 *   await conn.writeAll(new TextEncoder().encode("OK\n"));
 *   await using tunnel = await connect(backend.addr);
 *   await Promise.all([conn.readable.pipeTo(tunnel.writable), tunnel.readable.pipeTo(conn.writable)]);
 * });
 *
 * const plain = await connect(front.addr);
 * await plain.writeAll(new TextEncoder().encode("STARTTLS\n"));
 * const ok = new Uint8Array(3);
 * for (let got = 0; got < ok.length;) got += (await plain.read(ok.subarray(got)))!;
 * await using conn = await upgradeTls(plain, { hostname: "localhost", caCerts: [ca] });
 * await conn.closeWrite();
 * assert.equal(await new Response(conn.readable).text(), "secret");
 * ```
 */
export async function upgradeTls(
  conn: Connection,
  options: UpgradeTlsOptions = {},
): Promise<Connection> {
  const { caCerts, alpnProtocols, signal, timeout = Infinity, clock = systemClock } = options;
  checkTimeout("timeout", timeout);
  const raw = conn.raw;
  if (raw.remoteAddr.transport !== "tcp" || "handshake" in raw) {
    const kind = "handshake" in raw ? "a TLS" : `a ${raw.remoteAddr.transport}`;
    throw new TypeError(`'conn' must be a plain TCP connection: received ${kind} connection`);
  }
  signal?.throwIfAborted();
  let tls: Deno.TlsConn;
  try {
    tls = await Deno.startTls(raw as Deno.TcpConn, {
      hostname: options.hostname ?? raw.remoteAddr.hostname,
      ...(caCerts ? { caCerts } : {}),
      ...(alpnProtocols ? { alpnProtocols } : {}),
    });
  } finally {
    conn.close(); // its socket now belongs to the TLS connection (or is gone)
  }
  const upgraded = new Connection<Deno.Conn>(tls);
  await handshakeWithin(upgraded, timeout, clock, signal);
  return upgraded;
}
