/**
 * Frames over byte streams, as tokio-util's codec module: the
 * {@linkcode Decoder}/{@linkcode Encoder} contracts, lines, any-delimiter,
 * length-delimited, varint, bytes and JSON codecs, `FramedRead`/`FramedWrite`/
 * `Framed` over any reader, writer or Web Stream, and datagram framing.
 *
 * ```ts
 * import { LengthDelimitedCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new LengthDelimitedCodec();
 * const buf = new ByteBuffer();
 * codec.encode(new TextEncoder().encode("message from server: 1\n"), buf);
 * assert.deepEqual([...buf.bytes().subarray(0, 4)], [0, 0, 0, 0x17]);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./frame_too_large_error.ts";
export * from "./line_too_long_error.ts";
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
