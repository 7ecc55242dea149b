import type { ByteBuffer } from "../io/byte_buffer.ts";
import { LineDecoder } from "../io/line_decoder.ts";
import { LineTooLongError } from "../io/line_too_long_error.ts";
import type { Decoder, Encoder } from "./types.ts";

const LF = 0x0a;
const CR = 0x0d;

/** Options for {@linkcode LinesCodec}. */
export interface LinesCodecOptions {
  /**
   * The longest line accepted, in bytes, not counting the `\n` (a trailing
   * `\r` counts). `Infinity` removes the limit, as tokio-util's default.
   *
   * @default {65536}
   */
  maxLineLength?: number;
}

/**
 * Newline-delimited UTF-8 text, as tokio-util's `LinesCodec`, decoded by
 * the io module's {@linkcode LineDecoder} (the one `BufReader` uses).
 *
 * Decoding splits at `\n`, drops it and one `\r` before it, and validates
 * UTF-8 (throwing `InvalidUtf8Error` after removing the bad line, so
 * decoding can go on with the next one). A line longer than
 * `maxLineLength` throws {@linkcode LineTooLongError} once, then the codec
 * discards bytes up to the next newline. At end of stream the unterminated
 * rest is a final line (a lone `"\r"` is not).
 *
 * Encoding writes the string and one `\n` (never `\r\n`; embedded newlines
 * are not checked).
 *
 * **Difference from tokio-util:** the default `maxLineLength` is 64 KiB,
 * not unbounded, so a peer cannot make the reader buffer without limit;
 * pass `{ maxLineLength: Infinity }` for tokio-util's behaviour.
 *
 * **One codec per connection.** Decoding keeps state about the stream it
 * reads (lines decoded ahead, where the newline search resumes, whether an
 * over-long line is being discarded), so a codec serves one connection's
 * read buffer, which only the codec consumes from. Encoding keeps no state.
 *
 * @example Usage
 * ```ts
 * import { LinesCodec } from "@weir/weir/framing";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new LinesCodec();
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("hello\r\nworld"));
 * assert.equal(codec.decode(buf), "hello");
 * assert.equal(codec.decode(buf), undefined);
 * assert.equal(codec.decodeEof(buf), "world");
 * ```
 */
export class LinesCodec implements Decoder<string>, Encoder<string> {
  #lines: LineDecoder;
  /** An over-long line is being dropped up to its newline. */
  #discarding = false;

  /**
   * Creates a codec.
   *
   * @param options The line length limit.
   */
  constructor(options: LinesCodecOptions = {}) {
    this.#lines = new LineDecoder({ maxLineLength: options.maxLineLength ?? 65536 });
  }

  /**
   * The longest line accepted, in bytes.
   *
   * @example Usage
   * ```ts
   * import { LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new LinesCodec().maxLineLength, 65536);
   * ```
   */
  get maxLineLength(): number {
    return this.#lines.maxLineLength;
  }

  /**
   * Decodes the next complete line.
   *
   * @param buf The bytes read so far.
   * @returns The line without its terminator, or `undefined` for "need more".
   * @throws {LineTooLongError} When no newline shows up within
   * `maxLineLength` bytes.
   * @throws {InvalidUtf8Error} When the line is not UTF-8 (it is dropped).
   *
   * @example Usage
   * ```ts
   * import { LinesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("a\nb"));
   * assert.equal(new LinesCodec().decode(buf), "a");
   * ```
   */
  decode(buf: ByteBuffer): string | undefined {
    if (this.#discarding) {
      if (!this.#lines.discardLine(buf)) return undefined;
      this.#discarding = false;
    }
    try {
      return this.#lines.decode(buf);
    } catch (error) {
      // Reported once; the rest of the line is dropped on the next call.
      if (error instanceof LineTooLongError) this.#discarding = true;
      throw error;
    }
  }

  /**
   * Decodes after end of stream: a complete line, else the unterminated
   * rest as a last line (one trailing `\r` dropped; a lone `"\r"` is left
   * unread, as tokio-util does).
   *
   * @param buf The bytes left.
   * @returns A line, or `undefined` when nothing is left.
   * @throws {LineTooLongError} As {@linkcode LinesCodec.prototype.decode}.
   * @throws {InvalidUtf8Error} As {@linkcode LinesCodec.prototype.decode}.
   *
   * @example Usage
   * ```ts
   * import { LinesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const codec = new LinesCodec();
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("tail\r"));
   * assert.equal(codec.decodeEof(buf), "tail");
   * assert.equal(codec.decodeEof(buf), undefined);
   * ```
   */
  decodeEof(buf: ByteBuffer): string | undefined {
    const line = this.decode(buf);
    if (line !== undefined || this.#discarding) {
      this.#discarding = false;
      return line;
    }
    this.#lines.reset();
    const n = buf.length;
    if (n === 0 || (n === 1 && buf.at(0) === CR)) return undefined;
    const stop = buf.at(n - 1) === CR ? n - 1 : n;
    try {
      return this.#lines.decodeText(buf.bytes().subarray(0, stop));
    } finally {
      buf.consume(n);
    }
  }

  /**
   * Appends `line` and a `\n`.
   *
   * @param line The line, without a terminator.
   * @param out The write buffer.
   *
   * @example Usage
   * ```ts
   * import { LinesCodec } from "@weir/weir/framing";
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const out = new ByteBuffer();
   * new LinesCodec().encode("hi", out);
   * assert.equal(new TextDecoder().decode(out.bytes()), "hi\n");
   * ```
   */
  encode(line: string, out: ByteBuffer): void {
    out.putString(line);
    out.appendByte(LF);
  }
}
