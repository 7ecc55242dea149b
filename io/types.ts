/**
 * A pull-based byte reader, the shape of `Deno.Conn` and `Deno.FsFile`.
 *
 * `read(p)` fills a prefix of `p` and resolves the number of bytes written,
 * or `null` at end of stream. A zero-length `p` resolves `0`.
 *
 * @example Usage
 * ```ts
 * import type { Reader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const reader: Reader = {
 *   read(p) {
 *     p[0] = 42;
 *     return Promise.resolve(1);
 *   },
 * };
 * const buf = new Uint8Array(1);
 * assert.equal(await reader.read(buf), 1);
 * ```
 */
export interface Reader {
  /** Reads up to `p.length` bytes into `p`; `null` means end of stream. */
  read(p: Uint8Array): Promise<number | null>;
}

/**
 * A push-based byte writer, the shape of `Deno.Conn` and `Deno.FsFile`.
 *
 * `write(p)` may accept fewer bytes than given (a short write); callers that
 * need every byte written use {@linkcode writeAll}-style loops.
 *
 * @example Usage
 * ```ts
 * import type { Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * const writer: Writer = {
 *   write(p) {
 *     seen.push(...p);
 *     return Promise.resolve(p.length);
 *   },
 * };
 * assert.equal(await writer.write(new Uint8Array([1, 2])), 2);
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export interface Writer {
  /** Writes a prefix of `p` and resolves how many bytes were accepted. */
  write(p: Uint8Array): Promise<number>;
}

/**
 * Anything weir reads bytes from: a {@linkcode Reader} (fast path, no
 * per-chunk stream objects) or a `ReadableStream<Uint8Array>`.
 *
 * @example Usage
 * ```ts
 * import type { ByteSource } from "@weir/weir/io";
 *
 * const source: ByteSource = ReadableStream.from([new Uint8Array([1])]);
 * await source instanceof ReadableStream ? source.cancel() : undefined;
 * ```
 */
export type ByteSource = Reader | ReadableStream<Uint8Array>;

/**
 * Anything weir writes bytes to: a {@linkcode Writer} (fast path) or a
 * `WritableStream<Uint8Array>`.
 *
 * @example Usage
 * ```ts
 * import type { ByteSink } from "@weir/weir/io";
 *
 * const chunks: Uint8Array[] = [];
 * const sink: ByteSink = new WritableStream<Uint8Array>({
 *   write(chunk) {
 *     chunks.push(chunk);
 *   },
 * });
 * await (sink as WritableStream<Uint8Array>).close();
 * ```
 */
export type ByteSink = Writer | WritableStream<Uint8Array>;

/**
 * A writer whose write direction can be shut down on its own (TCP
 * `shutdown(SHUT_WR)`): `Deno.TcpConn`, `Deno.UnixConn`, weir's connections
 * and the in-memory `duplex` endpoints.
 *
 * @example Usage
 * ```ts
 * import type { HalfCloseWriter } from "@weir/weir/io";
 *
 * const w: HalfCloseWriter = {
 *   write: (p) => Promise.resolve(p.length),
 *   closeWrite: () => Promise.resolve(),
 * };
 * await w.closeWrite();
 * ```
 */
export interface HalfCloseWriter extends Writer {
  /** Ends the write direction; the peer reads end of stream, reading goes on. */
  closeWrite(): Promise<void>;
}
