import { allocate } from "./_slab.ts";
import { InvalidUtf8Error } from "./invalid_utf8_error.ts";
import { UnexpectedEofError } from "./unexpected_eof_error.ts";

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Throws a `RangeError` unless `value` is an integer in `min..max`. */
function checkInteger(value: number, min: number, max: number): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new RangeError(`'value' must be an integer in ${min}..${max}: received ${value}`);
  }
}

function checkBigInt(value: bigint, min: bigint, max: bigint): void {
  if (typeof value !== "bigint" || value < min || value > max) {
    throw new RangeError(`'value' must be a bigint in ${min}..${max}: received ${value}`);
  }
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/**
 * A growable byte buffer with a read cursor and spare capacity at its tail:
 * the buffer every decoder reads from and every encoder appends to.
 *
 * Bytes live in `[start, end)` of one backing array. Producers write into
 * {@linkcode ByteBuffer.prototype.spare} and {@linkcode ByteBuffer.prototype.commit}
 * what they wrote (so a socket can `read(p)` straight into the buffer);
 * consumers look at {@linkcode ByteBuffer.prototype.bytes} and drop what
 * they used with {@linkcode ByteBuffer.prototype.consume}.
 *
 * **Ownership.** {@linkcode ByteBuffer.prototype.take} hands the first `n`
 * bytes to the caller without copying: the returned view is never written
 * again by this buffer. After a `take`, the buffer never moves or reuses
 * the memory behind handed-out views; when it needs room it moves its
 * unread bytes to fresh memory instead. Views from `bytes()` and `spare()`
 * are borrowed: valid until the next call that changes the buffer.
 *
 * The backing memory is allocated lazily, on the first `reserve`, so an idle
 * buffer costs nothing. Memory of up to 8 KiB is carved from slabs shared
 * by all buffers (as Node's `Buffer` pool does: allocating costs about as
 * much per call as per byte), each region handed out once: a view's
 * `byteOffset` is then not 0, and its `buffer` must not be transferred
 * (detaching it would take other buffers' memory too). Copy a view with
 * `slice()` before transferring it.
 *
 * @example Usage
 * ```ts
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("hello world"));
 * const hello = buf.take(5);
 * buf.consume(1);
 * assert.equal(new TextDecoder().decode(hello), "hello");
 * assert.equal(new TextDecoder().decode(buf.bytes()), "world");
 * ```
 */
export class ByteBuffer {
  #buf: Uint8Array = EMPTY;
  /** A DataView over `#buf` for the binary field methods, made on first use. */
  #view: DataView | undefined;
  /** The last view `bytes()` made: asked again for the same bytes, it is returned again. */
  #bytesView: Uint8Array | undefined;
  #start = 0;
  #end = 0;
  #shared = false;
  #initial: number;

  /**
   * Creates an empty buffer.
   *
   * @param capacity Bytes to allocate on first use (at least this much is
   * reserved by the first `reserve`).
   */
  constructor(capacity = 8192) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`'capacity' must be a non-negative integer: received ${capacity}`);
    }
    this.#initial = capacity;
  }

  /**
   * The number of unread bytes.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array(3));
   * assert.equal(buf.length, 3);
   * ```
   */
  get length(): number {
    return this.#end - this.#start;
  }

  /**
   * Size of the backing memory (0 until first use).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer(16);
   * assert.equal(buf.capacity, 0);
   * buf.reserve(1);
   * assert.equal(buf.capacity, 16);
   * ```
   */
  get capacity(): number {
    return this.#buf.length;
  }

  /**
   * The unread bytes, as a borrowed view (valid until the buffer changes).
   * Asked again while the unread bytes have not moved, it returns the same
   * view (no view made per call).
   *
   * @returns A view of the unread bytes.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1, 2]));
   * assert.deepEqual([...buf.bytes()], [1, 2]);
   * ```
   */
  bytes(): Uint8Array {
    const start = this.#start;
    const length = this.#end - start;
    // The same bytes as last time (a write buffer refilled to the same
    // size, a decoder looking again): the same view, not one per call.
    const last = this.#bytesView;
    if (
      last !== undefined && last.length === length &&
      last.byteOffset === this.#buf.byteOffset + start
    ) return last;
    return this.#bytesView = this.#slice(start, this.#end);
  }

  /**
   * The unread byte at `index` (relative to the read cursor).
   *
   * @param index Offset from the first unread byte.
   * @returns The byte, or `undefined` past the end.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([7, 8]));
   * assert.equal(buf.at(1), 8);
   * ```
   */
  at(index: number): number | undefined {
    const i = this.#start + index;
    return index >= 0 && i < this.#end ? this.#buf[i] : undefined;
  }

  /**
   * Position of the first `byte` at or after `from` among the unread bytes,
   * searched with the native `indexOf` (no per-byte JavaScript loop).
   *
   * @param byte The byte to find.
   * @param from Offset (relative to the read cursor) to start from.
   * @param to Offset to stop before (defaults to the end of unread bytes).
   * @returns The offset relative to the read cursor, or -1.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("ab\ncd"));
   * assert.equal(buf.indexOf(0x0a), 2);
   * ```
   */
  indexOf(byte: number, from = 0, to: number = this.length): number {
    const limit = this.#start + Math.min(to, this.length);
    const begin = this.#start + Math.max(0, from);
    if (begin >= limit) return -1;
    // Searching the whole backing array avoids a subarray per call; a hit
    // at or past `limit` (possibly in stale bytes after the end) is a miss.
    const i = this.#buf.indexOf(byte, begin);
    return i < 0 || i >= limit ? -1 : i - this.#start;
  }

  /**
   * Ensures at least `additional` bytes of spare capacity after the unread
   * bytes, compacting or moving to larger memory as needed. Memory behind
   * views returned by `take` is never reused.
   *
   * @param additional Bytes of spare room wanted.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer(4);
   * buf.reserve(100);
   * assert.ok(buf.spare().length >= 100);
   * ```
   */
  reserve(additional: number): void {
    if (this.#buf.length - this.#end >= additional) return;
    const len = this.#end - this.#start;
    const needed = len + additional;
    if (!this.#shared && this.#buf.length >= needed && this.#start >= (this.#buf.length >>> 1)) {
      // Cheap compaction: at least half the buffer is already consumed.
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#start = 0;
      this.#end = len;
      return;
    }
    if (!this.#shared && len === 0 && this.#buf.length >= needed) {
      this.#start = 0;
      this.#end = 0;
      return;
    }
    // Memory behind taken views is never reused, so moving off it takes
    // what is needed, not twice the old size: a read buffer moves on every
    // read once frames are taken from it, and doubling would zero (past the
    // allocator's mmap threshold, fault in) memory no byte ever uses.
    let cap = this.#shared
      ? Math.max(this.#initial, needed)
      : Math.max(this.#initial, this.#buf.length) || 64;
    while (cap < needed) cap *= 2;
    this.#move(cap);
  }

  /**
   * As {@linkcode ByteBuffer.prototype.reserve}, but when new memory is
   * needed it is exactly what is asked for (Rust's `Vec::reserve_exact`):
   * for a caller that knows the final size, as a decoder that read a
   * frame's length.
   *
   * @param additional Bytes of spare room wanted.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer(64);
   * buf.append(new Uint8Array(60));
   * buf.reserveExact(100);
   * assert.equal(buf.capacity, 160);
   * ```
   */
  reserveExact(additional: number): void {
    if (this.#buf.length - this.#end >= additional) return;
    this.#move(this.#end - this.#start + additional);
  }

  /** Moves the buffered bytes to fresh memory of `capacity` bytes. */
  #move(capacity: number): void {
    const len = this.#end - this.#start;
    const next = allocate(capacity);
    if (len > 0) next.set(this.#buf.subarray(this.#start, this.#end));
    this.#buf = next;
    this.#view = this.#bytesView = undefined;
    this.#start = 0;
    this.#end = len;
    this.#shared = false;
  }

  /**
   * The spare capacity after the unread bytes, as a borrowed view to write
   * into; follow with {@linkcode ByteBuffer.prototype.commit}.
   *
   * @param maxLength At most this many bytes of it (a read that should not
   * take more); all of it when omitted.
   * @returns A writable view of the spare capacity (may be empty).
   * @throws {RangeError} When `maxLength` is given and is not a non-negative integer.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.reserve(4);
   * assert.equal(buf.spare(2).length, 2);
   * buf.spare().set([9, 9]);
   * buf.commit(2);
   * assert.deepEqual([...buf.bytes()], [9, 9]);
   * ```
   */
  spare(maxLength?: number): Uint8Array {
    const end = this.#end;
    const room = this.#buf.length - end;
    if (maxLength === undefined || maxLength >= room) return this.#slice(end, end + room);
    if (!(Number.isInteger(maxLength) && maxLength >= 0)) {
      throw new RangeError(`'maxLength' must be a non-negative integer: received ${maxLength}`);
    }
    return this.#slice(end, end + maxLength);
  }

  /**
   * A view of `#buf[from, to)`, made directly: `subarray` looks up a
   * species constructor, which costs more than the view on a per-read path.
   */
  #slice(from: number, to: number): Uint8Array {
    const buf = this.#buf;
    return new Uint8Array(buf.buffer, buf.byteOffset + from, to - from);
  }

  /**
   * Marks `n` bytes written into {@linkcode ByteBuffer.prototype.spare} as
   * unread data.
   *
   * @param n Bytes written; must not exceed the spare capacity.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.reserve(1);
   * buf.spare()[0] = 5;
   * buf.commit(1);
   * assert.equal(buf.length, 1);
   * ```
   */
  commit(n: number): void {
    if (n < 0 || this.#end + n > this.#buf.length) {
      throw new RangeError(
        `Cannot commit ${n} bytes: only ${this.#buf.length - this.#end} bytes of spare capacity`,
      );
    }
    this.#end += n;
  }

  /**
   * Appends a copy of `bytes`.
   *
   * @param bytes The bytes to append.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1]));
   * buf.append(new Uint8Array([2]));
   * assert.deepEqual([...buf.bytes()], [1, 2]);
   * ```
   */
  append(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.#buf.length - this.#end < n) this.reserve(n);
    this.#buf.set(bytes, this.#end);
    this.#end += n;
  }

  /**
   * Appends one byte.
   *
   * @param byte The byte (0-255).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.appendByte(10);
   * assert.deepEqual([...buf.bytes()], [10]);
   * ```
   */
  appendByte(byte: number): void {
    if (this.#end === this.#buf.length) this.reserve(1);
    this.#buf[this.#end++] = byte;
  }

  /**
   * Drops the first `n` unread bytes (clamped to what is buffered).
   *
   * @param n Bytes to drop.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1, 2, 3]));
   * buf.consume(2);
   * assert.deepEqual([...buf.bytes()], [3]);
   * ```
   */
  consume(n: number): void {
    this.#start = Math.min(this.#end, this.#start + Math.max(0, n));
    if (this.#start === this.#end && !this.#shared) {
      this.#start = 0;
      this.#end = 0;
    }
  }

  /**
   * Removes the first `n` unread bytes and hands them to the caller without
   * copying. The returned view is the caller's: this buffer never writes
   * to that memory again.
   *
   * @param n Bytes to take; must not exceed {@linkcode ByteBuffer.prototype.length}.
   * @returns A view the caller owns.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer(8);
   * buf.append(new Uint8Array([1, 2, 3, 4]));
   * const head = buf.take(2);
   * buf.consume(2);
   * buf.append(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]));
   * assert.deepEqual([...head], [1, 2]);
   * ```
   */
  take(n: number): Uint8Array {
    if (n < 0 || n > this.length) {
      throw new RangeError(`Cannot take ${n} bytes: only ${this.length} bytes buffered`);
    }
    if (n === 0) return new Uint8Array(0);
    const out = this.#slice(this.#start, this.#start + n);
    this.#start += n;
    this.#shared = true;
    return out;
  }

  /** Makes room for `n` more bytes; returns where they go (`#end`). */
  #reserveAt(n: number): number {
    if (this.#buf.length - this.#end < n) this.reserve(n);
    return this.#end;
  }

  /** The DataView, with room for `n` more bytes at `#end`. */
  #room(n: number): DataView {
    this.#reserveAt(n);
    return this.#dataView();
  }

  #dataView(): DataView {
    const buf = this.#buf;
    return this.#view ??= new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  /** Offset of the first unread byte, consuming `n`; throws when fewer are buffered. */
  #front(n: number, method: string): number {
    const at = this.#start;
    if (this.#end - at < n) {
      throw new UnexpectedEofError(
        n,
        this.#end - at,
        `${method} needs ${n} bytes: only ${this.#end - at} buffered`,
      );
    }
    this.consume(n);
    return at;
  }

  /**
   * Appends `value` as one unsigned byte.
   *
   * @param value An integer in 0..255.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putUint8(200);
   * assert.equal(buf.getUint8(), 200);
   * ```
   */
  putUint8(value: number): void {
    checkInteger(value, 0, 0xff);
    this.#room(1).setUint8(this.#end, value);
    this.#end += 1;
  }

  /**
   * Appends `value` as one signed byte (two's complement).
   *
   * @param value An integer in -128..127.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putInt8(-2);
   * assert.deepEqual([...buf.bytes()], [0xfe]);
   * ```
   */
  putInt8(value: number): void {
    checkInteger(value, -0x80, 0x7f);
    this.#room(1).setInt8(this.#end, value);
    this.#end += 1;
  }

  /**
   * Appends `value` as a 16-bit unsigned integer.
   *
   * @param value An integer in 0..65535.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putUint16(0x0102);
   * buf.putUint16(0x0102, true);
   * assert.deepEqual([...buf.bytes()], [1, 2, 2, 1]);
   * ```
   */
  putUint16(value: number, littleEndian = false): void {
    checkInteger(value, 0, 0xffff);
    // Byte stores, not the DataView: a buffer that only ever gets length
    // prefixes (a framer's write buffer) never makes one.
    const at = this.#reserveAt(2);
    const b = this.#buf;
    b[at + (littleEndian ? 1 : 0)] = value >>> 8;
    b[at + (littleEndian ? 0 : 1)] = value;
    this.#end = at + 2;
  }

  /**
   * Appends `value` as a 16-bit signed integer.
   *
   * @param value An integer in -32768..32767.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putInt16(-1);
   * assert.equal(buf.getInt16(), -1);
   * ```
   */
  putInt16(value: number, littleEndian = false): void {
    checkInteger(value, -0x8000, 0x7fff);
    this.#room(2).setInt16(this.#end, value, littleEndian);
    this.#end += 2;
  }

  /**
   * Appends `value` as a 32-bit unsigned integer.
   *
   * @param value An integer in 0..4294967295.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putUint32(0xdeadbeef, true);
   * assert.equal(buf.getUint32(true), 0xdeadbeef);
   * ```
   */
  putUint32(value: number, littleEndian = false): void {
    checkInteger(value, 0, 0xffffffff);
    // Byte stores, as in `putUint16`.
    const at = this.#reserveAt(4);
    const b = this.#buf;
    if (littleEndian) {
      b[at] = value;
      b[at + 1] = value >>> 8;
      b[at + 2] = value >>> 16;
      b[at + 3] = value >>> 24;
    } else {
      b[at] = value >>> 24;
      b[at + 1] = value >>> 16;
      b[at + 2] = value >>> 8;
      b[at + 3] = value;
    }
    this.#end = at + 4;
  }

  /**
   * Appends `value` as a 32-bit signed integer.
   *
   * @param value An integer in -2147483648..2147483647.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putInt32(-100_000);
   * assert.equal(buf.getInt32(), -100_000);
   * ```
   */
  putInt32(value: number, littleEndian = false): void {
    checkInteger(value, -0x80000000, 0x7fffffff);
    this.#room(4).setInt32(this.#end, value, littleEndian);
    this.#end += 4;
  }

  /**
   * Appends `value` as a 64-bit unsigned integer.
   *
   * @param value A bigint in 0..2^64-1.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range or not a bigint.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putBigUint64(2n ** 64n - 1n);
   * assert.equal(buf.getBigUint64(), 2n ** 64n - 1n);
   * ```
   */
  putBigUint64(value: bigint, littleEndian = false): void {
    checkBigInt(value, 0n, U64_MAX);
    this.#room(8).setBigUint64(this.#end, value, littleEndian);
    this.#end += 8;
  }

  /**
   * Appends `value` as a 64-bit signed integer.
   *
   * @param value A bigint in -2^63..2^63-1.
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @throws {RangeError} When `value` is out of range or not a bigint.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putBigInt64(-5n, true);
   * assert.equal(buf.getBigInt64(true), -5n);
   * ```
   */
  putBigInt64(value: bigint, littleEndian = false): void {
    checkBigInt(value, I64_MIN, I64_MAX);
    this.#room(8).setBigInt64(this.#end, value, littleEndian);
    this.#end += 8;
  }

  /**
   * Appends `value` as an IEEE 754 single (rounded to the nearest float32).
   *
   * @param value The number.
   * @param littleEndian Byte order; big-endian (network order) by default.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putFloat32(1.5);
   * assert.equal(buf.getFloat32(), 1.5);
   * ```
   */
  putFloat32(value: number, littleEndian = false): void {
    this.#room(4).setFloat32(this.#end, value, littleEndian);
    this.#end += 4;
  }

  /**
   * Appends `value` as an IEEE 754 double.
   *
   * @param value The number.
   * @param littleEndian Byte order; big-endian (network order) by default.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putFloat64(Math.PI, true);
   * assert.equal(buf.getFloat64(true), Math.PI);
   * ```
   */
  putFloat64(value: number, littleEndian = false): void {
    this.#room(8).setFloat64(this.#end, value, littleEndian);
    this.#end += 8;
  }

  /**
   * Appends `text` as UTF-8, encoded straight into the spare capacity (no
   * temporary byte array). Lone surrogates become U+FFFD, as
   * `TextEncoder` does.
   *
   * @param text The text.
   * @returns The number of bytes appended.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * assert.equal(buf.putString("héllo"), 6);
   * assert.equal(new TextDecoder().decode(buf.bytes()), "héllo");
   * ```
   */
  putString(text: string): number {
    // A UTF-16 unit takes at most 3 UTF-8 bytes. Short text reserves that
    // worst case at once; long text reserves its length (right for ASCII)
    // and, when more is needed, the worst case of what is left.
    let rest = text;
    let total = 0;
    this.#room(rest.length <= 4096 ? rest.length * 3 : rest.length);
    while (true) {
      const { read, written } = encoder.encodeInto(rest, this.#buf.subarray(this.#end));
      this.#end += written;
      total += written;
      if (read === rest.length) return total;
      rest = rest.slice(read);
      this.#room(rest.length * 3);
    }
  }

  /**
   * Appends `text` as UTF-8 followed by a NUL byte (a C string, as in the
   * Postgres and MySQL wire protocols).
   *
   * @param text The text; must not contain U+0000.
   * @returns The number of bytes appended, the NUL included.
   * @throws {TypeError} When `text` contains U+0000 (it would end the string early).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putCString("user");
   * assert.deepEqual([...buf.bytes()], [0x75, 0x73, 0x65, 0x72, 0]);
   * assert.equal(buf.getCString(), "user");
   * ```
   */
  putCString(text: string): number {
    if (text.includes("\0")) {
      throw new TypeError(
        `'text' must not contain U+0000: received a NUL at ${text.indexOf("\0")}`,
      );
    }
    const n = this.putString(text);
    this.appendByte(0);
    return n + 1;
  }

  /**
   * Consumes one unsigned byte from the front.
   *
   * @returns The byte.
   * @throws {UnexpectedEofError} When nothing is buffered.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([7, 8]));
   * assert.equal(buf.getUint8(), 7);
   * assert.equal(buf.length, 1);
   * ```
   */
  getUint8(): number {
    return this.#dataView().getUint8(this.#front(1, "getUint8"));
  }

  /**
   * Consumes one signed byte from the front.
   *
   * @returns The value, -128..127.
   * @throws {UnexpectedEofError} When nothing is buffered.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0xff]));
   * assert.equal(buf.getInt8(), -1);
   * ```
   */
  getInt8(): number {
    return this.#dataView().getInt8(this.#front(1, "getInt8"));
  }

  /**
   * Consumes a 16-bit unsigned integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 2 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1, 2, 3]));
   * assert.equal(buf.getUint16(), 0x0102);
   * assert.throws(() => buf.getUint16(), UnexpectedEofError);
   * assert.equal(buf.length, 1);
   * ```
   */
  getUint16(littleEndian = false): number {
    return this.#dataView().getUint16(this.#front(2, "getUint16"), littleEndian);
  }

  /**
   * Consumes a 16-bit signed integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 2 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0xfe, 0xff]));
   * assert.equal(buf.getInt16(true), -2);
   * ```
   */
  getInt16(littleEndian = false): number {
    return this.#dataView().getInt16(this.#front(2, "getInt16"), littleEndian);
  }

  /**
   * Consumes a 32-bit unsigned integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 4 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0, 0, 1, 0]));
   * assert.equal(buf.getUint32(), 256);
   * ```
   */
  getUint32(littleEndian = false): number {
    return this.#dataView().getUint32(this.#front(4, "getUint32"), littleEndian);
  }

  /**
   * Consumes a 32-bit signed integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 4 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
   * assert.equal(buf.getInt32(), -1);
   * ```
   */
  getInt32(littleEndian = false): number {
    return this.#dataView().getInt32(this.#front(4, "getInt32"), littleEndian);
  }

  /**
   * Consumes a 64-bit unsigned integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 8 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
   * assert.equal(buf.getBigUint64(true), 1n);
   * ```
   */
  getBigUint64(littleEndian = false): bigint {
    return this.#dataView().getBigUint64(this.#front(8, "getBigUint64"), littleEndian);
  }

  /**
   * Consumes a 64-bit signed integer from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 8 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array(8).fill(0xff));
   * assert.equal(buf.getBigInt64(), -1n);
   * ```
   */
  getBigInt64(littleEndian = false): bigint {
    return this.#dataView().getBigInt64(this.#front(8, "getBigInt64"), littleEndian);
  }

  /**
   * Consumes an IEEE 754 single from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 4 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array([0x3f, 0x80, 0, 0]));
   * assert.equal(buf.getFloat32(), 1);
   * ```
   */
  getFloat32(littleEndian = false): number {
    return this.#dataView().getFloat32(this.#front(4, "getFloat32"), littleEndian);
  }

  /**
   * Consumes an IEEE 754 double from the front.
   *
   * @param littleEndian Byte order; big-endian (network order) by default.
   * @returns The value.
   * @throws {UnexpectedEofError} When fewer than 8 bytes are buffered
   * (nothing is consumed).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.putFloat64(-0.25);
   * assert.equal(buf.getFloat64(), -0.25);
   * ```
   */
  getFloat64(littleEndian = false): number {
    return this.#dataView().getFloat64(this.#front(8, "getFloat64"), littleEndian);
  }

  /**
   * Consumes a NUL-terminated UTF-8 string from the front (the NUL too).
   *
   * @returns The text before the NUL.
   * @throws {UnexpectedEofError} When no NUL is buffered (nothing is consumed).
   * @throws {InvalidUtf8Error} When the text is not UTF-8 (it is consumed,
   * with its NUL).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new TextEncoder().encode("a\0b"));
   * assert.equal(buf.getCString(), "a");
   * assert.throws(() => buf.getCString(), UnexpectedEofError);
   * assert.equal(buf.length, 1);
   * ```
   */
  getCString(): string {
    const nul = this.indexOf(0);
    if (nul < 0) {
      throw new UnexpectedEofError(
        undefined,
        this.length,
        `getCString needs a NUL byte: none in the ${this.length} bytes buffered`,
      );
    }
    const at = this.#start;
    this.consume(nul + 1);
    try {
      return nul === 0 ? "" : utf8.decode(this.#buf.subarray(at, at + nul));
    } catch (cause) {
      throw new InvalidUtf8Error(nul, { cause });
    }
  }

  /**
   * Drops every unread byte. Memory behind taken views stays untouched.
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.append(new Uint8Array(5));
   * buf.clear();
   * assert.equal(buf.length, 0);
   * ```
   */
  clear(): void {
    this.consume(this.length);
  }
}
