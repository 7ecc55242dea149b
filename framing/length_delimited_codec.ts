import type { ByteBuffer } from "../io/byte_buffer.ts";
import { UnexpectedEofError } from "../io/unexpected_eof_error.ts";
import { checkCount } from "./_validate.ts";
import { FrameTooLargeError } from "./frame_too_large_error.ts";
import { InvalidFrameError } from "./invalid_frame_error.ts";
import type { Decoder, Encoder } from "./types.ts";

/** Whether this machine stores numbers little-endian (every platform Deno runs on does). */
const NATIVE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Options for {@linkcode LengthDelimitedCodec}, tokio-util's `length_delimited::Builder`. */
export interface LengthDelimitedCodecOptions {
  /**
   * Bytes in the length field, 1 to 8.
   *
   * @default {4}
   */
  lengthFieldLength?: number;
  /**
   * Bytes before the length field in the header (decode only; encoding
   * writes no padding).
   *
   * @default {0}
   */
  lengthFieldOffset?: number;
  /**
   * Added to the length field's value to get the bytes that follow the
   * first `numSkip` bytes (subtracted when encoding). Negative when the
   * field counts the header too.
   *
   * @default {0}
   */
  lengthAdjustment?: number;
  /**
   * Header bytes dropped before the frame (decode only). `0` keeps the
   * whole header in each frame.
   *
   * @default {lengthFieldOffset + lengthFieldLength}
   */
  numSkip?: number;
  /**
   * Reads and writes the length field little-endian.
   *
   * @default {false}
   */
  littleEndian?: boolean;
  /**
   * Reads and writes the length field in this machine's byte order
   * (tokio-util's `native_endian`); overrides `littleEndian`.
   *
   * @default {false}
   */
  nativeEndian?: boolean;
  /**
   * The largest frame accepted, compared with the length field's raw
   * value. Clamped to what the field can express plus `lengthAdjustment`.
   *
   * @default {8388608}
   */
  maxFrameLength?: number;
}

/**
 * Frames with a length header, byte-identical with tokio-util's
 * `LengthDelimitedCodec` for every builder option.
 *
 * The default is a 4-byte big-endian length then the payload: `"hello"` is
 * `00 00 00 05 68 65 6c 6c 6f`. Decoded frames are zero-copy views of the
 * read buffer that it never overwrites.
 *
 * Decoding waits for `max(lengthFieldOffset + lengthFieldLength, numSkip)`
 * header bytes, reads the unsigned length field, and throws
 * {@linkcode FrameTooLargeError} at once if its raw value exceeds
 * `maxFrameLength` (exactly `maxFrameLength` passes). The frame is the
 * `value + lengthAdjustment` bytes after the first `numSkip` bytes. Memory
 * grows with the bytes that arrive, never with what a header announces.
 * At end of stream with part of a frame buffered — even a bare header —
 * decoding throws `UnexpectedEofError` (tokio-util ends silently when a
 * header arrived but none of its payload did).
 *
 * Encoding throws {@linkcode FrameTooLargeError} for items longer than
 * `maxFrameLength`, then writes the length field (`length - lengthAdjustment`)
 * and the item; `lengthFieldOffset` and `numSkip` do not apply to encoding.
 *
 * The codec is stateless: one instance can serve many streams.
 *
 * @example Default framing
 * ```ts
 * import { LengthDelimitedCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new LengthDelimitedCodec();
 * const buf = new ByteBuffer();
 * codec.encode(new TextEncoder().encode("hello"), buf);
 * assert.deepEqual([...buf.bytes()], [0, 0, 0, 5, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
 * assert.equal(new TextDecoder().decode(codec.decode(buf)), "hello");
 * ```
 *
 * @example A header that counts itself (tokio-util doc example 3)
 * ```ts
 * import { LengthDelimitedCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: -2 });
 * const buf = new ByteBuffer();
 * buf.append(new Uint8Array([0x00, 0x0d]));
 * buf.append(new TextEncoder().encode("Hello world"));
 * assert.equal(new TextDecoder().decode(codec.decode(buf)), "Hello world");
 * ```
 */
