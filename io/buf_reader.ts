import { claimSignal } from "../sync/select_safety.ts";
import { abortable } from "../sync/abortable.ts";
import { claimOrThrow } from "./_abort.ts";
import { CallGuard } from "./_call_guard.ts";
import { closeReader } from "./_close.ts";
import { Pacer } from "./_pace.ts";
import { BufferFullError } from "./buffer_full_error.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { checkReadResult } from "./invalid_read_error.ts";
import type { IoOptions } from "./io_options.ts";
import { LineDecoder } from "./line_decoder.ts";
import { LineTooLongError } from "./line_too_long_error.ts";
import { toReadable } from "./to_readable.ts";
import { toReader } from "./to_reader.ts";
import type { ByteSource, Reader } from "./types.ts";
import { UnexpectedEofError } from "./unexpected_eof_error.ts";

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

// Field readers, one per type and byte order, made once (no closure per call).
type Get<T> = (buf: ByteBuffer) => T;
const U8: Get<number> = (b) => b.getUint8();
const I8: Get<number> = (b) => b.getInt8();
const U16: Get<number>[] = [(b) => b.getUint16(false), (b) => b.getUint16(true)];
const I16: Get<number>[] = [(b) => b.getInt16(false), (b) => b.getInt16(true)];
const U32: Get<number>[] = [(b) => b.getUint32(false), (b) => b.getUint32(true)];
const I32: Get<number>[] = [(b) => b.getInt32(false), (b) => b.getInt32(true)];
const U64: Get<bigint>[] = [(b) => b.getBigUint64(false), (b) => b.getBigUint64(true)];
const I64: Get<bigint>[] = [(b) => b.getBigInt64(false), (b) => b.getBigInt64(true)];
const F32: Get<number>[] = [(b) => b.getFloat32(false), (b) => b.getFloat32(true)];
const F64: Get<number>[] = [(b) => b.getFloat64(false), (b) => b.getFloat64(true)];

/** Options for {@linkcode BufReader}. */
export interface BufReaderOptions {
  /**
   * Bytes read from the source at a time, and the read size from which
   * `read(p)` on an empty buffer bypasses the buffer.
   *
   * @default {8192}
   */
  bufferSize?: number;
  /**
   * Longest line or delimited segment, in bytes before the delimiter, that
   * `readLine`, `lines` and `readUntil` accept; a longer one throws
   * {@linkcode LineTooLongError} instead of growing the buffer without bound.
   *
   * @default {65536}
   */
  maxLineLength?: number;
}

/** Options for {@linkcode BufReader.prototype.readCString}. */
export interface ReadCStringOptions extends IoOptions {
  /**
   * The longest string accepted, in bytes before the NUL; a longer one
   * throws {@linkcode LineTooLongError}.
   *
   * @default {the reader's `maxLineLength`}
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
  maxLength?: number;
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
 * {@linkcode toReader}), searches with native `indexOf`, and takes lines
 * off its buffer with a {@linkcode LineDecoder} (every complete line it
 * holds decoded with one `TextDecoder` call, then handed out one by one).
 * Text is checked: invalid UTF-8 throws `InvalidUtf8Error` instead of
 * turning into U+FFFD, and a byte order mark is kept as U+FEFF.
 *
 * **Cancellation:** every method that waits takes `{ signal }` and is
 * cancel safe: an aborted call consumes nothing, nor does one in a losing
 * `select` branch, and a read from the source already in flight lands in
 * the buffer for the next call. (Without a
 * signal, large `read(p)` and `readExact` calls read straight into the
 * destination instead.)
 *
 * **One call at a time:** a call made while another one is waiting (a
 * second `readLine`, a `read` or `consume` during a `readExact`, ...) is
 * refused at once with `Deno.errors.Busy`, and the waiting call is not
 * disturbed: concurrent calls would otherwise split bytes between them in
 * no defined order. A read loop over a source whose reads resolve at once
 * lets timers and I/O run every few dozen reads, so its signal can stop it.
 *
 * **Files:** each `Deno.FsFile.read` is a costly operation, so for files
 * prefer `bufferSize: 65536` (or `new BufReader(file.readable)`, which reads
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
   * Lines are taken off the front of `#raw`; whatever takes bytes some
   * other way goes through `#buf`, which tells the decoder.
   */
  #lines: LineDecoder;
  #bufferSize: number;
  #maxLineLength: number;
  #pending: Promise<boolean> | undefined;
  /** The call waiting, if any: any other call is refused (see `#refuse`). */
  #guard = new CallGuard();
  #pacer = new Pacer();
  #readable: ReadableStream<Uint8Array> | undefined;

