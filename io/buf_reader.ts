import { claimSignal } from "../sync/select_safety.ts";
import { abortable, claimOrThrow } from "./_abort.ts";
import { closeReader } from "./_close.ts";
import { BufferFullError } from "./buffer_full_error.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import { InvalidUtf8Error } from "./invalid_utf8_error.ts";
import type { IoOptions } from "./io_options.ts";
import { toReadable } from "./to_readable.ts";
import { toReader } from "./to_reader.ts";
import type { ByteSource, Reader } from "./types.ts";
import { UnexpectedEofError } from "./unexpected_eof_error.ts";

const LF = 0x0a;
const CR = 0x0d;
const NO_LINES: (string | InvalidUtf8Error)[] = [];
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** Options for {@linkcode BufReader}. */
export interface BufReaderOptions {
  /**
   * Bytes read from the source at a time, and the read size from which
   * `read(p)` on an empty buffer bypasses the buffer.
   *
   * @default {8192}
   */
  capacity?: number;
  /**
   * Longest line or delimited segment, in bytes before the delimiter, that
   * `readLine`, `lines` and `readUntil` accept; a longer one throws
   * {@linkcode BufferFullError} instead of growing the buffer without bound.
   *
   * @default {65536}
   */
  maxLength?: number;
}

/** Options for {@linkcode BufReader.prototype.readToEnd}. */
export interface ReadToEndOptions extends IoOptions {
  /**
   * Most bytes to accept; more throws {@linkcode BufferFullError}.
   *
   * @default {Infinity}
   */
  maxBytes?: number;
}

function checkLength(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `'${name}' must be an integer of at least ${min}: received ${value}`,
    );
  }
}

/**
 * A buffered reader over any byte source, with Tokio's `BufReader` and
 * `AsyncBufReadExt` behaviour: line and delimiter reads, peeking, exact
 * reads, and `read(p)` that bypasses the buffer for large reads.
 *
 * It reads from the source into the spare room of its buffer (a `read(p)`
 * reader such as `Deno.Conn` is read directly; a `ReadableStream` through
 * {@linkcode toReader}), searches with native `indexOf`, and decodes every
 * complete line it holds with one `TextDecoder` call (lines are then handed
 * out one by one without further work). Text is checked: invalid UTF-8
 * throws {@linkcode InvalidUtf8Error} instead of turning into U+FFFD, and a
 * byte order mark is kept as U+FEFF.
 *
 * **Cancellation:** every method that waits takes `{ signal }` and is
 * cancel safe: an aborted call consumes nothing, nor does one in a losing
 * `select` branch, and a read from the source already in flight lands in
 * the buffer for the next call. (Without a
 * signal, large `read(p)` and `readExact` calls read straight into the
 * destination instead.)
 *
 * One call at a time: start the next after the previous one settled.
 *
 * **Files:** each `Deno.FsFile.read` is a costly operation, so for files
 * prefer `capacity: 65536` (or `new BufReader(file.readable)`, which reads
 * 64 KiB at a time) over the 8 KiB default.
 *
 * @example Reading lines
 * ```ts
 * import { BufReader } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const source = ReadableStream.from(["one\r\ntw", "o\nthree"].map((s) => new TextEncoder().encode(s)));
 * const reader = new BufReader(source);
 * assert.deepEqual(await Array.fromAsync(reader.lines()), ["one", "two", "three"]);
 * ```
 */
export class BufReader implements Reader, AsyncDisposable {
  #src: Reader;
  #raw: ByteBuffer;
  /**
   * Lines decoded ahead in one batch (an invalid line as its error). Their
   * bytes stay in the buffer until every line was handed out, so any other
   * method sees exact buffer contents after `#settle`.
   */
  #lines: (string | InvalidUtf8Error)[] = NO_LINES;
  #nextLine = 0;
  #linesBytes = 0;
  #capacity: number;
  #maxLength: number;
  #pending: Promise<boolean> | undefined;
  // Deno decodes UTF-8 several times faster when not fatal, so text is
  // decoded leniently and only text with a U+FFFD is checked strictly.
  // A byte order mark is kept, as any other character.
  #lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  #strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #readable: ReadableStream<Uint8Array> | undefined;

