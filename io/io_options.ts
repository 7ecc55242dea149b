/**
 * Options of every io operation that can wait.
 *
 * @example Usage
 * ```ts
 * import { type IoOptions, writeAll, type Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const options: IoOptions = { signal: AbortSignal.abort("stop") };
 * const writer: Writer = { write: (p) => Promise.resolve(p.length) };
 * await assert.rejects(writeAll(writer, new Uint8Array(1), options), (e) => e === "stop");
 * ```
 */
export interface IoOptions {
  /**
   * Stops waiting when aborted, rejecting with `signal.reason`. Each method
   * states what an abort leaves behind (its cancellation safety).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}
