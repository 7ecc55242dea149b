/**
 * Frames over byte streams, as tokio-util's codec module: the
 * `Decoder`/`Encoder` contracts, lines, any-delimiter, length-delimited,
 * varint, bytes and JSON codecs, `FramedRead`/`FramedWrite`/`Framed` over
 * any reader, writer or Web Stream, and datagram framing.
 *
 * ```ts
 * import * as framing from "@weir/weir/framing";
 *
 * console.log(typeof framing);
 * ```
 *
 * @module
 */
export {};
