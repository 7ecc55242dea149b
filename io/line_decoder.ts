import type { ByteBuffer } from "./byte_buffer.ts";
import { InvalidUtf8Error } from "./invalid_utf8_error.ts";
import { LineTooLongError } from "./line_too_long_error.ts";

const LF = 0x0a;
const CR = 0x0d;

/** Options for {@linkcode LineDecoder}. */
export interface LineDecoderOptions {
  /**
   * The longest line accepted, in bytes, not counting the `\n` (a `\r`
   * before it counts). `Infinity` removes the limit.
   *
   * @default {65536}
   */
  maxLineLength?: number;
}

/**
 * Takes UTF-8 lines off the front of a {@linkcode ByteBuffer}: the one line
 * decoder under `BufReader`'s `readLine`/`lines` and the framing module's
 * `LinesCodec`, for protocol code that reads into its own buffer.
 *
 * A line ends at `\n`; the `\n` and one `\r` before it are dropped. Text is
 * checked: invalid UTF-8 throws {@linkcode InvalidUtf8Error} (the line is
 * consumed, so the next call goes on with the next line), and a byte order
 * mark is kept as U+FEFF. A line longer than `maxLineLength` throws
 * {@linkcode LineTooLongError} and stays in the buffer (consume it, or
 * {@linkcode LineDecoder.prototype.discardLine}, to skip it).
 *
 * Every complete line buffered is decoded with one `TextDecoder` call and
 * then handed out one by one, so a decoder keeps state about the front of
 * the buffer it is given: **use one decoder per buffer**, and between calls
 * only append to that buffer (or call {@linkcode LineDecoder.prototype.reset}
 * after taking bytes from it some other way).
 *
 * @example Usage
 * ```ts
 * import { ByteBuffer, LineDecoder } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const lines = new LineDecoder();
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("one\r\ntwo\nthr"));
 * assert.equal(lines.decode(buf), "one");
 * assert.equal(lines.decode(buf), "two");
 * assert.equal(lines.decode(buf), undefined); // "thr" waits for its line end
 * buf.append(new TextEncoder().encode("ee\n"));
 * assert.equal(lines.decode(buf), "three");
 * ```
 */
export class LineDecoder {
  #max: number;
  // Deno decodes UTF-8 several times faster when not fatal, so text is
  // decoded leniently and only text with a U+FFFD is checked strictly.
  #lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  #strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  /** Complete lines decoded together; the next one starts at `#at`. */
  #batch = "";
  #at = 0;
  /** Every character of the batch is ASCII: string offsets are byte offsets. */
  #ascii = false;
  /** Bytes at the front of the buffer the batch's remaining lines span. */
  #batchBytes = 0;
  /** Bytes at the front of the buffer known to hold no `\n`. */
  #scanned = 0;
  /** Bytes ahead known to hold invalid UTF-8: decoded line by line. */
  #perLine = 0;

  /**
   * Creates a decoder.
   *
   * @param options The line length limit.
   */
  constructor(options: LineDecoderOptions = {}) {
    const { maxLineLength = 65536 } = options;
    if (maxLineLength !== Infinity && (!Number.isSafeInteger(maxLineLength) || maxLineLength < 0)) {
      throw new RangeError(
        `'maxLineLength' must be a non-negative integer or Infinity: received ${maxLineLength}`,
      );
    }
    this.#max = maxLineLength;
  }

  /**
   * The longest line accepted, in bytes.
   *
   * @example Usage
   * ```ts
   * import { LineDecoder } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new LineDecoder({ maxLineLength: 80 }).maxLineLength, 80);
   * ```
   */
  get maxLineLength(): number {
    return this.#max;
  }

  /**
   * Forgets what this decoder knew about the front of its buffer: call it
   * after bytes were taken from the buffer other than through this decoder.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, LineDecoder } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const lines = new LineDecoder();
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("a\nb\nc\n"));
   * assert.equal(lines.decode(buf), "a");
   * buf.consume(2); // "b\n", taken by someone else
   * lines.reset();
   * assert.equal(lines.decode(buf), "c");
   * ```
   */
  reset(): void {
    this.#batch = "";
    this.#batchBytes = 0;
    this.#scanned = 0;
    this.#perLine = 0;
  }

