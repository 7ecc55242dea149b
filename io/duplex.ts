import { claimOrThrow } from "./_abort.ts";
import { CallGuard } from "./_call_guard.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import type { IoOptions } from "./io_options.ts";
import { toReadable } from "./to_readable.ts";
import { toWritable } from "./to_writable.ts";
import type { HalfCloseWriter, Reader } from "./types.ts";

/**
 * One end of an in-memory pipe pair made by {@linkcode duplex}: what it
 * writes, the other end reads, and the other way round. It behaves like a
 * `Deno.TcpConn`: short writes, waits when the peer's buffer is full,
 * half-close with `closeWrite`, and the same error classes.
 *
 * One read and one write may wait at the same time; a second read while a
 * read waits, or a second write while a write waits, rejects at once with
 * `Deno.errors.Busy` (the two would split the bytes in no defined order),
 * leaving the waiting one undisturbed.
 *
 * @example Usage
 * ```ts
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex(4);
 * const [a, b] = pair;
 * assert.equal(await a.write(new Uint8Array([1, 2, 3, 4, 5, 6])), 4); // b holds 4
 * const p = new Uint8Array(8);
 * assert.equal(await b.read(p), 4);
 * await a.closeWrite();
 * assert.equal(await b.read(p), null);
 * ```
 */
export interface DuplexStream extends Reader, HalfCloseWriter, AsyncDisposable, Disposable {
  /**
   * Reads what the peer wrote, up to `p.length` bytes; waits while nothing
   * is buffered; `null` once the peer's write side is closed and every
   * byte was read.
   *
   * **Cancellation:** cancel safe: an aborted read takes no bytes, nor
   * does one in a losing `select` branch.
   *
   * @param p Where to put the bytes.
   * @param options Cancellation.
   * @returns The number of bytes read, or `null` at end of stream.
   * @throws {Deno.errors.BadResource} When this end is closed.
   * @throws {Deno.errors.Busy} While another read of this end waits.
   */
  read(p: Uint8Array, options?: IoOptions): Promise<number | null>;
  /**
   * Writes as many bytes of `p` as the peer's buffer has room for and
   * resolves that count, which may be fewer than `p.length` (a short
   * write); waits while the peer's buffer is full.
   *
   * **Cancellation:** cancel safe: an aborted write writes nothing, nor
   * does one in a losing `select` branch.
   *
   * @param p The bytes to write.
   * @param options Cancellation.
   * @returns The number of bytes accepted.
   * @throws {Deno.errors.BrokenPipe} After `closeWrite`, or when the peer
   * closed (also rejects a write waiting at that moment).
   * @throws {Deno.errors.BadResource} When this end is closed.
   * @throws {Deno.errors.Busy} While another write of this end waits.
   */
  write(p: Uint8Array, options?: IoOptions): Promise<number>;
  /**
   * Ends this end's write direction: the peer reads what is buffered, then
   * end of stream. Reading goes on. Idempotent.
   */
  closeWrite(): Promise<void>;
  /**
   * Closes this end: the peer reads what is buffered, then end of stream;
   * the peer's pending and later writes fail with
   * `Deno.errors.BrokenPipe`; this end's own pending and later calls fail
   * with `Deno.errors.BadResource`. Idempotent.
   */
  close(): void;
  /** Bytes written by the peer and not yet read by this end. */
  readonly buffered: number;
  /**
   * This end's reading side as a readable byte stream (made once). Cancelling
   * it closes this end, as cancelling `Deno.Conn.readable` does.
   */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * This end's writing side as a writable stream (made once). Closing it
   * half-closes (`closeWrite`); aborting it closes this end.
   */
  readonly writable: WritableStream<Uint8Array>;
}

/** One direction of the pipe. */
class Pipe {
  readonly data: ByteBuffer;
  readonly bufferSize: number;
  /** The writing end is done: readers drain, then see end of stream. */
  ended = false;
  /** The reading end is gone: writes fail and buffered bytes are dropped. */
  broken = false;
  readonly readers = new Set<() => void>();
  readonly writers = new Set<() => void>();

  constructor(bufferSize: number) {
    this.bufferSize = bufferSize;
    this.data = new ByteBuffer(Math.min(bufferSize, 65536));
  }
}

function wake(waiters: Set<() => void>): void {
  for (const wakeUp of waiters) wakeUp();
  waiters.clear();
}

function waitOn(waiters: Set<() => void>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      waiters.delete(wakeUp);
      reject(signal!.reason);
    };
    const wakeUp = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    waiters.add(wakeUp);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function busy(method: string): Deno.errors.Busy {
  return new Deno.errors.Busy(
    `DuplexStream.${method}() was called while another ${method} was waiting: ` +
      `start the next ${method} after the previous one settled`,
  );
}

class Endpoint implements DuplexStream {
  #in: Pipe;
  #out: Pipe;
  #closed = false;
  #reading = new CallGuard();
  #writing = new CallGuard();
  #readable: ReadableStream<Uint8Array> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;

  constructor(input: Pipe, output: Pipe) {
    this.#in = input;
    this.#out = output;
  }

  get buffered(): number {
    return this.#in.data.length;
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= toReadable(this);
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= toWritable(this);
  }

