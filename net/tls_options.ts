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
  /**
   * A client certificate chain (PEM), leaf first, for servers that ask for
   * one (mutual TLS). Give `key` with it.
   *
   * @default {undefined} (no client certificate)
   */
  cert?: string;
  /**
   * The private key (PEM) of the client certificate `cert`.
   *
   * @default {undefined}
   */
  key?: string;
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
}
