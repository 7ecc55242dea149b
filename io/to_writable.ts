import { closeWriter } from "./_close.ts";
import { closeWrite } from "./close_write.ts";
import type { Writer } from "./types.ts";
import { writeAll } from "./write_all.ts";

/**
 * Adapts a {@linkcode Writer} to a `WritableStream<Uint8Array>`: each chunk
 * is written whole (short writes are retried, as {@linkcode writeAll}
 * does) before the next one starts, so the writer's pace is the stream's
 * backpressure.
 *
 * Closing the stream ends the writer's write direction: `closeWrite()`
 * when it has one (a half-close, as on `Deno.TcpConn`), else `close()`.
 * Aborting the stream closes the writer (`close()`, else `closeWrite()`).
 *
 * @param writer The writer to write to.
 * @returns A writable stream over the writer.
 *
 * @example Usage
 * ```ts
 * import { toWritable, type Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * const writer: Writer = {
 *   write(p) {
 *     seen.push(p[0]!);
 *     return Promise.resolve(1); // one byte at a time
 *   },
 * };
 * await ReadableStream.from([new Uint8Array([1, 2, 3])]).pipeTo(toWritable(writer));
 * assert.deepEqual(seen, [1, 2, 3]);
 * ```
 */
export function toWritable(writer: Writer): WritableStream<Uint8Array> {
  return new WritableStream({
    write(chunk) {
      return writeAll(writer, chunk);
    },
    close() {
      return closeWrite(writer);
    },
    abort() {
      return closeWriter(writer);
    },
  });
}
