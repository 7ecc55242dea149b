/**
 * Bytes in motion: the {@linkcode Reader}/{@linkcode Writer} contracts,
 * {@linkcode ByteBuffer}, buffered readers and writers, `copy`,
 * `copyBidirectional` with half-close, and an in-memory `duplex` pipe.
 *
 * Every consumer accepts a `read(p)` reader (the fast path, what `Deno.Conn`
 * and `Deno.FsFile` are) or a `ReadableStream<Uint8Array>`, and a `write(p)`
 * writer or a `WritableStream<Uint8Array>`.
 *
 * ```ts
 * import { ByteBuffer } from "@weir/weir/io";
 *
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("frame"));
 * console.log(new TextDecoder().decode(buf.take(buf.length)));
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./byte_buffer.ts";
export * from "./unexpected_eof_error.ts";
export * from "./invalid_utf8_error.ts";