export class LengthDelimitedCodec implements Decoder<Uint8Array>, Encoder<Uint8Array> {
  #fieldLength: number;
  #fieldOffset: number;
  #adjustment: number;
  #skip: number;
  #headLength: number;
  #littleEndian: boolean;
  #max: number;
  #fieldMax: number;
  /** What the length field can express plus `lengthAdjustment`. */
  #allowed: bigint;

  /**
   * Creates a codec.
   *
   * @param options Header layout and frame limit.
   * @throws {RangeError} When an option is out of range, naming it.
   */
  constructor(options: LengthDelimitedCodecOptions = {}) {
    const fieldLength = options.lengthFieldLength ?? 4;
    if (!Number.isInteger(fieldLength) || fieldLength < 1 || fieldLength > 8) {
      throw new RangeError(
        `'lengthFieldLength' must be an integer from 1 to 8: received ${fieldLength}`,
      );
    }
    const adjustment = options.lengthAdjustment ?? 0;
    if (!Number.isSafeInteger(adjustment)) {
      throw new RangeError(`'lengthAdjustment' must be a safe integer: received ${adjustment}`);
    }
    this.#fieldLength = fieldLength;
    this.#fieldOffset = checkCount("lengthFieldOffset", options.lengthFieldOffset ?? 0);
    this.#adjustment = adjustment;
    this.#skip = checkCount("numSkip", options.numSkip ?? this.#fieldOffset + fieldLength);
    this.#headLength = Math.max(this.#fieldOffset + fieldLength, options.numSkip ?? 0);
    this.#littleEndian = options.nativeEndian === true
      ? NATIVE_LITTLE_ENDIAN
      : options.littleEndian ?? false;
    const fieldMax = (1n << BigInt(8 * fieldLength)) - 1n;
    this.#fieldMax = Number(fieldMax);
    this.#allowed = fieldMax + BigInt(adjustment);
    this.#max = 0;
    this.maxFrameLength = options.maxFrameLength ?? 8 * 1024 * 1024;
  }

  /**
   * The largest frame accepted, after clamping to what the length field can
   * express plus `lengthAdjustment` (a 1-byte field caps it at 255).
   *
   * Settable at run time (tokio-util's `set_max_frame_length`), for a
   * protocol that raises its limit after a handshake; the new limit
   * applies from the next `decode`/`encode`.
   *
   * @throws {RangeError} When set to something other than a non-negative integer.
   *
   * @example Usage
   * ```ts
   * import { LengthDelimitedCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const codec = new LengthDelimitedCodec();
   * assert.equal(codec.maxFrameLength, 8 * 1024 * 1024);
   * codec.maxFrameLength = 1024;
   * assert.equal(codec.maxFrameLength, 1024);
   * assert.equal(new LengthDelimitedCodec({ lengthFieldLength: 1 }).maxFrameLength, 255);
   * ```
   */
  get maxFrameLength(): number {
    return this.#max;
  }

  set maxFrameLength(value: number) {
    const max = BigInt(checkCount("maxFrameLength", value));
    const allowed = this.#allowed;
    this.#max = Number(allowed < 0n ? 0n : allowed < max ? allowed : max);
  }

