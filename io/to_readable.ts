import { closeReader } from "./_close.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import type { Reader } from "./types.ts";

/** Options for {@linkcode toReadable}. */
export interface ToReadableOptions {
  /**
   * Size of the chunks allocated for default (non-BYOB) readers of the
   * stream; BYOB readers supply their own buffer, read into directly.
   *
   * @default {16384}
   */
  readSize?: number;
}

/**
 * Adapts a {@linkcode Reader} to a readable byte stream
 * (`type: "bytes"`): each pull is one `read(p)` straight into the
 * consumer's buffer (a BYOB reader's view, or a `readSize` chunk).
 *
 * `read` returning `null` closes the stream; a rejected `read` errors it.
 * Cancelling the stream cancels the reader (`cancel(reason)`, as a
 * {@linkcode StreamReader} has) or else closes it (`close()`, as
 * `Deno.Conn` and `Deno.FsFile` have), as Deno's own `readable`
 * properties do.
 *
 * @param reader The reader to pull from.
 * @param options Chunk size.
 * @returns A readable byte stream over the reader.
 *
 * @example Usage
 * ```ts
 * import { toReadable, type Reader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * let left = 3;
 * const reader: Reader = {
 *   read(p) {
 *     if (left === 0) return Promise.resolve(null);
 *     p[0] = left--;
 *     return Promise.resolve(1);
 *   },
 * };
 * const chunks = await Array.fromAsync(toReadable(reader));
 * assert.deepEqual(chunks.map((c) => [...c]), [[3], [2], [1]]);
 * ```
 */
export function toReadable(
  reader: Reader,
  options: ToReadableOptions = {},
): ReadableStream<Uint8Array> {
  const { readSize = 16384 } = options;
  if (!Number.isSafeInteger(readSize) || readSize < 1) {
    throw new RangeError(`'readSize' must be a positive integer: received ${readSize}`);
  }
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: readSize,
    async pull(controller) {
      // autoAllocateChunkSize guarantees a request for every pull.
      const request = controller.byobRequest!;
      const view = request.view!;
      const n = checkReadResult(
        await reader.read(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)),
        view.byteLength,
      );
      if (n === null) {
        controller.close();
        request.respond(0);
      } else {
        request.respond(n);
      }
    },
    cancel(reason) {
      return closeReader(reader, reason);
    },
  });
}
