/**
 * The connection under a {@linkcode Pipeline} or {@linkcode Multiplex}
 * ended while requests were waiting for their replies: a read or write
 * error, a decode error, a reply that matched no request, an `abort()`, or
 * the peer closing its side. Every request pending at that moment rejects
 * with the same instance, and so does every later `request()`; `cause` is
 * what ended the connection.
 *
 * @example Usage
 * ```ts
 * import { ConnectionLostError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const reset = new Deno.errors.ConnectionReset("connection reset by peer");
 * const error = new ConnectionLostError(reset);
 * assert.equal(error.name, "ConnectionLostError");
 * assert.equal(error.cause, reset);
 * assert.equal(error.message, "Connection lost: connection reset by peer");
 * ```
 */
export class ConnectionLostError extends Error {
  /**
   * Creates the error.
   *
   * @param cause What ended the connection.
   */
  constructor(cause: unknown) {
    super(`Connection lost: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ConnectionLostError";
  }
}
