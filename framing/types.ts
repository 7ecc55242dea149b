import type { ByteBuffer } from "../io/byte_buffer.ts";

/**
 * Turns bytes into frames, as tokio-util's `Decoder`.
 *
 * The framer calls {@linkcode Decoder.decode} with everything buffered so
 * far, again and again without reading while it returns frames, and reads
 * more bytes when it returns `undefined`. A decoder consumes exactly the
 * bytes of each frame it returns ({@linkcode ByteBuffer.prototype.take} hands
 * them out without a copy) and leaves the rest in place. Throwing means the
 * stream is corrupt: the framer reports the error once and ends.
 *
 * Because `undefined` means "need more bytes", a decoder never yields
 * `undefined` as a frame.
 *
 * @typeParam T The frame type.
 *
 * @example A decoder of 2-byte frames
 * ```ts
 * import type { Decoder } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const pairs: Decoder<Uint8Array> = {
 *   decode: (buf) => (buf.length >= 2 ? buf.take(2) : undefined),
 * };
 * const buf = new ByteBuffer();
 * buf.append(new Uint8Array([1, 2, 3]));
 * assert.deepEqual(pairs.decode(buf), new Uint8Array([1, 2]));
 * assert.equal(pairs.decode(buf), undefined);
 * ```
 */
export interface Decoder<T> {
  /**
   * Decodes one frame from the front of `buf`, consuming its bytes, or
   * returns `undefined` (consuming nothing it needs later) when more bytes
   * must arrive first. `buf` may be empty.
   */
  decode(buf: ByteBuffer): T | undefined;
  /**
   * Decodes after the source ended, called until it returns `undefined`.
   * Optional: the default runs `decode`, and throws
   * `UnexpectedEofError` ("bytes remaining on stream") when it returns
   * `undefined` with bytes still buffered.
   */
  decodeEof?(buf: ByteBuffer): T | undefined;
}

/**
 * Turns items into bytes, as tokio-util's `Encoder`: `encode` appends one
 * item's encoding to the framer's write buffer. An encoder that rejects an
 * item throws before appending anything, so the buffer holds only whole
 * frames.
 *
 * @typeParam T The item type.
 *
 * @example An encoder of one-byte length tags
 * ```ts
 * import type { Encoder } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const tagged: Encoder<Uint8Array> = {
 *   encode(item, out) {
 *     out.appendByte(item.length);
 *     out.append(item);
 *   },
 * };
 * const out = new ByteBuffer();
 * tagged.encode(new Uint8Array([7, 7]), out);
 * assert.deepEqual(out.bytes(), new Uint8Array([2, 7, 7]));
 * ```
 */
export interface Encoder<T> {
  /** Appends the encoding of `item` to `out`. */
  encode(item: T, out: ByteBuffer): void;
}

/**
 * A decoder and an encoder in one object, what `Framed` and
 * `DatagramFramed` take: frames of type `In` are read, items of type `Out`
 * are written.
 *
 * @typeParam In The decoded frame type.
 * @typeParam Out The encoded item type.
 *
 * @example Usage
 * ```ts
 * import { type Codec, LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const codec: Codec<string, string> = new LinesCodec();
 * assert.equal(typeof codec.decode, "function");
 * ```
 */
export type Codec<In, Out = In> = Decoder<In> & Encoder<Out>;
