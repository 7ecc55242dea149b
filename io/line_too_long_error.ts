/**
 * No line end arrived within the line length limit: a line (or a delimited
 * segment) is longer than `maxLineLength` (tokio-util's
 * `MaxLineLengthExceeded`). The one error for an over-long line, thrown by
 * {@linkcode LineDecoder}, `BufReader`'s line and delimiter reads, and the
 * framing module's `LinesCodec`.
 *
 * `size` is how long the line is known to be (at least that many bytes
 * arrived without a line end), `limit` the limit that applied.
 *
 * @example Usage
 * ```ts
 * import { LineTooLongError } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new LineTooLongError(65537, 65536);
 * assert.equal(err.name, "LineTooLongError");
 * assert.equal(err.limit, 65536);
 * assert.equal(err.message, "Line of at least 65537 bytes exceeds maxLineLength 65536");
 * ```
 */
export class LineTooLongError extends Error {
  /** Bytes of the line known so far (it is at least this long). */
  readonly size: number;
  /** The limit, in bytes, that applied. */
  readonly limit: number;

  /**
   * Creates the error.
   *
   * @param size Bytes of the line known so far.
   * @param limit The limit that applied.
   * @param limitName The option that set the limit, named in the message.
   */
  constructor(size: number, limit: number, limitName = "maxLineLength") {
    super(`Line of at least ${size} bytes exceeds ${limitName} ${limit}`);
    this.name = "LineTooLongError";
    this.size = size;
    this.limit = limit;
  }
}
