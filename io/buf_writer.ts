import { abortable } from "../sync/abortable.ts";
import { CallGuard } from "./_call_guard.ts";
import { closeWriter } from "./_close.ts";
import { closeWrite } from "./close_write.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import type { IoOptions } from "./io_options.ts";
import { toWritable } from "./to_writable.ts";
import { toWriter } from "./to_writer.ts";
import type { ByteSink, HalfCloseWriter, Writer } from "./types.ts";
import { writeAll } from "./write_all.ts";

/** Options for {@linkcode BufWriter}. */
export interface BufWriterOptions {
  /**
   * Bytes gathered before they are written to the sink; writes of at least
   * this size go to the sink directly.
   *
   * @default {8192}
   */
  bufferSize?: number;
}

/**
 * A buffered writer over any byte sink, with Tokio's `BufWriter` rules:
 * small writes are gathered in memory and reach the sink only when the
 * buffer would overflow, on {@linkcode BufWriter.prototype.flush}, or on
 * close; a write of at least `bufferSize` bytes skips the buffer.
 *
 * Nothing is written on garbage collection: flush, or dispose with
 * `await using`, which flushes and then closes the sink.
 *
 * It is itself a {@linkcode HalfCloseWriter}: `closeWrite()` flushes and
 * then half-closes the sink, so it can stand in for a connection.
 *
 * **One call at a time:** a call made while another one is waiting on the
 * sink (a second `write`, a `flush` during a `writeAll`, ...) is refused at
 * once with `Deno.errors.Busy`, and the waiting call is not disturbed:
 * concurrent writes would otherwise reach the sink in no defined order.
 * After `close()`, every call throws `Deno.errors.BadResource` at once;
 * after `closeWrite()`, writes throw `Deno.errors.BrokenPipe` (a
 * `Deno.TcpConn` does the same), so no byte is silently dropped.
 *
 * @example Usage
 * ```ts
 * import { BufWriter, type Writer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const writes: number[] = [];
 * const sink: Writer = {
 *   write(p) {
 *     writes.push(p.length);
 *     return Promise.resolve(p.length);
 *   },
 * };
 * const writer = new BufWriter(sink, { bufferSize: 16 });
 * for (let i = 0; i < 10; i++) await writer.write(new Uint8Array(3));
 * await writer.flush();
 * assert.deepEqual(writes, [15, 15]);
 * ```
 */
export class BufWriter implements HalfCloseWriter, AsyncDisposable {
  #dst: Writer;
  #buf: ByteBuffer;
  #bufferSize: number;
  #pending: Promise<void> | undefined;
  /** The call waiting on the sink, if any: any other call is refused. */
  #guard = new CallGuard();
  #state: "open" | "writeClosed" | "closed" = "open";
  #writable: WritableStream<Uint8Array> | undefined;

