import { ByteBuffer } from "../io/byte_buffer.ts";
import { decodeEof } from "./_decode_eof.ts";
import type { Decoder } from "./types.ts";

/**
 * A `TransformStream` from bytes to frames, for `pipeThrough`: each chunk
 * is appended to a buffer and decoded into as many frames as it completes;
 * when the input ends, `decodeEof` drains the rest (a partial frame errors
 * the stream with `UnexpectedEofError`). A decoder error errors the stream.
 *
 * For a `read(p)` source (`Deno.Conn`), {@linkcode FramedRead} is faster:
 * it reads into the buffer without per-chunk stream overhead or a copy.
 *
 * @typeParam T The frame type.
 * @param decoder Turns bytes into frames.
 * @returns The transform.
 *
 * @example Usage
 * ```ts
 * import { decoderStream, LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const lines = ReadableStream.from([new TextEncoder().encode("a\nb"), new TextEncoder().encode("c\n")])
 *   .pipeThrough(decoderStream(new LinesCodec()));
 * assert.deepEqual(await Array.fromAsync(lines), ["a", "bc"]);
 * ```
 */
export function decoderStream<T>(decoder: Decoder<T>): TransformStream<Uint8Array, T> {
  const buf = new ByteBuffer();
  return new TransformStream<Uint8Array, T>({
    transform(chunk, controller) {
      buf.append(chunk);
      for (let frame = decoder.decode(buf); frame !== undefined; frame = decoder.decode(buf)) {
        controller.enqueue(frame);
      }
    },
    flush(controller) {
      for (
        let frame = decodeEof(decoder, buf);
        frame !== undefined;
        frame = decodeEof(decoder, buf)
      ) {
        controller.enqueue(frame);
      }
    },
  });
}
