/**
 * A reader broke the `read(p)` contract: it resolved 0 for a non-empty
 * buffer (which would make its caller spin without progress), or something
 * that is not an integer from 0 to `p.length` and not `null` (which would
 * make its caller count bytes that never arrived).
 *
 * `returned` is what the reader resolved; `room` is the length of the
 * buffer it was given.
 *
 * @example Usage
 * ```ts
 * import { InvalidReadError } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidReadError(0, 4096);
 * assert.equal(err.name, "InvalidReadError");
 * assert.equal(err.message, "Invalid read: the reader returned 0 for a buffer of 4096 bytes");
 * ```
 */
export class InvalidReadError extends Error {
  /** What the reader resolved. */
  readonly returned: unknown;
  /** The length of the buffer it was given. */
  readonly room: number;

  /**
   * Creates the error.
   *
   * @param returned What the reader resolved.
   * @param room The length of the buffer it was given.
   */
  constructor(returned: unknown, room: number) {
    const shown = typeof returned === "string" ? JSON.stringify(returned) : String(returned);
    super(`Invalid read: the reader returned ${shown} for a buffer of ${room} bytes`);
    this.name = "InvalidReadError";
    this.returned = returned;
    this.room = room;
  }
}
