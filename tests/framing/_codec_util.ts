import fc from "fast-check";
import type { Decoder, Encoder } from "@weir/weir/framing";
import { ByteBuffer } from "@weir/weir/io";

/**
 * Feeds `chunks` one by one, decoding after each, then runs `decodeEof`
 * (when the decoder has one) until it is done.
 */
export function decodeChunks<T>(decoder: Decoder<T>, chunks: Iterable<Uint8Array>): T[] {
  const buf = new ByteBuffer(16);
  const out: T[] = [];
  for (const chunk of chunks) {
    buf.append(chunk);
    for (let frame = decoder.decode(buf); frame !== undefined; frame = decoder.decode(buf)) {
      out.push(frame);
    }
  }
  if (decoder.decodeEof === undefined) return out;
  for (let frame = decoder.decodeEof(buf); frame !== undefined; frame = decoder.decodeEof(buf)) {
    out.push(frame);
  }
  return out;
}

/** Encodes `items` back to back. */
export function encodeAll<T>(encoder: Encoder<T>, items: Iterable<T>): Uint8Array {
  const out = new ByteBuffer(16);
  for (const item of items) encoder.encode(item, out);
  return out.bytes().slice();
}

/** Splits `bytes` at the given cut points (any values; clamped and sorted). */
export function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Cut points for {@linkcode split}. */
export const cuts: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 12 });

/** Bytes as a string of UTF-8. */
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