  /**
   * Creates a buffered reader. It owns `source` from now on: bytes it
   * buffered are lost to anyone reading `source` directly.
   *
   * @param source A `read(p)` reader or a readable byte stream.
   * @param options Buffer size and line length limit.
   */
  constructor(source: ByteSource, options: BufReaderOptions = {}) {
    const { capacity = 8192, maxLength = 65536 } = options;
    checkLength("capacity", capacity, 1);
    checkLength("maxLength", maxLength, 0);
    this.#src = toReader(source);
    this.#capacity = capacity;
    this.#maxLength = maxLength;
    this.#raw = new ByteBuffer(capacity);
  }

  /** The byte buffer, with any batch of decoded lines given back first. */
  get #buf(): ByteBuffer {
    if (this.#lines !== NO_LINES) this.#settle();
    return this.#raw;
  }

  /** Drops the bytes of lines already handed out and forgets the batch. */
  #settle(): void {
    const bytes = this.#raw.bytes();
    let offset = 0;
    for (let k = 0; k < this.#nextLine; k++) offset = bytes.indexOf(LF, offset) + 1;
    this.#raw.consume(offset);
    this.#lines = NO_LINES;
    this.#nextLine = 0;
    this.#linesBytes = 0;
  }

  /**
   * The number of bytes buffered and not yet consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array(5)]));
   * assert.equal(reader.buffered, 0);
   * await reader.fill();
   * assert.equal(reader.buffered, 5);
   * ```
   */
  get buffered(): number {
    return this.#buf.length;
  }

