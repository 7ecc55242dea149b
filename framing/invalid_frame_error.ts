/**
 * The peer sent bytes no frame can be decoded from: a length prefix that
 * never ends, a length field that `lengthAdjustment` turns negative, or a
 * header that announces a frame consuming no bytes at all (which would
 * otherwise yield empty frames forever). The stream is corrupt; close it.
 *
 * @example Usage
 * ```ts
 * import { InvalidFrameError, VarintLengthCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const buf = new ByteBuffer();
 * buf.append(new Uint8Array(9).fill(0x80)); // a varint that never ends
 * assert.throws(() => new VarintLengthCodec().decode(buf), InvalidFrameError);
 * ```
 */
export class InvalidFrameError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was wrong with the bytes.
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidFrameError";
  }
}
