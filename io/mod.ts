/**
 * Bytes in motion: the {@linkcode Reader}/{@linkcode Writer} contracts,
 * {@linkcode ByteBuffer}, buffered readers and writers, `copy`,
 * `copyBidirectional` with half-close, and an in-memory `duplex` pipe.
 *
 * Every consumer accepts a `read(p)` reader (the fast path, what `Deno.Conn`
 * and `Deno.FsFile` are) or a `ReadableStream<Uint8Array>`, and a `write(p)`
 * writer or a `WritableStream<Uint8Array>`; {@linkcode toReader} and
 * {@linkcode toWriter} convert.
 *
 * ```ts
 * import { toReader, toWriter, writeAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const writer = toWriter(writable);
 * const done = writeAll(writer, new TextEncoder().encode("frame")).then(() => writer.close());
 * const reader = toReader(readable);
 * const p = new Uint8Array(16);
 * const n = await reader.read(p);
 * assert.equal(new TextDecoder().decode(p.subarray(0, n ?? 0)), "frame");
 * await done;
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./byte_buffer.ts";
export * from "./unexpected_eof_error.ts";
export * from "./invalid_utf8_error.ts";
export * from "./to_reader.ts";
export * from "./to_writer.ts";
export * from "./write_all.ts";
export * from "./io_options.ts";
export * from "./buffer_full_error.ts";
export * from "./to_readable.ts";
export * from "./to_writable.ts";
export * from "./read_all.ts";
export * from "./read_exact.ts";
export * from "./buf_reader.ts";
export * from "./buf_writer.ts";
export * from "./copy.ts";
export * from "./copy_bidirectional.ts";
export * from "./duplex.ts";