  /**
   * The rest of the source, buffered bytes first, as a readable byte stream
   * (made once). Cancelling it closes this reader and its source.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new TextEncoder().encode("head\nbody")]));
   * assert.equal(await reader.readLine(), "head");
   * const rest = await new Response(reader.readable).text();
   * assert.equal(rest, "body");
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= toReadable(this);
  }

  /**
   * Reads once more from the source into the buffer's spare room; `false`
   * at end of stream. A read in flight is shared by every caller, so an
   * aborted wait leaves its bytes for the next one.
   */
  #more(signal: AbortSignal | undefined): Promise<boolean> {
    let pending = this.#pending;
    if (pending === undefined) {
      const buf = this.#buf;
      const least = this.#capacity >>> 1 || 1;
      if (buf.spare().length < least) buf.reserve(least);
      const view = buf.spare();
      pending = this.#pending = this.#src.read(view).then(
        (result) => {
          this.#pending = undefined;
          const n = checkReadResult(result, view.length);
          if (n === null) return false;
          this.#commit(view, n);
          return true;
        },
        (error) => {
          this.#pending = undefined;
          throw error;
        },
      );
    }
    return abortable(pending, signal);
  }

  #commit(view: Uint8Array, n: number): void {
    const spare = this.#buf.spare();
    if (spare.buffer === view.buffer && spare.byteOffset === view.byteOffset) {
      this.#buf.commit(n);
    } else {
      // The buffer moved while the read was in flight (a sync `consume`).
      this.#buf.append(view.subarray(0, n));
    }
  }

  /** Reads until at least `n` bytes are buffered; `false` if the stream ended first. */
  async #ensure(n: number, signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    while (this.#buf.length < n) {
      if (!await this.#more(signal)) return false;
    }
    return true;
  }

  /**
   * Returns the buffered bytes, reading once from the source first if the
   * buffer is empty (Tokio's `fill_buf`). An empty result means end of
   * stream. The view is borrowed: valid until the next call; follow with
   * {@linkcode BufReader.prototype.consume}.
   *
   * @param options Cancellation.
   * @returns A borrowed view of the buffered bytes.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1, 2, 3])]));
   * const bytes = await reader.fill();
   * assert.deepEqual([...bytes], [1, 2, 3]);
   * reader.consume(bytes.length);
   * assert.equal((await reader.fill()).length, 0);
   * ```
   */
  fill(options: IoOptions = {}): Promise<Uint8Array> {
    if (this.#buf.length > 0) return Promise.resolve(this.#buf.bytes());
    return this.#ensure(1, options.signal).then(() => this.#buf.bytes());
  }

  /**
   * Returns the next `n` bytes without consuming them, reading as needed;
   * fewer only when the stream ends first. The view is borrowed: valid
   * until the next call.
   *
   * @param n Bytes to look at.
   * @param options Cancellation.
   * @returns A borrowed view of up to `n` bytes.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1]), new Uint8Array([2, 3])]));
   * assert.deepEqual([...await reader.peek(2)], [1, 2]);
   * assert.deepEqual([...await reader.readExact(3)], [1, 2, 3]);
   * ```
   */
  async peek(n: number, options: IoOptions = {}): Promise<Uint8Array> {
    checkLength("n", n, 0);
    await this.#ensure(n, options.signal);
    return this.#buf.bytes().subarray(0, n);
  }

  /**
   * Drops the first `n` buffered bytes (clamped to what is buffered).
   *
   * @param n Bytes to drop.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1, 2, 3])]));
   * await reader.fill();
   * reader.consume(2);
   * assert.deepEqual([...await reader.fill()], [3]);
   * ```
   */
  consume(n: number): void {
    checkLength("n", n, 0);
    this.#buf.consume(n);
  }

  /**
   * Reads up to `p.length` bytes: buffered bytes if any, else one read from
   * the source (straight into `p`, bypassing the buffer, when `p` is at
   * least `capacity` bytes and no signal is given).
   *
   * @param p Where to put the bytes.
   * @param options Cancellation.
   * @returns The number of bytes read, or `null` at end of stream.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1, 2, 3])]));
   * const p = new Uint8Array(2);
   * assert.equal(await reader.read(p), 2);
   * assert.equal(await reader.read(p), 1);
   * assert.equal(await reader.read(p), null);
   * ```
   */
  read(p: Uint8Array, options: IoOptions = {}): Promise<number | null> {
    const { signal } = options;
    if (this.#buf.length > 0 || p.length === 0) {
      if (!claimSignal(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.#copyOut(p));
    }
    return this.#readSlow(p, signal);
  }

  async #readSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<number | null> {
    if (signal === undefined && this.#pending === undefined && p.length >= this.#capacity) {
      return checkReadResult(await this.#src.read(p), p.length);
    }
    if (!await this.#ensure(1, signal)) return null;
    claimOrThrow(signal);
    return this.#copyOut(p);
  }

  #copyOut(p: Uint8Array): number {
    const n = Math.min(p.length, this.#buf.length);
    p.set(this.#buf.bytes().subarray(0, n));
    this.#buf.consume(n);
    return n;
  }

  /**
   * Reads exactly `n` bytes into a new array, or fills `p` completely.
   *
   * @param target A byte count, or the array to fill.
   * @param options Cancellation.
   * @returns The bytes (a new array, or `p` itself).
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader, UnexpectedEofError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0, 3, 7, 8, 9])]));
   * const header = await reader.readExact(2);
   * const body = await reader.readExact(new Uint8Array(header[1]!));
   * assert.deepEqual([...body], [7, 8, 9]);
   * await assert.rejects(reader.readExact(1), UnexpectedEofError);
   * ```
   */
  readExact(target: number | Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    const n = typeof target === "number" ? target : target.length;
    try {
      if (typeof target === "number") checkLength("n", n, 0);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    if (this.#buf.length >= n) {
      if (!claimSignal(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.#takeExact(target, n));
    }
    return this.#readExactSlow(target, n, signal);
  }

  async #readExactSlow(
    target: number | Uint8Array,
    n: number,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array> {
    if (signal === undefined && this.#pending === undefined && n > this.#capacity) {
      // Large read: copy what is buffered, then read the rest in place.
      const out = typeof target === "number" ? new Uint8Array(n) : target;
      let got = this.#copyOut(out);
      while (got < n) {
        const rest = out.subarray(got);
        const r = checkReadResult(await this.#src.read(rest), rest.length);
        if (r === null) throw new UnexpectedEofError(n, got);
        got += r;
      }
      return out;
    }
    const complete = await this.#ensure(n, signal);
    claimOrThrow(signal);
    if (!complete) {
      const got = this.#buf.length;
      this.#buf.consume(got);
      throw new UnexpectedEofError(n, got);
    }
    return this.#takeExact(target, n);
  }

  #takeExact(target: number | Uint8Array, n: number): Uint8Array {
    const bytes = this.#buf.bytes().subarray(0, n);
    let out: Uint8Array;
    if (typeof target === "number") {
      out = bytes.slice();
    } else {
      target.set(bytes);
      out = target;
    }
    this.#buf.consume(n);
    return out;
  }

  /**
   * Offset just past the first `byte` at or after `from`, or -1 when more
   * bytes are needed. Throws when no delimiter is within `maxLength`.
   */
  #search(byte: number, from: number): number {
    const limit = this.#maxLength + 1;
    const i = this.#buf.indexOf(byte, from, limit);
    if (i >= 0) return i + 1;
    if (this.#buf.length >= limit) {
      throw new BufferFullError(
        this.#maxLength,
        `No delimiter within maxLength ${this.#maxLength} bytes`,
      );
    }
    return -1;
  }

  /** Like `#search` from 0, reading as needed; at end of stream, the buffered length. */
  async #find(byte: number, signal: AbortSignal | undefined): Promise<number> {
    signal?.throwIfAborted();
    while (true) {
      const from = this.#buf.length;
      if (!await this.#more(signal)) return this.#buf.length;
      const end = this.#search(byte, from);
      if (end >= 0) return end;
    }
  }

  /**
   * Reads up to and including the next `byte` (Tokio's `read_until`); at
   * end of stream, whatever is left; `null` when nothing is.
   *
   * @param byte The delimiter (0-255).
   * @param options Cancellation.
   * @returns A new array with the segment and its delimiter, or `null`.
   * @throws {BufferFullError} When no delimiter is within `maxLength`
   * bytes; the buffered bytes stay (consume them to skip).
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1, 0, 2, 3])]));
   * assert.deepEqual([...(await reader.readUntil(0))!], [1, 0]);
   * assert.deepEqual([...(await reader.readUntil(0))!], [2, 3]);
   * assert.equal(await reader.readUntil(0), null);
   * ```
   */
  async readUntil(byte: number, options: IoOptions = {}): Promise<Uint8Array | null> {
    let end = this.#search(byte, 0);
    if (end < 0) end = await this.#find(byte, options.signal);
    if (end === 0) return null;
    claimOrThrow(options.signal);
    const out = this.#buf.bytes().slice(0, end);
    this.#buf.consume(end);
    return out;
  }

  /**
   * Reads the next line as a string, without its `\n` or `\r\n`; at end of
   * stream, the unterminated rest (a lone trailing `\r` kept); `null` when
   * nothing is left.
   *
   * @param options Cancellation.
   * @returns The line, or `null` at end of stream.
   * @throws {InvalidUtf8Error} When the line is not valid UTF-8; the line
   * is consumed, so the next call reads the next line.
   * @throws {BufferFullError} When a line is longer than `maxLength`
   * bytes; the buffered bytes stay (consume them to skip).
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new TextEncoder().encode("a\r\nb")]));
   * assert.equal(await reader.readLine(), "a");
   * assert.equal(await reader.readLine(), "b");
   * assert.equal(await reader.readLine(), null);
   * ```
   */
  readLine(options: IoOptions = {}): Promise<string | null> {
    try {
      if (this.#nextLine < this.#lines.length || this.#batch()) {
        claimOrThrow(options.signal);
        return Promise.resolve(this.#takeLine());
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#readLineSlow(options.signal);
  }

  async #readLineSlow(signal: AbortSignal | undefined): Promise<string | null> {
    const end = await this.#find(LF, signal);
    if (end === 0) return null;
    claimOrThrow(signal);
    // Found a line end: decode it with every other complete line buffered.
    if (this.#batch()) return this.#takeLine();
    // The unterminated rest at end of stream, kept as is (a lone \r too).
    try {
      return this.#decode(this.#raw.bytes().subarray(0, end), end);
    } finally {
      this.#raw.consume(end);
    }
  }

  /** Decodes UTF-8, throwing `TypeError` for invalid input (see `#lenient`). */
  #utf8(bytes: Uint8Array): string {
    const text = this.#lenient.decode(bytes);
    return text.indexOf("\uFFFD") === -1 ? text : this.#strict.decode(bytes);
  }

  #decode(bytes: Uint8Array, lineLength: number): string {
    try {
      return this.#utf8(bytes);
    } catch (cause) {
      throw new InvalidUtf8Error(lineLength, { cause });
    }
  }

  /**
   * Decodes every complete line buffered with one `decode` call (a call per
   * line would cost far more than the split); `false` when there is none,
   * or the first line is longer than `maxLength` (`#search` reports that).
   */
  #batch(): boolean {
    const bytes = this.#raw.bytes();
    let end = bytes.lastIndexOf(LF) + 1;
    if (end > this.#maxLength + 1) end = this.#withinMaxLength(bytes, end);
    if (end === 0) return false;
    const region = bytes.subarray(0, end);
    let lines: (string | InvalidUtf8Error)[];
    try {
      lines = this.#utf8(region).split("\n");
      lines.pop();
    } catch {
      lines = this.#decodeEach(region);
    }
    this.#lines = lines;
    this.#linesBytes = end;
    return true;
  }

  /** End of the lines before the first one longer than `maxLength`. */
  #withinMaxLength(bytes: Uint8Array, end: number): number {
    let start = 0;
    for (let i = bytes.indexOf(LF); i !== -1 && i < end; i = bytes.indexOf(LF, start)) {
      if (i - start > this.#maxLength) break;
      start = i + 1;
    }
    return start;
  }

  /** The slow path of a batch with invalid UTF-8: one decode per line. */
  #decodeEach(region: Uint8Array): (string | InvalidUtf8Error)[] {
    const lines: (string | InvalidUtf8Error)[] = [];
    let start = 0;
    for (let i = region.indexOf(LF); i !== -1; i = region.indexOf(LF, start)) {
      const stop = i > start && region[i - 1] === CR ? i - 1 : i;
      try {
        lines.push(this.#decode(region.subarray(start, i), stop - start));
      } catch (error) {
        lines.push(error as InvalidUtf8Error);
      }
      start = i + 1;
    }
    return lines;
  }

  /** Hands out the next decoded line (throwing an invalid one's error). */
  #takeLine(): string {
    const line = this.#lines[this.#nextLine++]!;
    if (this.#nextLine === this.#lines.length) {
      this.#raw.consume(this.#linesBytes);
      this.#lines = NO_LINES;
      this.#nextLine = 0;
      this.#linesBytes = 0;
    }
    if (typeof line !== "string") throw line;
    return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
  }

  /**
   * The remaining lines, as {@linkcode BufReader.prototype.readLine} reads
   * them. Breaking out of the loop leaves this reader (and its source) open
   * for further reads; dispose the reader to close the source.
   *
   * @param options Cancellation (cancel safe, as `readLine`).
   * @returns An async iterator of lines.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new TextEncoder().encode("1\n2\n3\n")]));
   * const seen: string[] = [];
   * for await (const line of reader.lines()) {
   *   seen.push(line);
   *   if (seen.length === 2) break;
   * }
   * assert.deepEqual(seen, ["1", "2"]);
   * assert.equal(await reader.readLine(), "3");
   * ```
   */
  lines(options: IoOptions = {}): AsyncIterableIterator<string> {
    // A hand-rolled iterator: a line already decoded costs one resolved
    // promise, without an async generator's extra turns.
    const toResult = (line: string | null): IteratorResult<string> =>
      line === null ? DONE : { value: line, done: false };
    const iterator: AsyncIterableIterator<string> = {
      next: () => {
        if (this.#nextLine < this.#lines.length) {
          try {
            claimOrThrow(options.signal);
            return Promise.resolve({ value: this.#takeLine(), done: false });
          } catch (error) {
            return Promise.reject(error);
          }
        }
        return this.readLine(options).then(toResult);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Reads everything left, buffered bytes first, until end of stream.
   * The result may be a view over a larger `ArrayBuffer`.
   *
   * @param options `maxBytes` limit and cancellation (cancel safe: an
   * aborted call leaves every byte in the buffer).
   * @returns The remaining bytes.
   * @throws {BufferFullError} When more than `maxBytes` bytes remain; the
   * bytes read stay buffered.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new TextEncoder().encode("all of it")]));
   * assert.equal(new TextDecoder().decode(await reader.readToEnd()), "all of it");
   * ```
   */
  async readToEnd(options: ReadToEndOptions = {}): Promise<Uint8Array> {
    const { maxBytes = Infinity, signal } = options;
    signal?.throwIfAborted();
    do {
      if (this.#buf.length > maxBytes) {
        throw new BufferFullError(maxBytes, `Stream exceeds maxBytes ${maxBytes}`);
      }
    } while (await this.#more(signal));
    claimOrThrow(signal);
    const out = this.#buf.take(this.#buf.length);
    // Start afresh rather than keep the (possibly huge) memory behind `out`.
    this.#raw = new ByteBuffer(this.#capacity);
    return out;
  }

  /**
   * Closes the source: cancels a stream, or calls `close()` on a reader
   * that has one. Buffered bytes stay readable.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * let cancelled = false;
   * const source = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
   * await new BufReader(source).close();
   * assert.ok(cancelled);
   * ```
   */
  close(): Promise<void> {
    return closeReader(this.#src);
  }

  /**
   * Closes the source, as {@linkcode BufReader.prototype.close}.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * let cancelled = false;
   * {
   *   await using _reader = new BufReader(new ReadableStream({ cancel: () => void (cancelled = true) }));
   * }
   * assert.ok(cancelled);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