  /**
   * Creates a buffered reader. It owns `source` from now on: bytes it
   * buffered are lost to anyone reading `source` directly.
   *
   * @param source A `read(p)` reader or a readable byte stream.
   * @param options Buffer size and line length limit.
   */
  constructor(source: ByteSource, options: BufReaderOptions = {}) {
    const { bufferSize = 8192, maxLineLength = 65536 } = options;
    checkLength("bufferSize", bufferSize, 1);
    checkLength("maxLineLength", maxLineLength, 0);
    this.#src = toReader(source);
    this.#bufferSize = bufferSize;
    this.#maxLineLength = maxLineLength;
    this.#raw = new ByteBuffer(bufferSize);
    this.#lines = new LineDecoder({ maxLineLength });
  }

  /** The error for a call made while another one waits. */
  #refuse(method: string): Deno.errors.Busy {
    return new Deno.errors.Busy(
      `BufReader.${method}() was called while another call was in progress: ` +
        "start the next call after the previous one settled",
    );
  }

  /** The byte buffer, for anything but lines: the line decoder forgets what it knew. */
  get #buf(): ByteBuffer {
    this.#lines.reset();
    return this.#raw;
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
    return this.#raw.length;
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
      const buf = this.#raw;
      const least = this.#bufferSize >>> 1 || 1;
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
    const pause = this.#pacer.step();
    if (pause === undefined) return abortable(pending, signal);
    const read = pending;
    return pause.then(() => abortable(read, signal));
  }

  #commit(view: Uint8Array, n: number): void {
    const spare = this.#raw.spare();
    if (spare.buffer === view.buffer && spare.byteOffset === view.byteOffset) {
      this.#raw.commit(n);
    } else {
      // The buffer moved while the read was in flight (a sync `consume`).
      this.#raw.append(view.subarray(0, n));
    }
  }

  /** Reads until at least `n` bytes are buffered; `false` if the stream ended first. */
  async #ensure(n: number, signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    while (this.#raw.length < n) {
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
    if (this.#guard.busy) return Promise.reject(this.#refuse("fill"));
    if (this.#buf.length > 0) return Promise.resolve(this.#buf.bytes());
    return this.#fillSlow(options.signal);
  }

  async #fillSlow(signal: AbortSignal | undefined): Promise<Uint8Array> {
    const call = this.#guard.enter(signal);
    try {
      await this.#ensure(1, signal);
      return this.#buf.bytes();
    } finally {
      this.#guard.leave(call);
    }
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
    if (this.#guard.busy) throw this.#refuse("peek");
    checkLength("n", n, 0);
    if (this.#buf.length >= n) return this.#buf.bytes().subarray(0, n);
    const call = this.#guard.enter(options.signal);
    try {
      await this.#ensure(n, options.signal);
      return this.#buf.bytes().subarray(0, n);
    } finally {
      this.#guard.leave(call);
    }
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
    if (this.#guard.busy) throw this.#refuse("consume");
    checkLength("n", n, 0);
    this.#buf.consume(n);
  }

  /**
   * Reads up to `p.length` bytes: buffered bytes if any, else one read from
   * the source (straight into `p`, bypassing the buffer, when `p` is at
   * least `bufferSize` bytes and no signal is given).
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
    if (this.#guard.busy) return Promise.reject(this.#refuse("read"));
    const { signal } = options;
    if (this.#buf.length > 0 || p.length === 0) {
      if (!claimSignal(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.#copyOut(p));
    }
    return this.#readSlow(p, signal);
  }

  async #readSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<number | null> {
    const call = this.#guard.enter(signal);
    try {
      if (signal === undefined && this.#pending === undefined && p.length >= this.#bufferSize) {
        return checkReadResult(await this.#src.read(p), p.length);
      }
      if (!await this.#ensure(1, signal)) return null;
      claimOrThrow(signal);
      return this.#copyOut(p);
    } finally {
      this.#guard.leave(call);
    }
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
    if (this.#guard.busy) return Promise.reject(this.#refuse("readExact"));
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
    const call = this.#guard.enter(signal);
    try {
      return await this.#readExactWait(target, n, signal);
    } finally {
      this.#guard.leave(call);
    }
  }

  async #readExactWait(
    target: number | Uint8Array,
    n: number,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array> {
    if (signal === undefined && this.#pending === undefined && n > this.#bufferSize) {
      // Large read: copy what is buffered, then read the rest in place.
      const out = typeof target === "number" ? new Uint8Array(n) : target;
      let got = this.#copyOut(out);
      while (got < n) {
        await this.#pacer.step();
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
   * Reads an unsigned byte, waiting for 1 byte as needed.
   *
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([200])]));
   * assert.equal(await reader.readUint8(), 200);
   * ```
   */
  readUint8(options: IoOptions = {}): Promise<number> {
    return this.#field(1, "readUint8", U8, options.signal);
  }

  /**
   * Reads a signed byte, waiting for 1 byte as needed.
   *
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0xff])]));
   * assert.equal(await reader.readInt8(), -1);
   * ```
   */
  readInt8(options: IoOptions = {}): Promise<number> {
    return this.#field(1, "readInt8", I8, options.signal);
  }

  /**
   * Reads a 16-bit unsigned integer, waiting for 2 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([1, 2, 2, 1])]));
   * assert.equal(await reader.readUint16(), 0x0102);
   * assert.equal(await reader.readUint16(true), 0x0102);
   * ```
   */
  readUint16(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(2, "readUint16", U16[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads a 16-bit signed integer, waiting for 2 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0xff, 0xfe])]));
   * assert.equal(await reader.readInt16(), -2);
   * ```
   */
  readInt16(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(2, "readInt16", I16[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads a 32-bit unsigned integer, waiting for 4 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0, 0]), new Uint8Array([1, 0])]));
   * assert.equal(await reader.readUint32(), 256);
   * ```
   */
  readUint32(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(4, "readUint32", U32[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads a 32-bit signed integer, waiting for 4 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0xfe, 0xff, 0xff, 0xff])]));
   * assert.equal(await reader.readInt32(true), -2);
   * ```
   */
  readInt32(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(4, "readInt32", I32[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads a 64-bit unsigned integer, waiting for 8 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0, 0, 0, 0, 0, 0, 1, 0])]));
   * assert.equal(await reader.readBigUint64(), 256n);
   * ```
   */
  readBigUint64(littleEndian = false, options: IoOptions = {}): Promise<bigint> {
    return this.#field(8, "readBigUint64", U64[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads a 64-bit signed integer, waiting for 8 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array(8).fill(0xff)]));
   * assert.equal(await reader.readBigInt64(), -1n);
   * ```
   */
  readBigInt64(littleEndian = false, options: IoOptions = {}): Promise<bigint> {
    return this.#field(8, "readBigInt64", I64[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads an IEEE 754 single, waiting for 4 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0x3f, 0xc0, 0, 0])]));
   * assert.equal(await reader.readFloat32(), 1.5);
   * ```
   */
  readFloat32(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(4, "readFloat32", F32[littleEndian ? 1 : 0]!, options.signal);
  }

  /**
   * Reads an IEEE 754 double, waiting for 8 bytes as needed.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @param options Cancellation (cancel safe, as `readExact`).
   * @returns The value.
   * @throws {UnexpectedEofError} When the stream ends first; the bytes
   * that did arrive are consumed.
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufReader(ReadableStream.from([new Uint8Array([0, 0, 0, 0, 0, 0, 0xf0, 0x3f])]));
   * assert.equal(await reader.readFloat64(true), 1);
   * ```
   */
  readFloat64(littleEndian = false, options: IoOptions = {}): Promise<number> {
    return this.#field(8, "readFloat64", F64[littleEndian ? 1 : 0]!, options.signal);
  }

  /** Reads a fixed-size field: `get` runs once `size` bytes are buffered. */
  #field<T>(
    size: number,
    method: string,
    get: Get<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (this.#guard.busy) return Promise.reject(this.#refuse(method));
    const buf = this.#buf;
    if (buf.length >= size) {
      if (!claimSignal(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(get(buf));
    }
    return this.#fieldSlow(size, get, signal);
  }

  async #fieldSlow<T>(size: number, get: Get<T>, signal: AbortSignal | undefined): Promise<T> {
    const call = this.#guard.enter(signal);
    let complete: boolean;
    try {
      complete = await this.#ensure(size, signal);
    } finally {
      this.#guard.leave(call);
    }
    claimOrThrow(signal);
    const buf = this.#buf;
    if (!complete) {
      const got = buf.length;
      buf.consume(got);
      throw new UnexpectedEofError(size, got);
    }
    return get(buf);
  }

  /**
   * Reads a NUL-terminated UTF-8 string (a C string, as in the Postgres
   * and MySQL wire protocols) and consumes it with its NUL.
   *
   * @param options The length limit and cancellation (cancel safe).
   * @returns The text before the NUL.
   * @throws {LineTooLongError} When no NUL is within `maxLength` bytes; the
   * buffered bytes stay.
   * @throws {UnexpectedEofError} When the stream ends before a NUL; the
   * bytes that did arrive are consumed.
   * @throws {InvalidUtf8Error} When the text is not UTF-8 (it is consumed).
   *
   * @example Usage
   * ```ts
   * import { BufReader } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const bytes = new TextEncoder().encode("user\0alice\0");
   * const reader = new BufReader(ReadableStream.from([bytes]));
   * assert.equal(await reader.readCString(), "user");
   * assert.equal(await reader.readCString({ maxLength: 16 }), "alice");
   * ```
   */
  async readCString(options: ReadCStringOptions = {}): Promise<string> {
    if (this.#guard.busy) throw this.#refuse("readCString");
    const { maxLength = this.#maxLineLength, signal } = options;
    checkLength("maxLength", maxLength, 0);
    let end = this.#search(0, 0, maxLength, "maxLength");
    if (end < 0) {
      const call = this.#guard.enter(signal);
      try {
        end = await this.#find(0, signal, maxLength, "maxLength");
      } finally {
        this.#guard.leave(call);
      }
    }
    claimOrThrow(signal);
    const buf = this.#buf;
    if (end === 0 || buf.at(end - 1) !== 0) {
      buf.consume(end);
      throw new UnexpectedEofError(
        undefined,
        end,
        `Stream ended after ${end} bytes of a C string, before its NUL`,
      );
    }
    try {
      return this.#lines.decodeText(buf.bytes().subarray(0, end - 1));
    } finally {
      buf.consume(end);
    }
  }

  /**
   * Offset just past the first `byte` at or after `from`, or -1 when more
   * bytes are needed. Throws when no delimiter is within the limit.
   */
  #search(
    byte: number,
    from: number,
    maxLength = this.#maxLineLength,
    limitName = "maxLineLength",
  ): number {
    const limit = maxLength + 1;
    const i = this.#buf.indexOf(byte, from, limit);
    if (i >= 0) return i + 1;
    if (this.#buf.length >= limit) {
      throw new LineTooLongError(this.#buf.length, maxLength, limitName);
    }
    return -1;
  }

  /** Like `#search` from 0, reading as needed; at end of stream, the buffered length. */
  async #find(
    byte: number,
    signal: AbortSignal | undefined,
    maxLength = this.#maxLineLength,
    limitName = "maxLineLength",
  ): Promise<number> {
    signal?.throwIfAborted();
    while (true) {
      const from = this.#buf.length;
      if (!await this.#more(signal)) return this.#buf.length;
      const end = this.#search(byte, from, maxLength, limitName);
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
   * @throws {LineTooLongError} When no delimiter is within `maxLineLength`
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
    if (this.#guard.busy) throw this.#refuse("readUntil");
    let end = this.#search(byte, 0);
    if (end < 0) {
      const call = this.#guard.enter(options.signal);
      try {
        end = await this.#find(byte, options.signal);
      } finally {
        this.#guard.leave(call);
      }
    }
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
   * @throws {LineTooLongError} When a line is longer than `maxLineLength`
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
    if (this.#guard.busy) return Promise.reject(this.#refuse("readLine"));
    try {
      if (this.#lines.ready(this.#raw)) {
        claimOrThrow(options.signal);
        return Promise.resolve(this.#lines.decode(this.#raw)!);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#readLineSlow(options.signal);
  }

  async #readLineSlow(signal: AbortSignal | undefined): Promise<string | null> {
    signal?.throwIfAborted();
    const call = this.#guard.enter(signal);
    let ended = false;
    try {
      while (!this.#lines.ready(this.#raw)) {
        if (!await this.#more(signal)) {
          ended = true;
          break;
        }
      }
    } finally {
      this.#guard.leave(call);
    }
    claimOrThrow(signal);
    if (!ended) return this.#lines.decode(this.#raw)!;
    // The unterminated rest at end of stream, kept as is (a lone \r too).
    const rest = this.#buf;
    const end = rest.length;
    if (end === 0) return null;
    try {
      return this.#lines.decodeText(rest.bytes());
    } finally {
      rest.consume(end);
    }
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
        if (!this.#guard.busy) {
          try {
            if (this.#lines.ready(this.#raw)) {
              claimOrThrow(options.signal);
              return Promise.resolve({ value: this.#lines.decode(this.#raw)!, done: false });
            }
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
   * @param options `maxLength` limit and cancellation (cancel safe: an
   * aborted call leaves every byte in the buffer).
   * @returns The remaining bytes.
   * @throws {BufferFullError} When more than `maxLength` bytes remain; the
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
    if (this.#guard.busy) throw this.#refuse("readToEnd");
    const { maxLength = Infinity, signal } = options;
    signal?.throwIfAborted();
    const call = this.#guard.enter(signal);
    try {
      do {
        if (this.#buf.length > maxLength) {
          throw new BufferFullError(maxLength, `Stream exceeds maxLength ${maxLength}`);
        }
      } while (await this.#more(signal));
    } finally {
      this.#guard.leave(call);
    }
    claimOrThrow(signal);
    const out = this.#buf.take(this.#buf.length);
    // Start afresh rather than keep the (possibly huge) memory behind `out`.
    this.#raw = new ByteBuffer(this.#bufferSize);
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
