import type { IoOptions } from "./io_options.ts";
import { toReader } from "./to_reader.ts";
import type { ByteSource, Reader } from "./types.ts";

/**
 * A reader that calls a function with every chunk it reads, from
 * {@linkcode inspectReader}.
 *
 * @example Usage
 * ```ts
 * import { inspectReader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * let total = 0;
 * const reader = inspectReader(ReadableStream.from([new Uint8Array(3)]), (c) => total += c.length);
 * let n: number | null = 0;
 * while (n !== null) n = await reader.read(new Uint8Array(8));
 * assert.equal(total, 3);
 * ```
 */
export interface InspectReader extends Reader {
  /**
   * Reads from the source into `p`, then calls the inspect function with
   * the bytes read (not at the end of stream). A `signal` is passed on to
   * a source that takes one (weir's own readers); cancel and select safety
   * are the source's.
   *
   * @param p Where to put the bytes.
   * @param options Abort signal, passed to the source.
   * @returns How many bytes were read, or `null` at the end.
   *
   * @example Usage
   * ```ts
   * import { inspectReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const seen: number[] = [];
   * const reader = inspectReader(ReadableStream.from([new Uint8Array([1, 2])]), (c) => seen.push(...c));
   * assert.equal(await reader.read(new Uint8Array(8)), 2);
   * assert.deepEqual(seen, [1, 2]);
   * ```
   */
  read(p: Uint8Array, options?: IoOptions): Promise<number | null>;
}

/**
 * Wraps a byte source so that `inspect` sees every chunk read through it,
 * as tokio-util's `InspectReader`: for hashing, counting or tracing bytes
 * without copying them. `inspect` gets a view of the caller's buffer, valid
 * until the caller reuses it (copy it to keep it); a throw from `inspect`
 * rejects that read, after the bytes were read.
 *
 * @param source A reader (`Deno.Conn`, a weir reader) or a `ReadableStream`.
 * @param inspect Called with each non-empty chunk, in order.
 * @returns The inspecting reader.
 * @throws {TypeError} If `inspect` is not a function.
 *
 * @example Hash a download while saving it
 * ```ts
 * import { inspectReader, readAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const body = ReadableStream.from([new TextEncoder().encode("hello "), new TextEncoder().encode("world")]);
 * let checksum = 0;
 * const reader = inspectReader(body, (chunk) => {
 *   for (const byte of chunk) checksum = (checksum + byte) % 65521;
 * });
 * const saved = await readAll(reader);
 * assert.equal(saved.length, 11);
 * assert.equal(checksum, [..."hello world"].reduce((s, c) => (s + c.charCodeAt(0)) % 65521, 0));
 * ```
 */
export function inspectReader(
  source: ByteSource,
  inspect: (chunk: Uint8Array) => void,
): InspectReader {
  if (typeof inspect !== "function") {
    throw new TypeError(`'inspect' must be a function: received ${typeof inspect}`);
  }
  const reader = toReader(source) as Reader & {
    read(p: Uint8Array, options?: IoOptions): Promise<number | null>;
  };
  return {
    async read(p, options) {
      const n = await reader.read(p, options);
      if (n !== null && n > 0) inspect(p.subarray(0, n));
      return n;
    },
  };
}
