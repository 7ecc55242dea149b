/**
 * Frames over byte streams, as tokio-util's codec module.
 *
 * - Contracts: {@linkcode Decoder} (`decode(buf)` returns a frame or
 *   `undefined` for "need more", `decodeEof(buf)` for the tail) and
 *   {@linkcode Encoder} (`encode(item, out)` appends to a `ByteBuffer`).
 *   Custom codecs are plain objects with those methods.
 * - Codecs: {@linkcode LinesCodec}, {@linkcode AnyDelimiterCodec},
 *   {@linkcode LengthDelimitedCodec} (every tokio-util builder option,
 *   byte for byte), {@linkcode VarintLengthCodec} (`it-length-prefixed`
 *   wire format), {@linkcode BytesCodec}, {@linkcode JsonCodec} (NDJSON)
 *   and {@linkcode jsonCodec} over any byte codec.
 * - Framers: {@linkcode FramedRead} (async iterator and `readable`),
 *   {@linkcode FramedWrite} (`feed`/`send`/`flush`/`close`, `writable`),
 *   {@linkcode Framed} (both, over one connection), the
 *   {@linkcode decoderStream}/{@linkcode encoderStream} transforms, and
 *   {@linkcode DatagramFramed} for UDP.
 * - Errors: {@linkcode FrameTooLargeError} (and {@linkcode LineTooLongError})
 *   name the limit and the size; a stream that ends mid-frame throws
 *   `UnexpectedEofError` from `@weir/weir/io`.
 *
 * Framers read with `read(p)` straight into their buffer when the source
 * is a reader (`Deno.Conn`), decode every frame a read completes without
 * awaiting, hand frames out as zero-copy views the buffer never reuses,
 * and write many fed frames in one write. A relay or an echo that forwards
 * frames unchanged can skip the per-frame objects altogether:
 * `LengthDelimitedCodec.wholeFramesLength(buf)` checks every header and
 * says how many bytes at the front are whole frames, ready to forward in
 * one write (`examples/framed_server.ts --echo` does this).
 *
 * ```ts
 * import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex();
 * const [client, server] = pair;
 * const tx = new Framed(server, new LengthDelimitedCodec());
 * await tx.send(new TextEncoder().encode("message from server: 1\n"));
 * await tx.close();
 *
 * // On the wire: 00 00 00 17, then the 23 bytes.
 * const header = new Uint8Array(4);
 * await client.read(header);
 * assert.deepEqual([...header], [0, 0, 0, 0x17]);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./frame_too_large_error.ts";
export * from "./invalid_frame_error.ts";
export * from "./lines_codec.ts";
export * from "./any_delimiter_codec.ts";
export * from "./length_delimited_codec.ts";
export * from "./varint_length_codec.ts";
export * from "./bytes_codec.ts";
export * from "./json_codec.ts";
export * from "./framed_read.ts";
export * from "./framed_write.ts";
export * from "./framed.ts";
export * from "./decoder_stream.ts";
export * from "./encoder_stream.ts";
export * from "./datagram_framed.ts";
