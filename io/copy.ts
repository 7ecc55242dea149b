import { abortable } from "../sync/abortable.ts";
import type { SignalReader } from "./_abort.ts";
import { Pacer } from "./_pace.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import type { IoOptions } from "./io_options.ts";
import { toReader } from "./to_reader.ts";
import { toWriter } from "./to_writer.ts";
import type { ByteSink, ByteSource, Writer } from "./types.ts";
import { writeAll } from "./write_all.ts";

/** Options for {@linkcode copy} and {@linkcode copyBidirectional}. */
export interface CopyOptions extends IoOptions {
  /**
   * Size of the buffer each copy reads into.
   *
   * @default {8192}
   */
  bufferSize?: number;
}

type Flushable = Writer & { flush?: () => Promise<void> };

const PENDING = Symbol("pending");
const NOT_YET = Promise.resolve(PENDING);

/** Whether `promise` has not settled yet (checked within one microtask). */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  try {
    return await Promise.race([promise, NOT_YET]) === PENDING;
  } catch {
    return false;
  }
}

/**
 * Copies every byte from `src` to `dst` until `src` ends, and resolves the
 * number of bytes copied (Tokio's `copy`). Short writes are retried. When
 * `dst` has a `flush()` (a {@linkcode BufWriter}), it is flushed whenever
 * the copy has to wait for `src`, so a peer waiting for those bytes is
 * never starved, and once more at the end. `dst` is not closed.
 *
 * Stream arguments are locked while copying and released afterwards.
 *
 * **Cancellation:** not cancel safe: on abort, bytes read from `src` but
 * not yet written to `dst` are lost.
 *
 * @param src Where to read.
 * @param dst Where to write.
 * @param options Buffer size and cancellation.
 * @returns The number of bytes copied.
 *
 * @example Usage
 * ```ts
 * import { copy } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const src = ReadableStream.from([new Uint8Array([1, 2]), new Uint8Array([3])]);
 * const dst = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
 * assert.equal(await copy(src, dst), 3);
 * assert.deepEqual(chunks.flatMap((c) => [...c]), [1, 2, 3]);
 * ```
 */
export async function copy(
  src: ByteSource,
  dst: ByteSink,
  options: CopyOptions = {},
): Promise<number> {
  const { signal, bufferSize = 8192 } = options;
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
    throw new RangeError(`'bufferSize' must be a positive integer: received ${bufferSize}`);
  }
  signal?.throwIfAborted();
  const reader = toReader(src);
  const writer: Flushable = toWriter(dst);
  const ioOptions = signal === undefined ? {} : { signal };
  const buf = new Uint8Array(bufferSize);
  let total = 0;
  let unflushed = false;
  const pacer = new Pacer();
  try {
    while (true) {
      await pacer.step();
      const read = (reader as SignalReader).read(buf, ioOptions);
      if (unflushed && typeof writer.flush === "function" && await isPending(read)) {
        read.catch(() => {});
        await abortable(writer.flush(), signal);
        unflushed = false;
      }
      const n = checkReadResult(await abortable(read, signal), buf.length);
      if (n === null) break;
      await writeAll(writer, buf.subarray(0, n), ioOptions);
      total += n;
      unflushed = true;
    }
    if (typeof writer.flush === "function") await abortable(writer.flush(), signal);
    return total;
  } finally {
    if (reader !== src) reader.releaseLock?.();
    if (writer !== dst) (writer as { releaseLock?: () => void }).releaseLock?.();
  }
}
