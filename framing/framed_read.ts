import { abortable } from "../io/_abort.ts";
import { ByteBuffer } from "../io/byte_buffer.ts";
import { type StreamReader, toReader } from "../io/to_reader.ts";
import type { ByteSource, Reader } from "../io/types.ts";
import { decodeEof } from "./_decode_eof.ts";
import { HeldFrame } from "./_held_frame.ts";
import { Serial } from "./_serial.ts";
import { checkCount } from "./_validate.ts";
import type { Decoder } from "./types.ts";

const INITIAL_READ = 4096;

/** Options for {@linkcode FramedRead}. */
export interface FramedReadOptions {
  /**
   * Most bytes of read buffer allocated at a time; one read fills at most
   * this much (a frame larger than this grows the buffer to fit). Reads
   * start at 4 KiB and double while they fill the buffer, so an idle
   * connection holds 4 KiB, a busy one reads `capacity` at a time.
   *
   * @default {65536}
   */
  capacity?: number;
}

/** Options for {@linkcode FramedRead.prototype.next}. */
export interface FramedReadNextOptions {
  /**
   * Stops waiting for the next frame, rejecting with `signal.reason`. No
   * bytes or frames are lost: a read in flight is kept for the next call.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Frames from a byte source, as tokio-util's `FramedRead`: an async
 * iterator (and a `readable` stream) of what the decoder makes of the bytes.
 *
 * The source is a `read(p)` reader (`Deno.Conn`, `Deno.FsFile`, weir's
 * `duplex`: the fast path, reading straight into the buffer's spare room)
 * or a `ReadableStream<Uint8Array>`. Each read is decoded into as many
 * frames as it completes, and those frames are handed out without awaiting
 * anything: `next()` returns an already-settled promise while a frame is
 * buffered.
 *
 * At end of stream the decoder's `decodeEof` drains the rest; a partial
 * frame left over throws `UnexpectedEofError` ("bytes remaining on
 * stream"). A decoder or read error is thrown once, from `next()`, and the
 * iterator is done afterwards (Tokio's "error, then `None`"). End of stream
 * is final too: unlike Tokio, a source that produces bytes again after
 * reporting its end is not read again.
 *
 * Frames are the caller's: views into memory the buffer never reuses. A
 * frame kept for long keeps its read chunk (up to `capacity` bytes)
 * alive; `slice()` small frames you store.
 *
 * Breaking out of `for await` (or cancelling `readable`) ends the
 * iteration and cancels a stream source; a `Reader` is left open, as it
 * belongs to the caller.
 *
 * @typeParam T The frame type.
 *
 * @example Lines from a stream
 * ```ts
 * import { FramedRead, LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * const source = ReadableStream.from([new TextEncoder().encode("one\ntw"), new TextEncoder().encode("o\n")]);
 * const lines: string[] = [];
 * for await (const line of new FramedRead(source, new LinesCodec())) lines.push(line);
 * assert.deepEqual(lines, ["one", "two"]);
 * ```
 */
export class FramedRead<T> implements AsyncIterableIterator<T, undefined, undefined> {
  #reader: Reader & Partial<StreamReader>;
  #decoder: Decoder<T>;
  #buf: ByteBuffer;
  #readSize: number;
  #capacity: number;
  #serial = new Serial();
  /** The source ended: `decodeEof` drains what is left. */
  #eof = false;
  /** Nothing more will be yielded. */
  #done = false;
  /** The decoder needs more bytes than are buffered. */
  #stale = false;
  /** A read in flight, kept when its waiter aborts so no bytes are lost. */
  #reading: Promise<number | null> | undefined;
  readonly #held = new HeldFrame<T>();
  #readable: ReadableStream<T> | undefined;

  /**
   * Creates a framed reader.
   *
   * @param source Where bytes come from.
   * @param decoder Turns bytes into frames.
   * @param options Buffer size.
   */
  constructor(source: ByteSource, decoder: Decoder<T>, options: FramedReadOptions = {}) {
    const capacity = checkCount("capacity", options.capacity ?? 65536) || 1;
    this.#reader = toReader(source);
    this.#decoder = decoder;
    // Reads start small and grow with the traffic (see #read) up to `capacity`.
    this.#readSize = Math.min(capacity, INITIAL_READ);
    this.#capacity = capacity;
    this.#buf = new ByteBuffer(this.#readSize);
  }

