import type { ByteBuffer } from "../io/byte_buffer.ts";
import { InvalidUtf8Error } from "../io/invalid_utf8_error.ts";
import { DelimiterScanner, findByte } from "./_delimiter_scanner.ts";
import { checkLimit } from "./_validate.ts";
import { LineTooLongError } from "./line_too_long_error.ts";
import type { Decoder, Encoder } from "./types.ts";

const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Options for {@linkcode LinesCodec}. */
export interface LinesCodecOptions {
  /**
   * The longest line accepted, in bytes, not counting the `\n` (a trailing
   * `\r` counts). `Infinity` removes the limit, as tokio-util's default.
   *
   * @default {65536}
   */
  maxLength?: number;
}

/**
 * Newline-delimited UTF-8 text, as tokio-util's `LinesCodec`.
 *
 * Decoding splits at `\n`, drops it and one `\r` before it, and validates
 * UTF-8 (throwing {@linkcode InvalidUtf8Error} after removing the bad line,
 * so decoding can go on with the next one). A line longer than `maxLength`
 * throws {@linkcode LineTooLongError} once, then the codec discards bytes up
 * to the next newline. At end of stream the unterminated rest is a final
 * line (a lone `"\r"` is not).
 *
 * Encoding writes the string and one `\n` (never `\r\n`; embedded newlines
 * are not checked).
 *
 * **Difference from tokio-util:** the default `maxLength` is 64 KiB, not
 * unbounded, so a peer cannot make the reader buffer without limit; pass
 * `{ maxLength: Infinity }` for tokio-util's behaviour.
 *
 * The codec keeps decode state (where the newline search resumes, whether
 * it is discarding): use one codec per stream.
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
  #scanner: DelimiterScanner;
  // Complete lines are decoded together (one UTF-8 decode per read, not
  // one per line) and handed out one by one from `#batch`.
  #batch: string | undefined;
  #batchAt = 0;
  #batchAscii = false;
  #batchBuf: ByteBuffer | undefined;
  /** `buf.length` after the last line taken from the batch. */
  #batchLength = 0;
  /** Bytes ahead known to hold invalid UTF-8: decoded line by line. */
  #perLine = 0;

  /**
   * Creates a codec.
   *
   * @param options The line length limit.
   */
  constructor(options: LinesCodecOptions = {}) {
    const maxLength = checkLimit("maxLength", options.maxLength ?? 65536);
    this.#scanner = new DelimiterScanner(
      maxLength,
      findByte(LF),
      (size, limit) => new LineTooLongError(size, limit),
    );
  }

  /**
   * The longest line accepted, in bytes.
   *
   * @example Usage
   * ```ts
   * import { LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new LinesCodec().maxLength, 65536);
   * ```
   */
  get maxLength(): number {
    return this.#scanner.maxLength;
  }

  /**
   * Decodes the next complete line.
   *
   * @param buf The bytes read so far.
   * @returns The line without its terminator, or `undefined` for "need more".
   * @throws {LineTooLongError} When no newline shows up within `maxLength` bytes.
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
    if (this.#batch !== undefined) {
      if (buf === this.#batchBuf && buf.length >= this.#batchLength) return this.#fromBatch(buf);
      this.#batch = undefined; // the buffer was used by someone else meanwhile
    }
    const at = this.#scanner.scan(buf);
    if (at < 0) return undefined;
    if (this.#perLine === 0 && this.#startBatch(buf, at)) return this.#fromBatch(buf);
    this.#perLine = Math.max(0, this.#perLine - at - 1);
    return takeLine(buf, at, at + 1);
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
    if (line !== undefined) return line;
    this.#scanner.reset();
    const n = buf.length;
    if (n === 0 || (n === 1 && buf.at(0) === CR)) return undefined;
    return takeLine(buf, n, n);
  }

  /** Decodes every complete line buffered, when there are several; false if not. */
  #startBatch(buf: ByteBuffer, first: number): boolean {
    const bytes = buf.bytes();
    const last = bytes.lastIndexOf(LF);
    if (last === first) return false;
    try {
      this.#batch = utf8.decode(bytes.subarray(0, last + 1));
    } catch {
      this.#perLine = last + 1;
      return false;
    }
    this.#batchAt = 0;
    // UTF-16 length equals byte length only when every character is ASCII:
    // then string offsets are byte offsets.
    this.#batchAscii = this.#batch.length === last + 1;
    this.#batchBuf = buf;
    return true;
  }

  #fromBatch(buf: ByteBuffer): string {
    const text = this.#batch!;
    const at = this.#batchAt;
    const lf = text.indexOf("\n", at);
    const size = this.#batchAscii ? lf - at : buf.indexOf(LF);
    if (lf + 1 === text.length) this.#batch = undefined;
    else this.#batchAt = lf + 1;
    buf.consume(size + 1);
    this.#batchLength = buf.length;
    const max = this.#scanner.maxLength;
    if (size > max) throw new LineTooLongError(size, max);
    return text.slice(at, lf > at && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf);
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
    out.reserve(line.length * 3 + 1);
    const { written } = encoder.encodeInto(line, out.spare());
    out.commit(written);
    out.appendByte(LF);
  }
}

/** Decodes `[0, end)` minus one trailing `\r` as UTF-8 and drops `[0, consumed)`. */
function takeLine(buf: ByteBuffer, end: number, consumed: number): string {
  const stop = end > 0 && buf.at(end - 1) === CR ? end - 1 : end;
  let line: string;
  try {
    line = stop === 0 ? "" : utf8.decode(buf.bytes().subarray(0, stop));
  } catch (error) {
    buf.consume(consumed);
    throw new InvalidUtf8Error(stop, { cause: error });
  }
  buf.consume(consumed);
  return line;
}
