import { abortable } from "../sync/abortable.ts";
import type { SignalWriter } from "./_abort.ts";
import { toWriter } from "./to_writer.ts";
import type { IoOptions } from "./io_options.ts";
import type { ByteSink } from "./types.ts";

/**
 * Writes every byte of `bytes`, calling `write` again after each short
 * write (`Deno.Conn.write` may accept fewer bytes than given).
 *
 * A `WritableStream` sink is locked for the duration of the call and
 * released afterwards.
 *
 * **Cancellation:** not cancel safe. When `signal` aborts, the call rejects
 * with `signal.reason`, and a prefix of `bytes` may already have been
 * written; a write in flight is not undone.
 *
 * @param sink Where to write.
 * @param bytes The bytes to write.
 * @param options Cancellation.
 * @throws {Deno.errors.WriteZero} When the writer accepts 0 bytes of a
 * non-empty write (it would loop forever).
 *
 * @example Usage
 * ```ts
 * import { writeAll, type Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * // A writer that accepts at most 2 bytes per call, as a busy socket may.
 * const writer: Writer = {
 *   write(p) {
 *     seen.push(...p.subarray(0, 2));
 *     return Promise.resolve(Math.min(2, p.length));
 *   },
 * };
 * await writeAll(writer, new Uint8Array([1, 2, 3, 4, 5]));
 * assert.deepEqual(seen, [1, 2, 3, 4, 5]);
 * ```
 */
export async function writeAll(
  sink: ByteSink,
  bytes: Uint8Array,
  options: IoOptions = {},
): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (sink instanceof WritableStream) {
    const writer = toWriter(sink);
    try {
      await abortable(writer.write(bytes), signal);
    } finally {
      writer.releaseLock();
    }
    return;
  }
  const writer: SignalWriter = sink;
  let offset = 0;
  while (offset < bytes.length) {
    const rest = bytes.length - offset;
    const n = await abortable(
      writer.write(offset === 0 ? bytes : bytes.subarray(offset), options),
      signal,
    );
    if (n === 0) {
      throw new Deno.errors.WriteZero(`Writer accepted 0 of ${rest} remaining bytes`);
    }
    offset += n;
  }
}
