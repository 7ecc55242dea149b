/**
 * A search for a delimiter, or a read to the end, needed more bytes than
 * the configured limit allows: the buffer would have grown without bound.
 *
 * `limit` is the limit that applied (`maxLength` of a
 * {@linkcode BufReader}, `maxLength` of a read to the end).
 *
 * @example Usage
 * ```ts
 * import { BufferFullError } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new BufferFullError(1024);
 * assert.equal(err.name, "BufferFullError");
 * assert.equal(err.limit, 1024);
 * assert.equal(err.message, "Buffered data exceeds the limit of 1024 bytes");
 * ```
 */
export class BufferFullError extends Error {
  /** The limit, in bytes, that was exceeded. */
  readonly limit: number;

  /**
   * Creates the error.
   *
   * @param limit The limit in bytes.
   * @param detail A custom message that replaces the default one.
   */
  constructor(limit: number, detail?: string) {
    super(detail ?? `Buffered data exceeds the limit of ${limit} bytes`);
    this.name = "BufferFullError";
    this.limit = limit;
  }
}
