import type { ByteBuffer } from "../io/byte_buffer.ts";
import { DelimiterScanner, findByte, type FindDelimiter } from "./_delimiter_scanner.ts";
import { checkLimit } from "./_validate.ts";
import { FrameTooLargeError } from "./frame_too_large_error.ts";
import type { Decoder, Encoder } from "./types.ts";

const encoder = new TextEncoder();

/** Options for {@linkcode AnyDelimiterCodec}. */
export interface AnyDelimiterCodecOptions {
  /**
   * The bytes that end a chunk: any one of them does.
   *
   * @default {",;\n\r"}
   */
  seekDelimiters?: Uint8Array | string;
  /**
   * What `encode` writes after each chunk (may be several bytes).
   *
   * @default {","}
   */
  sequenceWriter?: Uint8Array | string;
  /**
   * The longest chunk accepted, in bytes, not counting the delimiter.
   * `Infinity` removes the limit, as tokio-util's default.
   *
   * @default {65536}
   */
  maxLength?: number;
}

/**
 * Chunks ended by any byte of a set, as tokio-util's `AnyDelimiterCodec`.
 *
 * Decoding splits at the first byte that is one of `seekDelimiters` and
 * drops it; with the defaults `"a\r\nb"` yields `"a"`, `""` and, at end of
 * stream, `"b"`. There is no `\r` stripping and no UTF-8 check: chunks are
 * zero-copy `Uint8Array` views. A chunk longer than `maxLength` throws
 * {@linkcode FrameTooLargeError} once, then the codec discards through the
 * next delimiter. At end of stream any unterminated rest is a last chunk.
 *
 * Encoding writes the chunk (bytes, or a string as UTF-8) then the whole
 * `sequenceWriter`.
 *
 * **Difference from tokio-util:** the default `maxLength` is 64 KiB, not
 * unbounded; pass `{ maxLength: Infinity }` for tokio-util's behaviour.
 *
 * @example Usage
 * ```ts
 * import { AnyDelimiterCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new AnyDelimiterCodec();
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("a,b;c"));
 * const text = (b: Uint8Array | undefined) => b && new TextDecoder().decode(b);
 * assert.equal(text(codec.decode(buf)), "a");
 * assert.equal(text(codec.decode(buf)), "b");
 * assert.equal(text(codec.decodeEof(buf)), "c");
 * ```
 */
export class AnyDelimiterCodec implements Decoder<Uint8Array>, Encoder<Uint8Array | string> {
  #scanner: DelimiterScanner;
  #writer: Uint8Array;

  /**
   * Creates a codec.
   *
   * @param options Delimiters, separator and length limit.
   */
  constructor(options: AnyDelimiterCodecOptions = {}) {
    const delimiters = bytesOf(options.seekDelimiters ?? ",;\n\r");
    if (delimiters.length === 0) throw new RangeError("'seekDelimiters' must not be empty");
    this.#writer = bytesOf(options.sequenceWriter ?? ",").slice();
    const maxLength = checkLimit("maxLength", options.maxLength ?? 65536);
    this.#scanner = new DelimiterScanner(
      maxLength,
      finder(delimiters),
      (size, limit) =>
        new FrameTooLargeError(
          size,
          limit,
          `Chunk of at least ${size} bytes exceeds maxLength ${limit}`,
        ),
    );
  }

  /**
   * The longest chunk accepted, in bytes.
   *
   * @example Usage
   * ```ts
   * import { AnyDelimiterCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AnyDelimiterCodec({ maxLength: 10 }).maxLength, 10);
   * ```
   */
  get maxLength(): number {
    return this.#scanner.maxLength;
  }

  /**
   * Decodes the next delimited chunk.
   *
   * @param buf The bytes read so far.
   * @returns The chunk without its delimiter, or `undefined` for "need more".
   * @throws {FrameTooLargeError} When no delimiter shows up within `maxLength` bytes.
   *
   * @example Usage
   * ```ts
   * import { AnyDelimiterCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("x|y"));
   * const chunk = new AnyDelimiterCodec({ seekDelimiters: "|" }).decode(buf);
   * assert.deepEqual(chunk, new TextEncoder().encode("x"));
   * ```
   */
  decode(buf: ByteBuffer): Uint8Array | undefined {
    const at = this.#scanner.scan(buf);
    if (at < 0) return undefined;
    const chunk = buf.take(at);
    buf.consume(1);
    return chunk;
  }

  /**
   * Decodes after end of stream: a complete chunk, else the unterminated rest.
   *
   * @param buf The bytes left.
   * @returns A chunk, or `undefined` when nothing is left.
   * @throws {FrameTooLargeError} As {@linkcode AnyDelimiterCodec.prototype.decode}.
   *
   * @example Usage
   * ```ts
   * import { AnyDelimiterCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("end"));
   * assert.deepEqual(new AnyDelimiterCodec().decodeEof(buf), new TextEncoder().encode("end"));
   * ```
   */
  decodeEof(buf: ByteBuffer): Uint8Array | undefined {
    const chunk = this.decode(buf);
    if (chunk !== undefined || buf.length === 0) return chunk;
    this.#scanner.reset();
    return buf.take(buf.length);
  }

  /**
   * Appends `chunk` (a string as UTF-8) and the `sequenceWriter`.
   *
   * @param chunk The chunk.
   * @param out The write buffer.
   *
   * @example Usage
   * ```ts
   * import { AnyDelimiterCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new AnyDelimiterCodec({ sequenceWriter: "\r\n" }).encode("hi", out);
   * assert.equal(new TextDecoder().decode(out.bytes()), "hi\r\n");
   * ```
   */
  encode(chunk: Uint8Array | string, out: ByteBuffer): void {
    out.append(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    out.append(this.#writer);
  }
}

function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

function finder(delimiters: Uint8Array): FindDelimiter {
  if (delimiters.length === 1) return findByte(delimiters[0]!);
  // No native search takes a set of bytes: one pass with a lookup table
  // beats one indexOf per delimiter over the same bytes.
  const table = new Uint8Array(256);
  for (const byte of delimiters) table[byte] = 1;
  return (buf, from, to) => {
    const bytes = buf.bytes();
    for (let i = from; i < to; i++) if (table[bytes[i]!] === 1) return i;
    return -1;
  };
}