  /**
   * Resolves the next frame, or `{ done: true }` after the last one.
   *
   * **Cancellation:** cancel safe. When `signal` aborts, the call rejects
   * with `signal.reason` and consumes nothing; concurrent calls are served
   * in call order. In a losing `select` branch it takes no frame either.
   *
   * @param options Cancellation.
   * @returns The next frame.
   * @throws The decoder's error, or the source's read error, once.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LengthDelimitedCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const source = ReadableStream.from([new Uint8Array([0, 0, 0, 1, 42])]);
   * const frames = new FramedRead(source, new LengthDelimitedCodec());
   * assert.deepEqual((await frames.next()).value, new Uint8Array([42]));
   * assert.equal((await frames.next()).done, true);
   * ```
   */
  next(options?: FramedReadNextOptions): Promise<IteratorResult<T, undefined>> {
    const signal = options?.signal;
    if (this.#serial.idle) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      let frame: T | undefined;
      try {
        frame = this.#take(signal);
      } catch (error) {
        return Promise.reject(error);
      }
      if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
      if (this.#done) return Promise.resolve(done);
    }
    return this.#serial.run(() => this.#fill(signal), signal);
  }

  /**
   * Ends the iteration (what `break` in `for await` calls): later calls
   * return `{ done: true }`, and a stream source is cancelled.
   *
   * @returns `{ done: true }`.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, FramedRead } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const frames = new FramedRead(ReadableStream.from([new Uint8Array([1])]), new BytesCodec());
   * await frames.return();
   * assert.equal((await frames.next()).done, true);
   * ```
   */
  async return(): Promise<IteratorResult<T, undefined>> {
    if (!this.#done) {
      this.#done = true;
      this.#held.take(undefined);
      await this.#reader.cancel?.();
    }
    return done;
  }

  /**
   * Returns this reader: it is its own iterator.
   *
   * @returns `this`.
   *
   * @example Usage
   * ```ts
   * import { BytesCodec, FramedRead } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const frames = new FramedRead(ReadableStream.from([new Uint8Array([1])]), new BytesCodec());
   * assert.equal(frames[Symbol.asyncIterator](), frames);
   * await frames.return();
   * ```
   */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The frames as a `ReadableStream`, for `pipeTo`/`pipeThrough`. It shares
   * this reader's position; cancelling it ends the iteration.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const source = ReadableStream.from([new TextEncoder().encode("a\nb\n")]);
   * const lines = await Array.fromAsync(new FramedRead(source, new LinesCodec()).readable);
   * assert.deepEqual(lines, ["a", "b"]);
   * ```
   */
  get readable(): ReadableStream<T> {
    return this.#readable ??= new ReadableStream<T>({
      pull: async (controller) => {
        const result = await this.next();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: async () => {
        await this.return();
      },
    }, { highWaterMark: 0 });
  }

  /**
   * The next frame, held back or decoded now, once `signal` is claimed for
   * its `select` branch; `undefined` means read more (or done).
   */
  #take(signal: AbortSignal | undefined): T | undefined {
    const held = this.#held.take(signal);
    return this.#held.claim(held !== undefined ? held : this.#poll(), signal);
  }

  /** Decodes from what is buffered; `undefined` means read more (or done). */
  #poll(): T | undefined {
    if (this.#done || this.#stale) return undefined;
    let frame: T | undefined;
    try {
      frame = this.#eof ? decodeEof(this.#decoder, this.#buf) : this.#decoder.decode(this.#buf);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    if (frame === undefined) {
      if (this.#eof) this.#done = true;
      else this.#stale = true;
    }
    return frame;
  }

  async #fill(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const frame = this.#take(signal);
      if (frame !== undefined) return { value: frame, done: false };
      if (this.#done) return done;
      await this.#read(signal);
    }
  }

  async #read(signal: AbortSignal | undefined): Promise<void> {
    let reading = this.#reading;
    if (reading === undefined) {
      // Reading into a nearly full buffer would make many small reads: move
      // to fresh memory once less than a quarter of a read is left.
      let spare = this.#buf.spare();
      if (spare.length < Math.max(1, this.#readSize >>> 2)) {
        this.#buf.reserve(this.#readSize);
        spare = this.#buf.spare();
      }
      reading = this.#reading = this.#reader.read(spare);
    }
    let n: number | null;
    try {
      n = await abortable(reading, signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      this.#reading = undefined;
      this.#fail(error);
      throw error;
    }
    this.#reading = undefined;
    if (this.#done) return;
    if (n === null) this.#eof = true;
    else {
      // A read that filled all the room it had: the peer is sending in bulk,
      // so read in bigger chunks next time.
      if (n >= this.#buf.spare().length && this.#readSize < this.#capacity) {
        this.#readSize = Math.min(this.#capacity, this.#readSize * 2);
      }
      this.#buf.commit(n);
    }
    this.#stale = false;
  }

  #fail(error: unknown): void {
    this.#done = true;
    this.#reader.cancel?.(error).catch(() => {});
  }
}
