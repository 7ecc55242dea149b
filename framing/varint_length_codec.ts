import type { ByteBuffer } from "../io/byte_buffer.ts";
import { UnexpectedEofError } from "../io/unexpected_eof_error.ts";
import { checkCount } from "./_validate.ts";
import { FrameTooLargeError } from "./frame_too_large_error.ts";
import { InvalidFrameError } from "./invalid_frame_error.ts";
import type { Decoder, Encoder } from "./types.ts";

/** The longest length prefix accepted, as `it-length-prefixed`'s `maxLengthLength`. */
const MAX_PREFIX = 8;

/** Options for {@linkcode VarintLengthCodec}. */
export interface VarintLengthCodecOptions {
  /**
   * The largest frame accepted or written, in bytes.
   *
   * @default {8388608}
   */
  maxFrameLength?: number;
}

/**
 * Frames prefixed with their length as an unsigned LEB128 varint, the wire
 * format of `npm:it-length-prefixed` (libp2p): `"hi"` is `02 68 69`, a
 * 300-byte frame starts `ac 02`.
 *
 * Decoding throws {@linkcode FrameTooLargeError} as soon as the prefix read
 * so far exceeds `maxFrameLength` (exactly `maxFrameLength` passes), and a
 * {@linkcode InvalidFrameError} for a prefix longer than 8 bytes. Decoded frames are
 * zero-copy views the read buffer never overwrites. At end of stream with
 * part of a frame buffered, decoding throws `UnexpectedEofError`.
 *
 * @example Usage
 * ```ts
 * import { VarintLengthCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new VarintLengthCodec();
 * const buf = new ByteBuffer();
 * codec.encode(new Uint8Array(300), buf);
 * assert.deepEqual([...buf.bytes().subarray(0, 2)], [0xac, 0x02]);
 * assert.equal(codec.decode(buf)?.length, 300);
 * ```
 */
export class VarintLengthCodec implements Decoder<Uint8Array>, Encoder<Uint8Array> {
  #max: number;

  /**
   * Creates a codec.
   *
   * @param options The frame limit.
   */
  constructor(options: VarintLengthCodecOptions = {}) {
    this.#max = checkCount("maxFrameLength", options.maxFrameLength ?? 8 * 1024 * 1024);
  }

  /**
   * The largest frame accepted or written, in bytes.
   *
   * @example Usage
   * ```ts
   * import { VarintLengthCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new VarintLengthCodec({ maxFrameLength: 100 }).maxFrameLength, 100);
   * ```
   */
  get maxFrameLength(): number {
    return this.#max;
  }

  /**
   * Decodes the next frame.
   *
   * @param buf The bytes read so far.
   * @returns The frame, or `undefined` for "need more".
   * @throws {FrameTooLargeError} When the prefix exceeds `maxFrameLength`.
   * @throws {InvalidFrameError} When the prefix is longer than 8 bytes.
   *
   * @example Usage
   * ```ts
   * import { VarintLengthCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1, 42]));
   * assert.deepEqual(new VarintLengthCodec().decode(buf), new Uint8Array([42]));
   * ```
   */
  decode(buf: ByteBuffer): Uint8Array | undefined {
    const prefix = this.#prefix(buf);
    if (prefix === undefined) return undefined;
    const [length, size] = prefix;
    if (buf.length - size < length) return undefined;
    buf.consume(size);
    return buf.take(length);
  }

  /**
   * Decodes after end of stream: a complete frame, or `undefined` when
   * nothing is left.
   *
   * @param buf The bytes left.
   * @returns The frame, or `undefined`.
   * @throws {UnexpectedEofError} When part of a frame is left.
   *
   * @example Usage
   * ```ts
   * import { VarintLengthCodec } from "@weir/weir/framing";
   * import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([5, 1]));
   * assert.throws(() => new VarintLengthCodec().decodeEof(buf), UnexpectedEofError);
   * ```
   */
  decodeEof(buf: ByteBuffer): Uint8Array | undefined {
    const frame = this.decode(buf);
    const buffered = buf.length;
    if (frame !== undefined || buffered === 0) return frame;
    const prefix = this.#prefix(buf);
    throw new UnexpectedEofError(prefix && prefix[0] + prefix[1], buffered);
  }

  /**
   * Appends the varint length and `frame`.
   *
   * @param frame The payload.
   * @param out The write buffer.
   * @throws {FrameTooLargeError} When `frame` is longer than `maxFrameLength`.
   *
   * @example Usage
   * ```ts
   * import { VarintLengthCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new VarintLengthCodec().encode(new Uint8Array([7]), out);
   * assert.deepEqual([...out.bytes()], [1, 7]);
   * ```
   */
  encode(frame: Uint8Array, out: ByteBuffer): void {
    let length = frame.length;
    if (length > this.#max) throw new FrameTooLargeError(length, this.#max);
    out.reserve(MAX_PREFIX + length);
    while (length >= 0x80) {
      out.appendByte((length % 0x80) | 0x80);
      length = Math.floor(length / 0x80);
    }
    out.appendByte(length);
    out.append(frame);
  }

  /** `[frame length, prefix size]` of a complete prefix, or `undefined`. */
  #prefix(buf: ByteBuffer): [number, number] | undefined {
    let length = 0;
    let scale = 1;
    for (let i = 0; i < MAX_PREFIX; i++) {
      const byte = buf.at(i);
      if (byte === undefined) return undefined;
      length += (byte & 0x7f) * scale;
      if (length > this.#max) throw new FrameTooLargeError(length, this.#max);
      if (byte < 0x80) return [length, i + 1];
      scale *= 0x80;
    }
    throw new InvalidFrameError(`Varint length prefix is longer than ${MAX_PREFIX} bytes`);
  }
}
