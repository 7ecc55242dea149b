import type { ByteBuffer } from "../io/byte_buffer.ts";
import type { Decoder, Encoder } from "./types.ts";

/**
 * Raw bytes, as tokio-util's `BytesCodec`: decoding hands out everything
 * buffered as one frame (so frames follow read sizes), encoding appends the
 * bytes unchanged. Decoded frames are zero-copy views the read buffer never
 * overwrites.
 *
 * @example Usage
 * ```ts
 * import { BytesCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new BytesCodec();
 * const buf = new ByteBuffer();
 * codec.encode(new Uint8Array([1, 2]), buf);
 * assert.deepEqual(codec.decode(buf), new Uint8Array([1, 2]));
 * assert.equal(codec.decode(buf), undefined);
 * ```
 */
export class BytesCodec implements Decoder<Uint8Array>, Encoder<Uint8Array> {
  /**
   * Takes every buffered byte.
   *
   * @param buf The bytes read so far.
   * @returns All of them, or `undefined` when `buf` is empty.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([3]));
   * assert.deepEqual(new BytesCodec().decode(buf), new Uint8Array([3]));
   * ```
   */
  decode(buf: ByteBuffer): Uint8Array | undefined {
    return buf.length > 0 ? buf.take(buf.length) : undefined;
  }

  /**
   * Same as {@linkcode BytesCodec.prototype.decode}: end of stream leaves nothing behind.
   *
   * @param buf The bytes left.
   * @returns All of them, or `undefined` when `buf` is empty.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BytesCodec().decodeEof(new ByteBuffer()), undefined);
   * ```
   */
  decodeEof(buf: ByteBuffer): Uint8Array | undefined {
    return this.decode(buf);
  }

  /**
   * Appends `bytes` unchanged.
   *
   * @param bytes The bytes.
   * @param out The write buffer.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new BytesCodec().encode(new Uint8Array([4]), out);
   * assert.deepEqual(out.bytes(), new Uint8Array([4]));
   * ```
   */
  encode(bytes: Uint8Array, out: ByteBuffer): void {
    out.append(bytes);
  }
}
