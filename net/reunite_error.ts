/**
 * `reunite` was given halves that are not from the same `intoSplit`, or a
 * half that was already closed.
 *
 * @example Usage
 * ```ts
 * import { ReuniteError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const error = new ReuniteError();
 * assert.equal(error.name, "ReuniteError");
 * assert.equal(error.message, "Tried to reunite halves that are not from the same socket");
 * ```
 */
export class ReuniteError extends Error {
  /**
   * Creates the error.
   *
   * @param options Standard error options (`cause`).
   */
  constructor(options?: ErrorOptions) {
    super("Tried to reunite halves that are not from the same socket", options);
    this.name = "ReuniteError";
  }
}