  read(p: Uint8Array, options?: IoOptions): Promise<number | null> {
    const signal = options?.signal;
    if (this.#reading.busy) return Promise.reject(busy("read"));
    try {
      const n = this.#tryRead(p, signal);
      if (n !== undefined) return Promise.resolve(n);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#readSlow(p, signal);
  }

  async #readSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<number | null> {
    signal?.throwIfAborted();
    const call = this.#reading.enter(signal);
    try {
      while (true) {
        await waitOn(this.#in.readers, signal);
        const n = this.#tryRead(p, signal);
        if (n !== undefined) return n;
      }
    } finally {
      this.#reading.leave(call);
    }
  }

  /**
   * The read's result, or `undefined` when it has to wait. Before taking
   * bytes it claims `signal` for its `select` branch, if any (an aborted
   * signal takes nothing).
   */
  #tryRead(p: Uint8Array, signal: AbortSignal | undefined): number | null | undefined {
    const pipe = this.#in;
    // Claiming may run other branches' abort listeners: read the state after it.
    if (pipe.data.length !== 0 && !this.#closed) claimOrThrow(signal);
    if (this.#closed) throw new Deno.errors.BadResource("Duplex stream is closed");
    const n = Math.min(p.length, pipe.data.length);
    if (n > 0) {
      p.set(pipe.data.bytes().subarray(0, n));
      pipe.data.consume(n);
      wake(pipe.writers);
      return n;
    }
    if (p.length === 0) return 0;
    return pipe.ended ? null : undefined;
  }

  write(p: Uint8Array, options?: IoOptions): Promise<number> {
    const signal = options?.signal;
    if (this.#writing.busy) return Promise.reject(busy("write"));
    try {
      const n = this.#tryWrite(p, signal);
      if (n !== undefined) return Promise.resolve(n);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writeSlow(p, signal);
  }

  async #writeSlow(p: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
    signal?.throwIfAborted();
    const call = this.#writing.enter(signal);
    try {
      while (true) {
        await waitOn(this.#out.writers, signal);
        const n = this.#tryWrite(p, signal);
        if (n !== undefined) return n;
      }
    } finally {
      this.#writing.leave(call);
    }
  }

  /** The write's result, or `undefined` when it has to wait; claims as `#tryRead`. */
  #tryWrite(p: Uint8Array, signal: AbortSignal | undefined): number | undefined {
    const pipe = this.#out;
    const open = !this.#closed && !pipe.ended && !pipe.broken;
    if (open && p.length !== 0 && pipe.data.length < pipe.bufferSize) claimOrThrow(signal);
    if (this.#closed) throw new Deno.errors.BadResource("Duplex stream is closed");
    if (pipe.ended) throw new Deno.errors.BrokenPipe("Cannot write after closeWrite");
    if (pipe.broken) throw new Deno.errors.BrokenPipe("Cannot write: the peer closed its end");
    if (p.length === 0) return 0;
    const n = Math.min(p.length, pipe.bufferSize - pipe.data.length);
    if (n === 0) return undefined;
    pipe.data.append(n === p.length ? p : p.subarray(0, n));
    wake(pipe.readers);
    return n;
  }

  closeWrite(): Promise<void> {
    if (this.#closed) return Promise.reject(new Deno.errors.BadResource("Duplex stream is closed"));
    this.#out.ended = true;
    wake(this.#out.readers);
    wake(this.#out.writers);
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.ended = true;
    this.#in.broken = true;
    this.#in.data.clear();
    for (const pipe of [this.#in, this.#out]) {
      wake(pipe.readers);
      wake(pipe.writers);
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * The pair returned by {@linkcode duplex}: two connected ends. Disposing
 * the pair closes both.
 */
export type DuplexPair = [DuplexStream, DuplexStream] & Disposable;

/**
 * Creates two connected in-memory byte streams, like a loopback TCP
 * connection without the network: bytes written to one end are read from
 * the other. Each direction buffers at most `bufferSize` bytes; a write to a
 * full direction waits, and a write larger than the free room is short.
 * This is the deterministic transport for testing protocol code (Tokio's
 * `tokio::io::duplex`).
 *
 * @param bufferSize Maximum bytes buffered per direction.
 * @returns The two ends, `[a, b]`.
 *
 * @example A request and a response with half-close
 * ```ts
 * import { BufReader, duplex, writeAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [client, server] = duplex(64);
 * await writeAll(client, new TextEncoder().encode("ping\n"));
 * await client.closeWrite();
 *
 * const lines = new BufReader(server);
 * assert.equal(await lines.readLine(), "ping");
 * assert.equal(await lines.readLine(), null);
 * await writeAll(server, new TextEncoder().encode("pong"));
 * server.close();
 *
 * const reply = new Uint8Array(8);
 * const n = await client.read(reply);
 * assert.equal(new TextDecoder().decode(reply.subarray(0, n ?? 0)), "pong");
 * assert.equal(await client.read(reply), null);
 * client.close();
 * ```
 */
export function duplex(bufferSize = 65536): DuplexPair {
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
    throw new RangeError(`'bufferSize' must be a positive integer: received ${bufferSize}`);
  }
  const ab = new Pipe(bufferSize);
  const ba = new Pipe(bufferSize);
  const a = new Endpoint(ba, ab);
  const b = new Endpoint(ab, ba);
  return Object.assign([a, b] as [DuplexStream, DuplexStream], {
    [Symbol.dispose]() {
      a.close();
      b.close();
    },
  });
}
