/**
 * A frame is longer than the limit its codec allows. Thrown when decoding a
 * header that announces too many bytes (before any payload is buffered),
 * when encoding too large an item, and by the delimiter codecs when no
 * delimiter shows up within the limit.
 *
 * `size` is the frame's length in bytes (for delimited frames, the bytes
 * seen without a delimiter: the frame is at least that long) and `limit`
 * the codec's maximum.
 *
 * @example Usage
 * ```ts
 * import { FrameTooLargeError } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const err = new FrameTooLargeError(9000000, 8388608);
 * assert.equal(err.name, "FrameTooLargeError");
 * assert.equal(err.message, "Frame of 9000000 bytes exceeds maxFrameLength 8388608");
 * ```
 */
export class FrameTooLargeError extends Error {
  /** The frame's length in bytes (a lower bound for delimited frames). */
  readonly size: number;
  /** The largest frame length allowed. */
  readonly limit: number;

  /**
   * Creates the error.
   *
   * @param size The frame's length in bytes.
   * @param limit The largest length allowed.
   * @param message A custom message that replaces the default one.
   */
  constructor(size: number, limit: number, message?: string) {
    super(message ?? `Frame of ${size} bytes exceeds maxFrameLength ${limit}`);
    this.name = "FrameTooLargeError";
    this.size = size;
    this.limit = limit;
  }
}
