/**
 * What a channel receive resolves: `{ done: false, value }` for a message,
 * `{ done: true, value: undefined }` once the channel is closed and drained.
 * The shape is an `IteratorResult`, and `undefined` is a legal message: absence is `done`,
 * never a special value.
 *
 * @typeParam T The message type.
 *
 * @example Usage
 * ```ts
 * import { mpsc, type RecvResult } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<number | undefined>(4);
 * await tx.send(undefined);
 * tx.close();
 * const first: RecvResult<number | undefined> = await rx.recv();
 * assert.deepEqual(first, { done: false, value: undefined });
 * assert.equal((await rx.recv()).done, true);
 * ```
 */
export type RecvResult<T> =
  | { readonly done: false; readonly value: T }
  | { readonly done: true; readonly value: undefined };
