import type { TcpAddress } from "./connect.ts";
import type { TcpListenAddress } from "./serve.ts";

/** How {@linkcode connect} speaks TLS: the `tls` of a {@linkcode TlsAddress}. */
export interface TlsConnectOptions {
  /**
   * Root certificates (PEM) trusted besides Deno's default root store
   * (Mozilla's, or the system's with `DENO_TLS_CA_STORE=system`): give a
   * private CA here.
   *
   * @default {undefined}
   */
  caCerts?: string[];
  /**
   * ALPN protocols to offer, most preferred first. The connection's
   * `handshake()` tells which one the server picked (`null` when none).
   *
   * @default {undefined} (no ALPN extension is sent)
   */
  alpnProtocols?: string[];
  /**
   * The name the server's certificate must match, also sent as SNI. Set it
   * when dialing an IP address (or a proxy) for a server with a DNS name.
   *
   * @default {the address's hostname}
   */
  serverName?: string;
}

/** A TCP endpoint to reach over TLS, for {@linkcode connect}. */
export interface TlsAddress extends TcpAddress {
  /** Speak TLS: the handshake completes before `connect` resolves. */
  tls: TlsConnectOptions;
}

/** How {@linkcode serve} speaks TLS: the `tls` of a {@linkcode TlsListenAddress}. */
export interface TlsServeOptions {
  /** The server's certificate chain (PEM), leaf first. */
  cert: string;
  /** The private key (PEM) of the leaf certificate: RSA, EC or PKCS#8. */
  key: string;
  /**
   * ALPN protocols the server accepts, most preferred first. A handler reads
   * the one agreed on from `await conn.handshake()`.
   *
   * @default {undefined} (no ALPN)
   */
  alpnProtocols?: string[];
  /**
   * A connection whose handshake has not completed after this many
   * milliseconds is closed (reported to `onError` with a `DOMException`
   * named `TimeoutError`); its handler never runs.
   *
   * @default {10000}
   */
  handshakeTimeout?: number;
}

/**
 * A TCP address to serve TLS on, for {@linkcode serve}. Each connection's
 * handshake completes before its handler runs; a failed handshake closes
 * that connection and goes to `onError` as a `TlsHandshakeError`.
 *
 * Two limits of Deno's TLS listener (Deno 2.9):
 * - It gives no way to set `TCP_NODELAY` on the sockets it accepts, so
 *   `noDelay` does not apply: a reply split over several writes can wait
 *   for the client's delayed ACK (about 40 ms on Linux). Write each reply
 *   in one write (a `FramedDriver` coalesces queued frames).
 * - A connection closed while its handshake is pending (`handshakeTimeout`,
 *   shutdown, idle timeout) frees its server slot and handler at once, but
 *   Deno keeps the socket itself open until the peer sends something or
 *   disconnects.
 */
export interface TlsListenAddress extends TcpListenAddress {
  /** Speak TLS with this certificate and key. */
  tls: TlsServeOptions;
}
