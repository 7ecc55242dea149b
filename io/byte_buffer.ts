const EMPTY = new Uint8Array(0);

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
 * buffer costs nothing.
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
    return this.#buf.subarray(this.#start, this.#end);
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
    let cap = Math.max(this.#initial, this.#buf.length) || 64;
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(cap);
    if (len > 0) next.set(this.#buf.subarray(this.#start, this.#end));
    this.#buf = next;
    this.#start = 0;
    this.#end = len;
    this.#shared = false;
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
    const len = this.#end - this.#start;
    const next = new Uint8Array(len + additional);
    if (len > 0) next.set(this.#buf.subarray(this.#start, this.#end));
    this.#buf = next;
    this.#start = 0;
    this.#end = len;
    this.#shared = false;
  }

  /**
   * The spare capacity after the unread bytes, as a borrowed view to write
   * into; follow with {@linkcode ByteBuffer.prototype.commit}.
   *
   * @returns A writable view of the spare capacity (may be empty).
   *
   * @example Usage
   * ```ts
   * import { ByteBuffer } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const buf = new ByteBuffer();
   * buf.reserve(2);
   * buf.spare().set([9, 9]);
   * buf.commit(2);
   * assert.deepEqual([...buf.bytes()], [9, 9]);
   * ```
   */
  spare(): Uint8Array {
    return this.#buf.subarray(this.#end);
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
    const out = this.#buf.subarray(this.#start, this.#start + n);
    this.#start += n;
    this.#shared = true;
    return out;
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