  /**
   * Whether a complete line is buffered, so that
   * {@linkcode LineDecoder.prototype.decode} returns a line (or throws for
   * its text) without consuming anything first.
   *
   * @param buf The buffer.
   * @returns `true` when a line is ready.
   * @throws {LineTooLongError} When no line end is within `maxLineLength`
   * bytes.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, LineDecoder } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const lines = new LineDecoder();
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("no end yet"));
   * assert.equal(lines.ready(buf), false);
   * ```
   */
  ready(buf: ByteBuffer): boolean {
    if (this.#batchBytes > 0 && buf.length >= this.#batchBytes) return true;
    return this.#find(buf) >= 0;
  }

  /**
   * Takes the next complete line off the front of `buf`.
   *
   * @param buf The buffer.
   * @returns The line without its `\n` or `\r\n`, or `undefined` when no
   * complete line is buffered.
   * @throws {LineTooLongError} When the line is longer than `maxLineLength`
   * bytes (its bytes stay in `buf`).
   * @throws {InvalidUtf8Error} When the line is not UTF-8 (it is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, LineDecoder, LineTooLongError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const lines = new LineDecoder({ maxLineLength: 4 });
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("too long\nok\n"));
   * assert.throws(() => lines.decode(buf), LineTooLongError);
   * assert.ok(lines.discardLine(buf));
   * assert.equal(lines.decode(buf), "ok");
   * ```
   */
  decode(buf: ByteBuffer): string | undefined {
    if (this.#batchBytes > 0) {
      if (buf.length >= this.#batchBytes) return this.#fromBatch(buf);
      this.reset(); // the buffer lost bytes behind this decoder's back
    }
    const at = this.#find(buf);
    if (at < 0) return undefined;
    if (this.#perLine === 0 && this.#startBatch(buf, at)) return this.#fromBatch(buf);
    this.#perLine = Math.max(0, this.#perLine - at - 1);
    const stop = at > 0 && buf.at(at - 1) === CR ? at - 1 : at;
    this.#scanned = 0;
    try {
      return stop === 0 ? "" : this.decodeText(buf.bytes().subarray(0, stop));
    } finally {
      buf.consume(at + 1);
    }
  }

  /**
   * Drops bytes up to and including the next `\n` (after a
   * {@linkcode LineTooLongError}, to go on with the next line).
   *
   * @param buf The buffer.
   * @returns `true` when the line end was found; `false` when every
   * buffered byte was dropped and the line goes on (call again with more).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, LineDecoder } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const lines = new LineDecoder();
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("junk"));
   * assert.equal(lines.discardLine(buf), false);
   * buf.append(new TextEncoder().encode("junk\nnext\n"));
   * assert.equal(lines.discardLine(buf), true);
   * assert.equal(lines.decode(buf), "next");
   * ```
   */
  discardLine(buf: ByteBuffer): boolean {
    this.reset();
    const at = buf.indexOf(LF);
    buf.consume(at < 0 ? buf.length : at + 1);
    return at >= 0;
  }

  /**
   * Decodes `bytes` as UTF-8 the way lines are decoded (a byte order mark
   * kept), for the rest of a stream that ended without a line end.
   *
   * @param bytes The bytes.
   * @returns The text.
   * @throws {InvalidUtf8Error} When `bytes` are not UTF-8.
   *
   * @example Usage
   * ```ts
   * import { InvalidUtf8Error, LineDecoder } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const lines = new LineDecoder();
   * assert.equal(lines.decodeText(new Uint8Array([0xc3, 0xa9])), "é");
   * assert.throws(() => lines.decodeText(new Uint8Array([0xff])), InvalidUtf8Error);
   * ```
   */
  decodeText(bytes: Uint8Array): string {
    const text = this.#lenient.decode(bytes);
    if (text.indexOf("\uFFFD") === -1) return text;
    try {
      return this.#strict.decode(bytes);
    } catch (cause) {
      throw new InvalidUtf8Error(bytes.length, { cause });
    }
  }

  /** Offset of the first `\n`, or -1 when more bytes are needed. */
  #find(buf: ByteBuffer): number {
    const limit = this.#max + 1;
    const from = this.#scanned <= buf.length ? this.#scanned : 0;
    const i = buf.indexOf(LF, from, limit);
    if (i >= 0) return i;
    const length = buf.length;
    if (length >= limit) throw new LineTooLongError(length, this.#max);
    this.#scanned = length;
    return -1;
  }

  /** Decodes every complete line buffered, when there are several; `false` if not. */
  #startBatch(buf: ByteBuffer, first: number): boolean {
    const bytes = buf.bytes();
    const last = bytes.lastIndexOf(LF);
    if (last === first) return false;
    const region = bytes.subarray(0, last + 1);
    let text = this.#lenient.decode(region);
    if (text.indexOf("\uFFFD") !== -1) {
      try {
        text = this.#strict.decode(region);
      } catch {
        this.#perLine = last + 1;
        return false;
      }
    }
    this.#batch = text;
    this.#at = 0;
    this.#ascii = text.length === last + 1;
    this.#batchBytes = last + 1;
    this.#scanned = 0;
    return true;
  }

  #fromBatch(buf: ByteBuffer): string {
    const text = this.#batch;
    const at = this.#at;
    const lf = text.indexOf("\n", at);
    const size = this.#ascii ? lf - at : buf.indexOf(LF);
    if (size > this.#max) throw new LineTooLongError(size, this.#max);
    this.#at = lf + 1;
    this.#batchBytes -= size + 1;
    if (this.#batchBytes === 0) this.#batch = "";
    buf.consume(size + 1);
    return text.slice(at, lf > at && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf);
  }
}
