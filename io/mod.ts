/**
 * Bytes in motion, after `tokio::io`: the {@linkcode Reader}/{@linkcode Writer}
 * contracts, {@linkcode ByteBuffer}, buffered reading ({@linkcode BufReader}:
 * lines, delimiters, exact reads, peeking) and writing ({@linkcode BufWriter}),
 * {@linkcode copy}, {@linkcode copyBidirectional} with half-close,
 * {@linkcode readAll}, {@linkcode readExact}, {@linkcode writeAll}, and an
 * in-memory {@linkcode duplex} pipe pair that behaves like a TCP connection.
 *
 * Every consumer accepts a `read(p)` reader (the fast path, what `Deno.Conn`
 * and `Deno.FsFile` are) or a `ReadableStream<Uint8Array>`, and a `write(p)`
 * writer or a `WritableStream<Uint8Array>`; {@linkcode toReader},
 * {@linkcode toWriter}, {@linkcode toReadable} and {@linkcode toWritable}
 * convert. Binary fields go through {@linkcode ByteBuffer}'s `put*`/`get*`
 * and {@linkcode BufReader}'s `read*` (DataView names, big-endian by
 * default), lines through one {@linkcode LineDecoder}. Operations that wait
 * take `{ signal }` and document their cancellation safety; a call made
 * while another waits on the same reader or writer is refused with
 * `Deno.errors.Busy`. Over-long lines ({@linkcode LineTooLongError}), other
 * limits ({@linkcode BufferFullError}), truncation
 * ({@linkcode UnexpectedEofError}), bad text ({@linkcode InvalidUtf8Error})
 * and readers that break the `read(p)` contract
 * ({@linkcode InvalidReadError}, see {@linkcode checkReadResult}) have typed
 * errors.
 *
 * ```ts
 * import { BufReader, BufWriter, copyBidirectional, duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * // A line protocol over an in-memory connection, through a proxy.
 * const [client, proxyIn] = duplex(1024);
 * const [proxyOut, server] = duplex(1024);
 * const proxy = copyBidirectional(proxyIn, proxyOut);
 *
 * const requests = new BufWriter(client);
 * await requests.write(new TextEncoder().encode("HELLO\r\nWORLD\n"));
 * await requests.closeWrite(); // flush, then half-close
 *
 * const lines = new BufReader(server);
 * assert.deepEqual(await Array.fromAsync(lines.lines()), ["HELLO", "WORLD"]);
 * await server.closeWrite();
 * assert.equal(await client.read(new Uint8Array(1)), null);
 * assert.deepEqual(await proxy, [13, 0]);
 * for (const end of [client, proxyIn, proxyOut, server]) end.close();
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./byte_buffer.ts";
export * from "./unexpected_eof_error.ts";
export * from "./invalid_read_error.ts";
export * from "./invalid_utf8_error.ts";
export * from "./line_too_long_error.ts";
export * from "./line_decoder.ts";
export * from "./to_reader.ts";
export * from "./to_writer.ts";
export * from "./write_all.ts";
export * from "./close_write.ts";
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
export * from "./simplex.ts";
export * from "./inspect_reader.ts";
export * from "./inspect_writer.ts";
