import type { IoOptions } from "./io_options.ts";
import { toWriter } from "./to_writer.ts";
import type { ByteSink, Writer } from "./types.ts";

/**
 * A writer that calls a function with every chunk it writes, from
 * {@linkcode inspectWriter}.
 *
 * @example Usage
 * ```ts
 * import { inspectWriter } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * let total = 0;
 * const writer = inspectWriter(new WritableStream(), (c) => total += c.length);
 * await writer.write(new Uint8Array(4));
 * assert.equal(total, 4);
 * ```
 */
export interface InspectWriter extends Writer {
  /**
   * Writes `p` to the sink, then calls the inspect function with the bytes
   * the sink accepted (a prefix of `p` when it takes fewer). A `signal` is
   * passed on to a sink that takes one (weir's own writers); cancel and
   * select safety are the sink's.
   *
   * @param p The bytes.
   * @param options Abort signal, passed to the sink.
   * @returns How many bytes the sink accepted.
   *
   * @example Usage
   * ```ts
   * import { inspectWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const seen: number[] = [];
   * const writer = inspectWriter(new WritableStream(), (c) => seen.push(...c));
   * assert.equal(await writer.write(new Uint8Array([9, 8])), 2);
   * assert.deepEqual(seen, [9, 8]);
   * ```
   */
  write(p: Uint8Array, options?: IoOptions): Promise<number>;
}

/**
 * Wraps a byte sink so that `inspect` sees every chunk written through it,
 * as tokio-util's `InspectWriter`: for hashing, counting or tracing output
 * without copying it. `inspect` gets a view of the caller's bytes, the
 * prefix the sink accepted, valid until the caller reuses them; a throw
 * from `inspect` rejects that write, after the bytes were written.
 *
 * @param sink A writer (`Deno.Conn`, a weir writer) or a `WritableStream`.
 * @param inspect Called with each non-empty accepted chunk, in order.
 * @returns The inspecting writer.
 * @throws {TypeError} If `inspect` is not a function.
 *
 * @example Count the bytes sent
 * ```ts
 * import { inspectWriter, writeAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * let sent = 0;
 * const writer = inspectWriter(
 *   new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
 *   (chunk) => sent += chunk.length,
 * );
 * await writeAll(writer, new TextEncoder().encode("ping\n"));
 * assert.equal(sent, 5);
 * ```
 */
export function inspectWriter(
  sink: ByteSink,
  inspect: (chunk: Uint8Array) => void,
): InspectWriter {
  if (typeof inspect !== "function") {
    throw new TypeError(`'inspect' must be a function: received ${typeof inspect}`);
  }
  const writer = toWriter(sink) as Writer & {
    write(p: Uint8Array, options?: IoOptions): Promise<number>;
  };
  return {
    async write(p, options) {
      const n = await writer.write(p, options);
      if (n > 0) inspect(p.subarray(0, n));
      return n;
    },
  };
}
