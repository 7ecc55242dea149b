/**
 * The stream ended before the bytes a caller needed arrived: a truncated
 * frame, a short `readExact`, a connection reset mid-message.
 *
 * `expected` and `received` say how many bytes were wanted and how many came
 * (`expected` is `undefined` when the total was not known, as for a frame
 * whose header never completed).
 *
 * @example Usage
 * ```ts
 * import { UnexpectedEofError } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new UnexpectedEofError(8, 3);
 * assert.equal(err.name, "UnexpectedEofError");
 * assert.equal(err.message, "Unexpected end of stream: expected 8 bytes, received 3");
 * ```
 */
export class UnexpectedEofError extends Error {
  /** Bytes the caller needed, when known. */
  readonly expected: number | undefined;
  /** Bytes that arrived before the end of stream. */
  readonly received: number;

  /**
   * Creates the error.
   *
   * @param expected Bytes wanted, or `undefined` when unknown.
   * @param received Bytes that arrived.
   * @param detail A custom message that replaces the default one.
   */
  constructor(expected: number | undefined, received: number, detail?: string) {
    super(
      detail ??
        (expected === undefined
          ? `Unexpected end of stream: ${received} bytes remaining on stream`
          : `Unexpected end of stream: expected ${expected} bytes, received ${received}`),
    );
    this.name = "UnexpectedEofError";
    this.expected = expected;
    this.received = received;
  }
}
