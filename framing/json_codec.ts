import type { ByteBuffer } from "../io/byte_buffer.ts";
import { InvalidUtf8Error } from "../io/invalid_utf8_error.ts";
import { decodeEof } from "./_decode_eof.ts";
import { LinesCodec, type LinesCodecOptions } from "./lines_codec.ts";
import type { Codec, Decoder, Encoder } from "./types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Options for {@linkcode JsonCodec}: the underlying line limit. */
export type JsonCodecOptions = LinesCodecOptions;

/**
 * Newline-delimited JSON (NDJSON): one JSON value per line, over
 * {@linkcode LinesCodec} (same `maxLineLength`, `\r\n` accepted, errors and
 * discard rules).
 *
 * Decoding parses each line with `JSON.parse` (a malformed line throws its
 * `SyntaxError` after being consumed, so decoding can go on with the next
 * line). Encoding writes `JSON.stringify(item)` and `\n`; JSON text never
 * contains a raw newline, so every value is one line.
 *
 * @typeParam T The type of the values (not checked at run time; never
 * inferred from context, so `new Framed(conn, new JsonCodec())` frames
 * `unknown` values).
 *
 * @example Usage
 * ```ts
 * import { JsonCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new JsonCodec<{ id: number }>();
 * const buf = new ByteBuffer();
 * codec.encode({ id: 1 }, buf);
 * assert.equal(new TextDecoder().decode(buf.bytes()), '{"id":1}\n');
 * assert.deepEqual(codec.decode(buf), { id: 1 });
 * ```
 */
export class JsonCodec<T = unknown> implements Decoder<T>, Encoder<T> {
  #lines: LinesCodec;

  /**
   * Creates a codec.
   *
   * @param options The line length limit.
   */
  constructor(options: JsonCodecOptions = {}) {
    this.#lines = new LinesCodec(options);
  }

  /**
   * Decodes the next line as JSON.
   *
   * @param buf The bytes read so far.
   * @returns The value, or `undefined` for "need more".
   * @throws {SyntaxError} When the line is not JSON.
   * @throws {LineTooLongError} When a line exceeds `maxLineLength`.
   * @throws {InvalidUtf8Error} When a line is not UTF-8.
   *
   * @example Usage
   * ```ts
   * import { JsonCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("[1,2]\n"));
   * assert.deepEqual(new JsonCodec().decode(buf), [1, 2]);
   * ```
   */
  decode(buf: ByteBuffer): NoInfer<T> | undefined {
    const line = this.#lines.decode(buf);
    return line === undefined ? undefined : JSON.parse(line);
  }

  /**
   * Decodes after end of stream, accepting a last line without `\n`.
   *
   * @param buf The bytes left.
   * @returns The value, or `undefined` when nothing is left.
   * @throws {SyntaxError} When the line is not JSON.
   *
   * @example Usage
   * ```ts
   * import { JsonCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("true"));
   * assert.equal(new JsonCodec().decodeEof(buf), true);
   * ```
   */
  decodeEof(buf: ByteBuffer): NoInfer<T> | undefined {
    const line = this.#lines.decodeEof(buf);
    return line === undefined ? undefined : JSON.parse(line);
  }

  /**
   * Appends `item` as one line of JSON.
   *
   * @param item The value.
   * @param out The write buffer.
   * @throws {TypeError} When `item` has no JSON form (`undefined`, a
   * function, a cycle, a bigint).
   *
   * @example Usage
   * ```ts
   * import { JsonCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new JsonCodec().encode("hi", out);
   * assert.equal(new TextDecoder().decode(out.bytes()), '"hi"\n');
   * ```
   */
  encode(item: NoInfer<T>, out: ByteBuffer): void {
    this.#lines.encode(stringify(item), out);
  }
}

/**
 * JSON values over any byte codec: each frame of `inner` is one UTF-8 JSON
 * document. `jsonCodec(new LengthDelimitedCodec())` sends length-prefixed
 * JSON; `jsonCodec(new VarintLengthCodec())` speaks libp2p-style framing.
 *
 * Decoding throws {@linkcode InvalidUtf8Error} or `SyntaxError` for a bad
 * frame (after `inner` consumed it) and whatever `inner` throws; encoding
 * throws `TypeError` for values with no JSON form and whatever `inner`
 * throws (such as `FrameTooLargeError`).
 *
 * @typeParam T The type of the values (not checked at run time).
 * @param inner The codec that delimits frames.
 * @returns A codec of JSON values.
 *
 * @example Usage
 * ```ts
 * import { jsonCodec, LengthDelimitedCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = jsonCodec<{ ok: boolean }>(new LengthDelimitedCodec());
 * const buf = new ByteBuffer();
 * codec.encode({ ok: true }, buf);
 * assert.deepEqual([...buf.bytes().subarray(0, 4)], [0, 0, 0, 11]);
 * assert.deepEqual(codec.decode(buf), { ok: true });
 * ```
 */
export function jsonCodec<T = unknown>(
  inner: Codec<Uint8Array, Uint8Array>,
): Codec<NoInfer<T>, NoInfer<T>> {
  const parse = (frame: Uint8Array | undefined): T | undefined => {
    if (frame === undefined) return undefined;
    let text: string;
    try {
      text = utf8.decode(frame);
    } catch (error) {
      throw new InvalidUtf8Error(frame.length, { cause: error });
    }
    return JSON.parse(text);
  };
  return {
    decode: (buf) => parse(inner.decode(buf)),
    decodeEof: (buf) => parse(decodeEof(inner, buf)),
    encode: (item, out) => inner.encode(encoder.encode(stringify(item)), out),
  };
}

function stringify(item: unknown): string {
  const text = JSON.stringify(item);
  if (text === undefined) throw new TypeError(`Cannot encode ${typeof item} as JSON`);
  return text;
}
