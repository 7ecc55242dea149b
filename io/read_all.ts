import { abortable } from "../sync/abortable.ts";
import type { SignalReader } from "./_abort.ts";
import { Pacer } from "./_pace.ts";
import { BufferFullError } from "./buffer_full_error.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import type { IoOptions } from "./io_options.ts";
import { toReader } from "./to_reader.ts";
import type { ByteSource } from "./types.ts";

/** Options for {@linkcode readAll}. */
export interface ReadAllOptions extends IoOptions {
  /**
   * Most bytes to accept; more throws {@linkcode BufferFullError}.
   *
   * @default {Infinity}
   */
  maxLength?: number;
}

/**
 * Reads a source to its end into one array (Tokio's `read_to_end`).
 *
 * Reads go straight into the spare room of a growing buffer; the result
 * may be a view over a larger `ArrayBuffer`. A stream source is locked
 * while reading and released afterwards.
 *
 * **Cancellation:** not cancel safe: on abort the bytes read so far are
 * dropped.
 *
 * @param source A `read(p)` reader or a readable byte stream.
 * @param options `maxLength` limit and cancellation.
 * @returns Every byte of the source.
 * @throws {BufferFullError} When the source has more than `maxLength` bytes.
 *
 * @example Usage
 * ```ts
 * import { readAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const source = ReadableStream.from(["ab", "cd"].map((s) => new TextEncoder().encode(s)));
 * assert.equal(new TextDecoder().decode(await readAll(source)), "abcd");
 * ```
 */
export async function readAll(
  source: ByteSource,
  options: ReadAllOptions = {},
): Promise<Uint8Array> {
  const { maxLength = Infinity, signal } = options;
  signal?.throwIfAborted();
  const reader: SignalReader & { releaseLock?: () => void } = toReader(source);
  const ioOptions = signal === undefined ? {} : { signal };
  const buf = new ByteBuffer(16384);
  const pacer = new Pacer();
  try {
    while (true) {
      await pacer.step();
      if (buf.spare().length < 4096) buf.reserve(buf.capacity || 16384);
      const spare = buf.spare();
      const n = checkReadResult(
        await abortable(reader.read(spare, ioOptions), signal),
        spare.length,
      );
      if (n === null) return buf.take(buf.length);
      buf.commit(n);
      if (buf.length > maxLength) {
        throw new BufferFullError(maxLength, `Source exceeds maxLength ${maxLength}`);
      }
    }
  } finally {
    reader.releaseLock?.();
  }
}
