import { FrameTooLargeError } from "./frame_too_large_error.ts";

/**
 * A line grew past `LinesCodec`'s `maxLength` without a newline (tokio-util's
 * `MaxLineLengthExceeded`). The codec then discards bytes up to the next
 * newline and goes on with the line after it, so the error is reported
 * once per over-long line.
 *
 * It is a {@linkcode FrameTooLargeError}: `size` is how many bytes were
 * buffered without a newline (the line is at least that long), `limit` the
 * `maxLength`.
 *
 * @example Usage
 * ```ts
 * import { FrameTooLargeError, LineTooLongError } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const err = new LineTooLongError(65537, 65536);
 * assert.equal(err.name, "LineTooLongError");
 * assert.ok(err instanceof FrameTooLargeError);
 * assert.equal(err.message, "Line of at least 65537 bytes exceeds maxLength 65536");
 * ```
 */
export class LineTooLongError extends FrameTooLargeError {
  /**
   * Creates the error.
   *
   * @param size Bytes buffered without a newline.
   * @param limit The codec's `maxLength`.
   */
  constructor(size: number, limit: number) {
    super(size, limit, `Line of at least ${size} bytes exceeds maxLength ${limit}`);
    this.name = "LineTooLongError";
  }
}
