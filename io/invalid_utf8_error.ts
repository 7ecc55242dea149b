/**
 * Bytes that had to be text were not valid UTF-8. Thrown by line readers and
 * text codecs instead of silently substituting U+FFFD.
 *
 * @example Usage
 * ```ts
 * import { InvalidUtf8Error } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidUtf8Error(3);
 * assert.equal(err.name, "InvalidUtf8Error");
 * assert.equal(err.byteLength, 3);
 * ```
 */
export class InvalidUtf8Error extends Error {
  /** Length in bytes of the rejected input. */
  readonly byteLength: number;

  /**
   * Creates the error.
   *
   * @param byteLength Length of the bytes that failed to decode.
   * @param options Standard error options (`cause`).
   */
  constructor(byteLength: number, options?: ErrorOptions) {
    super(`Cannot decode ${byteLength} bytes as UTF-8: input is not valid UTF-8`, options);
    this.name = "InvalidUtf8Error";
    this.byteLength = byteLength;
  }
}
