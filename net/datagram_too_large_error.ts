/**
 * A datagram arrived that is larger than the socket's `maxDatagramLength`.
 * It was received whole (never silently cut short, as a small receive
 * buffer would do) and then dropped; the socket stays usable.
 *
 * @example Usage
 * ```ts
 * import { DatagramTooLargeError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const error = new DatagramTooLargeError(2000, 1500);
 * assert.equal(error.name, "DatagramTooLargeError");
 * assert.equal(error.message, "Datagram of 2000 bytes exceeds maxDatagramLength 1500");
 * ```
 */
export class DatagramTooLargeError extends Error {
  /** The size of the datagram that arrived, in bytes. */
  readonly size: number;
  /** The limit it exceeded (`maxDatagramLength`). */
  readonly limit: number;
  /** Who sent it, when known. */
  readonly addr: Deno.NetAddr | undefined;

  /**
   * Creates the error.
   *
   * @param size The datagram's size in bytes.
   * @param limit The limit it exceeded.
   * @param addr The sender.
   */
  constructor(size: number, limit: number, addr?: Deno.NetAddr) {
    super(`Datagram of ${size} bytes exceeds maxDatagramLength ${limit}`);
    this.name = "DatagramTooLargeError";
    this.size = size;
    this.limit = limit;
    this.addr = addr;
  }
}
