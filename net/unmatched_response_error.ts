/**
 * A reply arrived that no request was waiting for: on a
 * {@linkcode Pipeline}, a reply with no request outstanding; on a
 * {@linkcode Multiplex} without `onUnmatched`, a reply whose id belongs to
 * no request in flight. The stream can no longer be trusted, so the
 * connection fails with this error (the `cause` of the
 * {@linkcode ConnectionLostError} pending requests reject with).
 *
 * @example Usage
 * ```ts
 * import { UnmatchedResponseError } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const error = new UnmatchedResponseError({ id: 7, ok: true }, 7);
 * assert.equal(error.name, "UnmatchedResponseError");
 * assert.equal(error.id, 7);
 * assert.equal(error.message, "A reply with id 7 matches no request in flight");
 * ```
 */
export class UnmatchedResponseError extends Error {
  /** The reply that matched nothing. */
  readonly response: unknown;
  /** Its id (from `responseId`), or `undefined` for a reply matched by order. */
  readonly id: unknown;

  /**
   * Creates the error.
   *
   * @param response The reply that matched nothing.
   * @param id Its id, when replies are matched by id.
   */
  constructor(response: unknown, id?: unknown) {
    super(
      id === undefined
        ? "A reply arrived with no request waiting for it"
        : `A reply with id ${String(id)} matches no request in flight`,
    );
    this.name = "UnmatchedResponseError";
    this.response = response;
    this.id = id;
  }
}
