import type { TlsConnectOptions, TlsServeOptions } from "./tls_options.ts";

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

/** A TCP endpoint to reach over TLS, for {@linkcode connect}. */
export interface TlsAddress extends TcpAddress {
  /** Speak TLS: the handshake completes before `connect` resolves. */
  tls: TlsConnectOptions;
}

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

/**
 * A TCP address to serve TLS on, for {@linkcode serve}. Each connection's
 * handshake completes (within the server's `handshakeTimeout`) before its
 * handler runs; a failed handshake closes that connection and goes to
 * `onError` as a `TlsHandshakeError`.
 *
 * Two limits of Deno's TLS listener (Deno 2.9):
 * - It gives no way to set `TCP_NODELAY` or keep-alive on the sockets it
 *   accepts, so `noDelay` and `keepAlive` do not apply: a reply split over
 *   several writes can wait for the client's delayed ACK (about 40 ms on
 *   Linux). Write each reply in one write (a `FramedDriver` coalesces
 *   queued frames).
 * - Deno starts each handshake as it accepts the socket and keeps the
 *   socket open until that handshake ends, even after `close()`: a silent
 *   peer holds it until it sends something or disconnects. The server
 *   therefore keeps counting such a socket against `maxConnections` until
 *   then (its handler never runs), so silent peers can fill the slots but
 *   never exhaust the process's file descriptors.
 */
export interface TlsListenAddress extends TcpListenAddress {
  /** Speak TLS with this certificate and key. */
  tls: TlsServeOptions;
}

/** A UDP peer: an IP address (or host name) and a port. */
export interface UdpAddress {
  /** IP address or host name. */
  hostname: string;
  /** Port number. */
  port: number;
}