  /**
   * Creates a buffered writer. It owns `sink` from now on.
   *
   * @param sink A `write(p)` writer or a writable stream.
   * @param options Buffer size.
   */
  constructor(sink: ByteSink, options: BufWriterOptions = {}) {
    const { bufferSize = 8192 } = options;
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(`'bufferSize' must be a positive integer: received ${bufferSize}`);
    }
    this.#dst = toWriter(sink);
    this.#bufferSize = bufferSize;
    this.#buf = new ByteBuffer(bufferSize);
  }

  /** Throws when a call cannot start now: busy, or closed. */
  #enter(method: string, writing: boolean): void {
    if (this.#state === "closed") {
      throw new Deno.errors.BadResource(`BufWriter.${method}() was called after close()`);
    }
    if (writing && this.#state === "writeClosed") {
      throw new Deno.errors.BrokenPipe(`BufWriter.${method}() was called after closeWrite()`);
    }
    if (this.#guard.busy) {
      throw new Deno.errors.Busy(
        `BufWriter.${method}() was called while another call was in progress: ` +
          "start the next call after the previous one settled",
      );
    }
  }

  /** Runs `op` as the one call in progress. */
  async #exclusive<T>(signal: AbortSignal | undefined, op: () => Promise<T>): Promise<T> {
    const call = this.#guard.enter(signal);
    try {
      return await op();
    } finally {
      this.#guard.leave(call);
    }
  }

  /**
   * The number of bytes written to this writer and not yet to the sink.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const writer = new BufWriter({ write: (p) => Promise.resolve(p.length) });
   * await writer.write(new Uint8Array(5));
   * assert.equal(writer.buffered, 5);
   * await writer.flush();
   * assert.equal(writer.buffered, 0);
   * ```
   */
  get buffered(): number {
    return this.#buf.length;
  }

  /**
   * This writer as a writable stream (made once): each chunk is written
   * whole; closing the stream flushes and half-closes
   * ({@linkcode BufWriter.prototype.closeWrite}); aborting it closes the
   * sink.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * const writer = new BufWriter(new WritableStream({ write: (c) => void chunks.push(c) }));
   * await ReadableStream.from([new Uint8Array([1]), new Uint8Array([2])]).pipeTo(writer.writable);
   * assert.deepEqual(chunks, [new Uint8Array([1, 2])]);
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= toWritable(this);
  }

  /**
   * Writes the buffer out to the sink, looping over short writes. A write in
   * flight is shared by every caller and always trims the buffer by what
   * the sink accepted, so an aborted wait neither loses nor repeats bytes.
   */
  async #drain(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    while (this.#pending !== undefined || this.#buf.length > 0) {
      this.#pending ??= this.#dst.write(this.#buf.bytes()).then(
        (n) => {
          this.#pending = undefined;
          if (n === 0) {
            throw new Deno.errors.WriteZero(
              `Sink accepted 0 of ${this.#buf.length} buffered bytes`,
            );
          }
          this.#buf.consume(n);
        },
        (error) => {
          this.#pending = undefined;
          throw error;
        },
      );
      await abortable(this.#pending, signal);
    }
  }

  /**
   * Writes `p`: appended to the buffer when it fits (after writing the
   * buffer out if it would overflow), or, when `p` is at least `bufferSize`
   * bytes, written to the sink directly, whose count (possibly short) is
   * returned. With a signal, a large `p` is not written directly: the
   * buffer takes as much as fits and that count is returned.
   *
   * **Cancellation:** cancel safe with a signal: an aborted write buffers
   * nothing, and bytes the sink accepted leave the buffer.
   *
   * @param p The bytes to write.
   * @param options Cancellation.
   * @returns The number of bytes taken.
   * @throws {Deno.errors.BadResource} After `close()`.
   * @throws {Deno.errors.BrokenPipe} After `closeWrite()`.
   * @throws {Deno.errors.Busy} While another call is in progress.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const writer = new BufWriter({ write: (p) => Promise.resolve(p.length) }, { bufferSize: 4 });
   * assert.equal(await writer.write(new Uint8Array(3)), 3);
   * assert.equal(writer.buffered, 3);
   * assert.equal(await writer.write(new Uint8Array(10)), 10); // flushed, then bypassed
   * assert.equal(writer.buffered, 0);
   * ```
   */
  write(p: Uint8Array, options?: IoOptions): Promise<number> {
    try {
      this.#enter("write", true);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#fits(p)) {
      this.#buf.append(p);
      return Promise.resolve(p.length);
    }
    return this.#writeLater(p, options?.signal);
  }

  /**
   * `write` must wait. Apart from `write` because a function that makes a
   * closure allocates a context on every call, the buffered calls included.
   */
  #writeLater(p: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
    return this.#exclusive(signal, () => this.#writeSlow(p, signal));
  }

  #fits(p: Uint8Array): boolean {
    return this.#pending === undefined && this.#buf.length + p.length <= this.#bufferSize &&
      p.length < this.#bufferSize;
  }

  async #writeSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
    await this.#drain(signal);
    if (p.length < this.#bufferSize) {
      this.#buf.append(p);
      return p.length;
    }
    if (signal === undefined) return await this.#dst.write(p);
    this.#buf.append(p.subarray(0, this.#bufferSize));
    return this.#bufferSize;
  }

  /**
   * Writes every byte of `p`, through the buffer or, for large `p`,
   * directly to the sink.
   *
   * **Cancellation:** not cancel safe: an aborted call may have taken a
   * prefix of `p`.
   *
   * @param p The bytes to write.
   * @param options Cancellation.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const writer = new BufWriter({ write: (p) => Promise.resolve(Math.min(p.length, 2)) });
   * await writer.writeAll(new Uint8Array(100_000));
   * assert.equal(writer.buffered, 0);
   * ```
   */
  writeAll(p: Uint8Array, options?: IoOptions): Promise<void> {
    try {
      this.#enter("writeAll", true);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#fits(p)) {
      this.#buf.append(p);
      return Promise.resolve();
    }
    return this.#writeAllLater(p, options?.signal);
  }

  /** `writeAll` must wait; apart, as `#writeLater`. */
  #writeAllLater(p: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    return this.#exclusive(signal, () => this.#writeAllSlow(p, signal));
  }

  async #writeAllSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    await this.#drain(signal);
    if (p.length < this.#bufferSize) this.#buf.append(p);
    else await writeAll(this.#dst, p, signal === undefined ? {} : { signal });
  }

  /**
   * Writes the buffer out to the sink, then flushes the sink if it has a
   * `flush()` (another `BufWriter`, for instance).
   *
   * **Cancellation:** cancel safe: bytes the sink accepted before the abort
   * leave the buffer; the rest stay for the next flush.
   *
   * @param options Cancellation.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * let written = 0;
   * const writer = new BufWriter({
   *   write(p) {
   *     written += p.length;
   *     return Promise.resolve(p.length);
   *   },
   * });
   * await writer.write(new Uint8Array(3));
   * assert.equal(written, 0);
   * await writer.flush();
   * assert.equal(written, 3);
   * ```
   */
  flush(options: IoOptions = {}): Promise<void> {
    try {
      this.#enter("flush", false);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#exclusive(options.signal, () => this.#flush(options));
  }

  async #flush(options: IoOptions): Promise<void> {
    await this.#drain(options.signal);
    const inner = this.#dst as Writer & { flush?: (options?: IoOptions) => Promise<void> };
    if (typeof inner.flush === "function") await inner.flush(options);
  }

  /**
   * Flushes, then ends the sink's write direction: `closeWrite()` when it
   * has one (a half-close, Tokio's `shutdown`), else `close()`. Later
   * writes throw `Deno.errors.BrokenPipe`. Idempotent.
   *
   * @throws {Deno.errors.BadResource} After `close()`.
   * @throws {Deno.errors.Busy} While another call is in progress.
   *
   * @example Usage
   * ```ts
   * import { BufWriter, duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex(64);
   * const writer = new BufWriter(a);
   * await writer.write(new Uint8Array([1]));
   * await writer.closeWrite();
   * const p = new Uint8Array(4);
   * assert.equal(await b.read(p), 1);
   * assert.equal(await b.read(p), null);
   * a.close();
   * b.close();
   * ```
   */
  closeWrite(): Promise<void> {
    try {
      this.#enter("closeWrite", false);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === "writeClosed") return Promise.resolve();
    return this.#exclusive(undefined, async () => {
      await this.#flush({});
      this.#state = "writeClosed";
      await closeWrite(this.#dst);
    });
  }

  /**
   * Flushes, then closes the sink (`close()`, else `closeWrite()`); the
   * sink is closed even when the flush fails. Every later call but `close`
   * (which does nothing) throws `Deno.errors.BadResource`.
   *
   * @throws {Deno.errors.Busy} While another call is in progress.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * let closed = false;
   * const sink = new WritableStream<Uint8Array>({
   *   write: (c) => void chunks.push(c),
   *   close: () => void (closed = true),
   * });
   * const writer = new BufWriter(sink);
   * await writer.write(new Uint8Array([7]));
   * await writer.close();
   * assert.deepEqual(chunks, [new Uint8Array([7])]);
   * assert.ok(closed);
   * ```
   */
  close(): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    try {
      this.#enter("close", false);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#exclusive(undefined, async () => {
      try {
        if (this.#state === "open") await this.#flush({});
      } finally {
        this.#state = "closed";
        await closeWriter(this.#dst);
      }
    });
  }

  /**
   * Flushes, then closes the sink, as {@linkcode BufWriter.prototype.close}.
   *
   * @example Usage
   * ```ts
   * import { BufWriter } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const chunks: Uint8Array[] = [];
   * {
   *   await using writer = new BufWriter(new WritableStream({ write: (c) => void chunks.push(c) }));
   *   await writer.write(new Uint8Array([1]));
   * }
   * assert.deepEqual(chunks, [new Uint8Array([1])]);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
