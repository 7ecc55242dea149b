/**
 * A TLS handshake failed: the peer's certificate is not trusted or does not
 * match the expected name, the peer does not speak TLS, no ALPN protocol
 * is shared, ... The connection is unusable. `cause` holds Deno's own error
 * (usually `Deno.errors.InvalidData`), whose message says what went wrong.
 *
 * A TLS server reports it through `onError`, so a log can tell failed
 * handshakes (scanners, misconfigured clients) from handler errors.
 *
 * @example Usage
 * ```ts
 * import { TlsHandshakeError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const cause = new Deno.errors.InvalidData("invalid peer certificate: UnknownIssuer");
 * const peer: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 4433 };
 * const error = new TlsHandshakeError(peer, { cause });
 * assert.equal(error.name, "TlsHandshakeError");
 * assert.equal(
 *   error.message,
 *   "TLS handshake with 127.0.0.1:4433 failed: invalid peer certificate: UnknownIssuer",
 * );
 * assert.equal(error.cause, cause);
 * ```
 */
export class TlsHandshakeError extends Error {
  /** The other end of the failed handshake. */
  readonly peer: Deno.NetAddr;

  /**
   * Creates the error.
   *
   * @param peer The other end of the handshake.
   * @param options Standard error options: `cause` is the underlying error,
   * whose message ends this one's.
   */
  constructor(peer: Deno.NetAddr, options?: ErrorOptions) {
    const { hostname, port } = peer;
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    const cause = options?.cause;
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    super(`TLS handshake with ${host}:${port} failed${reason}`, options);
    this.name = "TlsHandshakeError";
    this.peer = peer;
  }
}
