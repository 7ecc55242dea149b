import { duplex, type DuplexStream } from "./duplex.ts";
import type { IoOptions } from "./io_options.ts";
import type { Reader, Writer } from "./types.ts";

/**
 * The reading end of a {@linkcode simplex} pipe.
 *
 * @example Usage
 * ```ts
 * import { simplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [reader, writer] = simplex(16);
 * await writer.write(new Uint8Array([1, 2, 3]));
 * const p = new Uint8Array(8);
 * assert.equal(await reader.read(p), 3);
 * ```
 */
export interface SimplexReader extends Reader, Disposable {
  /**
   * Reads up to `p.length` buffered bytes into `p`, waiting while none is
   * buffered; `null` once the writer is closed and every byte was read.
   *
   * Cancel safety: safe. An aborted read rejects with `signal.reason` and
   * takes no byte. Select safety: select-safe (it claims its signal before
   * it takes bytes).
   *
   * @param p Where to put the bytes.
   * @param options Abort signal.
   * @returns How many bytes were read, or `null` at the end.
   * @throws {Deno.errors.BadResource} If this reader is closed.
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * writer.close();
   * assert.equal(await reader.read(new Uint8Array(1)), null);
   * ```
   */
  read(p: Uint8Array, options?: IoOptions): Promise<number | null>;
  /**
   * Bytes written and not read yet.
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * await writer.write(new Uint8Array(5));
   * assert.equal(reader.buffered, 5);
   * ```
   */
  readonly buffered: number;
  /**
   * The bytes as a `ReadableStream` (created on first use).
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * await writer.write(new Uint8Array([7]));
   * writer.close();
   * const chunks = await Array.fromAsync(reader.readable);
   * assert.deepEqual(chunks.map((c) => [...c]), [[7]]);
   * ```
   */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * Closes the reader: buffered bytes are dropped, and writes fail with
   * `Deno.errors.BrokenPipe`. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * reader.close();
   * await assert.rejects(writer.write(new Uint8Array(1)), Deno.errors.BrokenPipe);
   * ```
   */
  close(): void;
}

/**
 * The writing end of a {@linkcode simplex} pipe.
 *
 * @example Usage
 * ```ts
 * import { readAll, simplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [reader, writer] = simplex();
 * await writer.write(new TextEncoder().encode("hi"));
 * writer.close();
 * assert.equal(new TextDecoder().decode(await readAll(reader)), "hi");
 * ```
 */
export interface SimplexWriter extends Writer, Disposable {
  /**
   * Writes as much of `p` as fits in the buffer, waiting while it is full.
   *
   * Cancel safety: safe. An aborted write rejects with `signal.reason` and
   * writes no byte. Select safety: select-safe (it claims its signal before
   * it writes).
   *
   * @param p The bytes.
   * @param options Abort signal.
   * @returns How many bytes were written (at least 1 unless `p` is empty).
   * @throws {Deno.errors.BrokenPipe} If the reader is closed.
   * @throws {Deno.errors.BadResource} If this writer is closed.
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [, writer] = simplex(2);
   * assert.equal(await writer.write(new Uint8Array(5)), 2); // the buffer holds 2
   * ```
   */
  write(p: Uint8Array, options?: IoOptions): Promise<number>;
  /**
   * The pipe as a `WritableStream` (created on first use).
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * const w = writer.writable.getWriter();
   * await w.write(new Uint8Array([1]));
   * assert.equal(reader.buffered, 1);
   * ```
   */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Ends the stream: the reader reads what is buffered, then `null`. Later
   * writes fail with `Deno.errors.BadResource`. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { simplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [reader, writer] = simplex();
   * await writer.write(new Uint8Array([1]));
   * writer.close();
   * assert.equal(await reader.read(new Uint8Array(4)), 1);
   * assert.equal(await reader.read(new Uint8Array(4)), null);
   * ```
   */
  close(): void;
}

/**
 * Creates a one-way in-memory byte pipe holding up to `bufferSize` bytes,
 * as Tokio's `simplex`: what the writer writes, the reader reads, in order;
 * a full buffer makes writes wait, an empty one makes reads wait. For
 * testing code that consumes or produces a byte stream, or for connecting
 * two tasks; use {@linkcode duplex} for a two-way pair.
 *
 * @param bufferSize Bytes the pipe buffers, an integer from 1.
 * @returns The reader and the writer.
 * @throws {RangeError} If `bufferSize` is out of range.
 *
 * @example A producer task and a consumer
 * ```ts
 * import { readAll, simplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [reader, writer] = simplex(4); // small: the producer waits for the reader
 * const producer = (async () => {
 *   for (const word of ["weir ", "pipes ", "bytes"]) {
 *     let bytes = new TextEncoder().encode(word);
 *     while (bytes.length > 0) bytes = bytes.subarray(await writer.write(bytes));
 *   }
 *   writer.close();
 * })();
 * const text = new TextDecoder().decode(await readAll(reader));
 * await producer;
 * assert.equal(text, "weir pipes bytes");
 * ```
 */
export function simplex(bufferSize = 65536): [SimplexReader, SimplexWriter] {
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
    throw new RangeError(`'bufferSize' must be an integer from 1: received ${bufferSize}`);
  }
  // One direction of a duplex pair: the pipe logic lives there once.
  const [writing, reading] = duplex(bufferSize);
  return [new SimplexRead(reading), new SimplexWrite(writing)];
}

class SimplexRead implements SimplexReader {
  readonly #end: DuplexStream;

  constructor(end: DuplexStream) {
    this.#end = end;
  }

  read(p: Uint8Array, options?: IoOptions): Promise<number | null> {
    return this.#end.read(p, options);
  }

  get buffered(): number {
    return this.#end.buffered;
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.#end.readable;
  }

  close(): void {
    this.#end.close();
  }

  [Symbol.dispose](): void {
    this.#end.close();
  }
}

class SimplexWrite implements SimplexWriter {
  readonly #end: DuplexStream;

  constructor(end: DuplexStream) {
    this.#end = end;
  }

  write(p: Uint8Array, options?: IoOptions): Promise<number> {
    return this.#end.write(p, options);
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#end.writable;
  }

  close(): void {
    this.#end.close();
  }

  [Symbol.dispose](): void {
    this.#end.close();
  }
}
