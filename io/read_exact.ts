import { abortable } from "../sync/abortable.ts";
import type { SignalReader } from "./_abort.ts";
import { Pacer } from "./_pace.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import type { IoOptions } from "./io_options.ts";
import type { Reader } from "./types.ts";
import { UnexpectedEofError } from "./unexpected_eof_error.ts";

/**
 * Reads exactly `n` bytes into a new array, or fills `p` completely,
 * calling `read` as often as needed and never reading past the end of the
 * destination (Tokio's `read_exact`). To read exact sizes from a stream,
 * wrap it in a {@linkcode BufReader}.
 *
 * **Cancellation:** not cancel safe: on abort the bytes read so far are
 * lost to the caller.
 *
 * @param reader The reader.
 * @param target A byte count, or the array to fill.
 * @param options Cancellation.
 * @returns The bytes (a new array, or `p` itself).
 * @throws {UnexpectedEofError} When the reader ends first.
 *
 * @example Usage
 * ```ts
 * import { duplex, readExact, UnexpectedEofError, writeAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = duplex(64);
 * await writeAll(a, new Uint8Array([1, 2, 3]));
 * a.close();
 * assert.deepEqual([...await readExact(b, 2)], [1, 2]);
 * await assert.rejects(readExact(b, new Uint8Array(2)), UnexpectedEofError);
 * b.close();
 * ```
 */
export async function readExact(
  reader: Reader,
  target: number | Uint8Array,
  options: IoOptions = {},
): Promise<Uint8Array> {
  const { signal } = options;
  if (typeof target === "number" && (!Number.isSafeInteger(target) || target < 0)) {
    throw new RangeError(`'n' must be a non-negative integer: received ${target}`);
  }
  signal?.throwIfAborted();
  const out = typeof target === "number" ? new Uint8Array(target) : target;
  let got = 0;
  const pacer = new Pacer();
  while (got < out.length) {
    if (got > 0) await pacer.step();
    const rest = got === 0 ? out : out.subarray(got);
    const n = checkReadResult(
      await abortable((reader as SignalReader).read(rest, options), signal),
      rest.length,
    );
    if (n === null) throw new UnexpectedEofError(out.length, got);
    got += n;
  }
  return out;
}
