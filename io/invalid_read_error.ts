/**
 * A reader broke the {@linkcode Reader} contract: `read(p)` resolved `0`
 * for a non-empty `p` (which would make every read loop spin without
 * progress), or something that is not an integer in `0..p.length` or
 * `null` (`undefined`, `NaN`, `-1`, more bytes than `p` has room for).
 *
 * `result` is what the read resolved and `requested` is `p.length`.
 * Check a result with {@linkcode checkReadResult}.
 *
 * @example Usage
 * ```ts
 * import { InvalidReadError } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidReadError(undefined, 16);
 * assert.equal(err.name, "InvalidReadError");
 * assert.equal(err.result, undefined);
 * assert.equal(err.requested, 16);
 * assert.equal(
 *   err.message,
 *   "Reader returned undefined for a read of 16 bytes: expected an integer in 1..16 or null",
 * );
 * ```
 */
export class InvalidReadError extends Error {
  /** What the read resolved. */
  readonly result: unknown;
  /** The length of the buffer the read was given. */
  readonly requested: number;

  /**
   * Creates the error.
   *
   * @param result What the read resolved.
   * @param requested The length of the buffer the read was given.
   */
  constructor(result: unknown, requested: number) {
    const expected = requested === 0 ? "0" : `an integer in 1..${requested}`;
    super(
      `Reader returned ${
        describe(result)
      } for a read of ${requested} bytes: expected ${expected} or null`,
    );
    this.name = "InvalidReadError";
    this.result = result;
    this.requested = requested;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null) {
    return Object.prototype.toString.call(value);
  }
  return String(value);
}

/**
 * Checks what a `read(p)` resolved, for code that calls a reader it did not
 * write: returns it when it keeps the {@linkcode Reader} contract (an
 * integer in `1..p.length`, `0` only when `p` is empty, or `null` at end of
 * stream), and throws {@linkcode InvalidReadError} otherwise. Every read
 * loop in weir checks its reader's results with it, so a broken reader
 * fails at once instead of spinning or corrupting data.
 *
 * @param result What `read(p)` resolved.
 * @param requested `p.length`.
 * @returns `result`, typed.
 * @throws {InvalidReadError} When `result` breaks the contract.
 *
 * @example Usage
 * ```ts
 * import { checkReadResult, InvalidReadError, type Reader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const broken: Reader = { read: () => Promise.resolve(0) };
 * const p = new Uint8Array(8);
 * const result = await broken.read(p);
 * assert.throws(() => checkReadResult(result, p.length), InvalidReadError);
 * assert.equal(checkReadResult(8, p.length), 8);
 * assert.equal(checkReadResult(null, p.length), null);
 * ```
 */
export function checkReadResult(result: unknown, requested: number): number | null {
  if (result === null) return null;
  if (
    typeof result !== "number" || !Number.isInteger(result) || result > requested ||
    (result < 1 && !(result === 0 && requested === 0))
  ) {
    throw new InvalidReadError(result, requested);
  }
  return result;
}
