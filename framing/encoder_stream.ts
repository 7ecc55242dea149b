import { ByteBuffer } from "../io/byte_buffer.ts";
import type { Encoder } from "./types.ts";

/**
 * A `TransformStream` from items to bytes, for `pipeThrough`: each item
 * becomes one chunk holding its encoding. An encoder error errors the
 * stream.
 *
 * For a `write(p)` sink (`Deno.Conn`), {@linkcode FramedWrite} is faster:
 * it coalesces many items into one write.
 *
 * @typeParam T The item type.
 * @param encoder Turns items into bytes.
 * @returns The transform.
 *
 * @example Usage
 * ```ts
 * import { encoderStream, LengthDelimitedCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const chunks = await Array.fromAsync(
 *   ReadableStream.from([new Uint8Array([7])]).pipeThrough(encoderStream(new LengthDelimitedCodec())),
 * );
 * assert.deepEqual(chunks, [new Uint8Array([0, 0, 0, 1, 7])]);
 * ```
 */
export function encoderStream<T>(encoder: Encoder<T>): TransformStream<T, Uint8Array> {
  const buf = new ByteBuffer();
  return new TransformStream<T, Uint8Array>({
    transform(item, controller) {
      encoder.encode(item, buf);
      // A taken view is never written again: the chunk is the consumer's.
      controller.enqueue(buf.take(buf.length));
    },
  });
}