  /**
   * Decodes the next frame.
   *
   * @param buf The bytes read so far.
   * @returns The frame (a view the buffer never overwrites), or `undefined`
   * for "need more".
   * @throws {FrameTooLargeError} When the length field exceeds `maxFrameLength`.
   * @throws {InvalidFrameError} When `lengthAdjustment` makes the length
   * negative, or a frame would consume no bytes (`numSkip: 0` and length 0).
   *
   * @example Usage
   * ```ts
   * import { LengthDelimitedCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0, 0, 0, 2, 7]));
   * const codec = new LengthDelimitedCodec();
   * assert.equal(codec.decode(buf), undefined);
   * buf.append(new Uint8Array([8]));
   * assert.deepEqual(codec.decode(buf), new Uint8Array([7, 8]));
   * ```
   */
  decode(buf: ByteBuffer): Uint8Array | undefined {
    const buffered = buf.length;
    if (buffered < this.#headLength) return undefined;
    const length = this.#frameLength(buf);
    const total = this.#skip + length;
    if (buffered < total) {
      // Once half the frame is here, make room for exactly the rest: a
      // large frame ends up in memory of its size, not the next power of
      // two, and memory never exceeds twice what arrived (a header alone
      // reserves nothing).
      if (total > buf.capacity && 2 * buffered >= total) buf.reserveExact(total - buffered);
      return undefined;
    }
    buf.consume(this.#skip);
    return buf.take(length);
  }

  /**
   * Decodes after end of stream: a complete frame, or `undefined` when
   * nothing is left.
   *
   * @param buf The bytes left.
   * @returns The frame, or `undefined`.
   * @throws {UnexpectedEofError} When part of a frame is left.
   * @throws {FrameTooLargeError} As {@linkcode LengthDelimitedCodec.prototype.decode}.
   *
   * @example Usage
   * ```ts
   * import { LengthDelimitedCodec } from "@weir/weir/framing";
   * import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0, 0, 0, 9, 1, 2]));
   * assert.throws(() => new LengthDelimitedCodec().decodeEof(buf), UnexpectedEofError);
   * ```
   */
  decodeEof(buf: ByteBuffer): Uint8Array | undefined {
    const frame = this.decode(buf);
    const buffered = buf.length;
    if (frame !== undefined || buffered === 0) return frame;
    const expected = buffered < this.#headLength ? undefined : this.#skip + this.#frameLength(buf);
    throw new UnexpectedEofError(expected, buffered);
  }

  /**
   * Appends the length field and `frame`.
   *
   * @param frame The payload.
   * @param out The write buffer.
   * @throws {FrameTooLargeError} When `frame` is longer than `maxFrameLength`.
   * @throws {RangeError} When `lengthAdjustment` makes the length field
   * negative or too large for its width.
   *
   * @example Usage
   * ```ts
   * import { LengthDelimitedCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new LengthDelimitedCodec({ lengthFieldLength: 2 }).encode(new Uint8Array([9]), out);
   * assert.deepEqual([...out.bytes()], [0, 1, 9]);
   * ```
   */
  encode(frame: Uint8Array, out: ByteBuffer): void {
    const length = frame.length;
    if (length > this.#max) throw new FrameTooLargeError(length, this.#max);
    const value = length - this.#adjustment;
    if (value < 0 || value > this.#fieldMax) {
      throw new RangeError(
        `Frame of ${length} bytes with lengthAdjustment ${this.#adjustment} does not fit a ${this.#fieldLength}-byte length field`,
      );
    }
    const n = this.#fieldLength;
    out.reserve(n + length);
    if (n === 4) out.putUint32(value, this.#littleEndian);
    else if (n === 2) out.putUint16(value, this.#littleEndian);
    else {
      for (let i = 0; i < n; i++) {
        const shift = this.#littleEndian ? i : n - 1 - i;
        out.appendByte(Math.floor(value / 2 ** (8 * shift)) % 256);
      }
    }
    out.append(frame);
  }

  /** The frame length announced by the complete header at the front of `buf`. */
  #frameLength(buf: ByteBuffer): number {
    const at = this.#fieldOffset;
    if (this.#fieldLength === 4 && !this.#littleEndian) {
      return this.#checked(
        ((buf.at(at)! << 24) | (buf.at(at + 1)! << 16) | (buf.at(at + 2)! << 8) |
          buf.at(at + 3)!) >>> 0,
      );
    }
    return this.#checked(this.#wideField(buf.bytes(), at));
  }

  /** Any other length field, exact up to 2^53 (anything larger is over every limit). */
  #wideField(bytes: Uint8Array, at: number): number {
    const n = this.#fieldLength;
    let raw = 0;
    for (let i = 0; i < n; i++) raw = raw * 256 + bytes[at + (this.#littleEndian ? n - 1 - i : i)]!;
    return raw;
  }

  /** The frame length for a raw length field value, or the error it deserves. */
  #checked(raw: number): number {
    if (raw > this.#max) throw new FrameTooLargeError(raw, this.#max);
    const length = raw + this.#adjustment;
    if (length < 0) {
      throw new InvalidFrameError(
        `Length field ${raw} with lengthAdjustment ${this.#adjustment} gives a negative frame length`,
      );
    }
    if (length + this.#skip === 0) {
      // numSkip 0 and an empty frame: emitting it would consume nothing and loop forever.
      throw new InvalidFrameError(
        `Length field ${raw} with lengthAdjustment ${this.#adjustment} and numSkip 0 gives a frame of 0 bytes`,
      );
    }
    return length;
  }
}
