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
 * is a reader (`Deno.Conn`), read more at once while the peer sends in
 * bulk and less when it is quiet (`minReadSize`/`maxReadSize`), decode
 * every frame a read completes without awaiting, hand frames out as views
 * the buffer never reuses, and write many fed frames in one write. One
 * engine does this for all of them.
 *
 * **`Framed` or `FramedDriver`?** Use {@linkcode Framed} when one task
 * drives the connection: a server loop that reads a request and answers
 * it, a client that sends then reads. What it is fed goes out in one write
 * per batch of requests (when its reader is about to wait), so the
 * natural loop is also the fast one:
 *
 * ```ts ignore
 * // server
 * for await (const request of framed) framed.feed(handle(request));
 * await framed.close();
 * // client
 * await framed.send(request);
 * const reply = await framed.next();
 * ```
 *
 * Use `FramedDriver` (in `@weir/weir/net`) when reads and writes come from
 * different tasks: it reads ahead in the background (bounded in bytes),
 * queues what many tasks send (bounded in bytes) and writes it together,
 * and a decode error ends only its inbound side:
 *
 * ```ts ignore
 * // server: push to the peer from anywhere while the loop reads
 * const driver = new FramedDriver(conn, codec);
 * for await (const request of driver.frames({ signal })) void respondLater(driver, request);
 * // client: many callers send, one task reads the replies
 * await Promise.all(requests.map((request) => driver.send(request)));
 * ```
 *
 * Handover (STARTTLS, switching protocols): `framed.intoParts()` gives back
 * the transport, the codec and both buffers; `Framed.fromParts(parts)`
 * resumes; `framed.mapCodec(fn)` switches codec in place.
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
