import { toReader } from "../io/to_reader.ts";
import type { ByteSource } from "../io/types.ts";
import type { Clock } from "../time/clock.ts";
import { FRAMED_READ_DEFAULTS, FrameReader, readSettings } from "./_framed_engine.ts";
import type { Decoder } from "./types.ts";

/** Options for {@linkcode FramedRead} (and the read side of `Framed`). */
export interface FramedReadOptions {
  /**
   * Bytes asked for by the first read, and the least a read asks for: reads
   * double while they fill their room, up to `maxReadSize`, and halve again
   * after a run of small reads, so an idle connection holds about this much.
   *
   * @default {4096}
   */
  minReadSize?: number;
  /**
   * The most bytes one read asks for (a frame larger than this still grows
   * the buffer to fit it).
   *
   * @default {65536}
   */
  maxReadSize?: number;
  /**
   * Bytes read ahead: while fewer than this many bytes wait undecoded, the
   * reader keeps reading in the background even when no frame is asked
   * for, so frames are ready when the consumer comes back. While frames
   * are still buffered, a read-ahead starts from the next macrotask after a
   * read lands or a frame is taken (a consumer that keeps up drains the
   * buffer first, and its wait starts the read, so no read finds the socket
   * empty); once nothing is buffered it starts at once. `0` reads only
   * when a frame is asked for and none is buffered. A frame larger than
   * this is still read whole when asked for.
   *
   * @default {0}
   */
  inboundHighWaterMark?: number;
  /**
   * Milliseconds within which a frame, once its first bytes arrived, must
   * be complete; otherwise `next()` throws a `DOMException` named
   * `TimeoutError` and the reader ends. Defeats peers that trickle a frame
   * one byte at a time (which an idle timeout alone does not).
   *
   * @default {Infinity}
   */
  frameTimeout?: number;
  /**
   * The clock the frame timeout reads (a `FakeClock` in tests).
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/** Options for {@linkcode FramedRead.prototype.next} and `frames`. */
export interface FramedReadNextOptions {
  /**
   * Stops waiting for the next frame, rejecting with `signal.reason`. No
   * bytes or frames are lost: a read in flight is kept for the next call.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

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
 * frame kept for long keeps its read chunk (up to `maxReadSize` bytes)
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
  #engine: FrameReader<T>;

  /**
   * Creates a framed reader.
   *
   * @param source Where bytes come from.
   * @param decoder Turns bytes into frames.
   * @param options Read sizes, read-ahead and the frame timeout.
   * @throws {RangeError} When an option is out of range, naming it.
   */
  constructor(source: ByteSource, decoder: Decoder<T>, options: FramedReadOptions = {}) {
    this.#engine = new FrameReader(
      toReader(source),
      decoder,
      readSettings(options, FRAMED_READ_DEFAULTS),
    );
  }

  /**
   * Resolves the next frame, or `{ done: true }` after the last one.
   *
   * **Cancellation:** cancel safe. When `signal` aborts, the call rejects
   * with `signal.reason` and consumes nothing; concurrent calls are served
   * in call order.
   *
   * Select safety: select-safe (it claims its signal right before it
   * hands out a frame; a frame decoded for a losing branch is kept for
   * the next call).
   *
   * @param options Cancellation.
   * @returns The next frame.
   * @throws The decoder's error, or the source's read error, once.
   * @throws {InvalidReadError} When the source's `read` returned 0 or
   * something that is not a byte count.
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
    return this.#engine.next(options?.signal);
  }

  /**
   * Takes the next frame if it can be decoded from what is already
   * buffered, without waiting: the synchronous fast path for draining a
   * burst.
   *
   * @returns The frame, `{ done: true }` at the end, or `undefined` when
   * the next frame needs bytes that have not arrived (or a `next()` call
   * is pending).
   * @throws As {@linkcode FramedRead.prototype.next}.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedRead(ReadableStream.from([new TextEncoder().encode("a\nb\n")]), new LinesCodec());
   * assert.equal(framed.tryNext(), undefined); // nothing read yet
   * assert.equal((await framed.next()).value, "a");
   * assert.deepEqual(framed.tryNext(), { value: "b", done: false });
   * ```
   */
  tryNext(): IteratorResult<T, undefined> | undefined {
    return this.#engine.tryNext();
  }

  /**
   * The frames as an async iterator whose every wait stops when `signal`
   * aborts (rejecting with `signal.reason`, losing no frame): a `for await`
   * loop that ends on shutdown. Breaking out ends this reader, as with the
   * reader itself.
   *
   * @param options Cancellation.
   * @returns An iterator over the same frames.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const controller = new AbortController();
   * const source = new ReadableStream<Uint8Array>({
   *   start: (c) => c.enqueue(new TextEncoder().encode("one\n")), // then silence
   * });
   * const seen: string[] = [];
   * await assert.rejects(async () => {
   *   for await (const line of new FramedRead(source, new LinesCodec()).frames({ signal: controller.signal })) {
   *     seen.push(line);
   *     controller.abort(new Error("shutting down"));
   *   }
   * }, /shutting down/);
   * assert.deepEqual(seen, ["one"]);
   * ```
   */
  frames(options?: FramedReadNextOptions): AsyncIterableIterator<T, undefined, undefined> {
    return this.#engine.frames(options?.signal);
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
  return(): Promise<IteratorResult<T, undefined>> {
    return this.#engine.return();
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
   * this reader's position; cancelling it ends the iteration. Piped into a
   * framer's `writable` (a `Framed`'s or a `FramedWrite`'s, on this
   * connection or another), frames go straight from this reader to that
   * writer, as a `for await` + `feed` loop moves them, with `pipeTo`'s
   * contract (locks, the `prevent*` options, `signal`, errors both ways).
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
    return this.#engine.readable();
  }

  /**
   * The decoder in use.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const codec = new LinesCodec();
   * assert.equal(new FramedRead(ReadableStream.from([]), codec).decoder, codec);
   * ```
   */
  get decoder(): Decoder<T> {
    return this.#engine.decoder;
  }

  /**
   * Settles once decoding has ended: resolves at the end of the stream or
   * after `return()`, rejects with the error that ended it (which `next()`
   * also throws, once).
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedRead(ReadableStream.from([new TextEncoder().encode("x\n")]), new LinesCodec());
   * assert.deepEqual(await Array.fromAsync(framed), ["x"]);
   * await framed.closed;
   * ```
   */
  get closed(): Promise<void> {
    return this.#engine.closed;
  }

  /**
   * Frames decoded since this reader was made.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedRead(ReadableStream.from([new TextEncoder().encode("a\nb\n")]), new LinesCodec());
   * await Array.fromAsync(framed);
   * assert.equal(framed.framesRead, 2);
   * ```
   */
  get framesRead(): number {
    return this.#engine.framesRead;
  }

  /**
   * Bytes read from the source and not yet decoded: the inbound queue,
   * which reading ahead keeps under `inboundHighWaterMark`.
   *
   * @example Usage
   * ```ts
   * import { FramedRead, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const framed = new FramedRead(ReadableStream.from([new TextEncoder().encode("a\nhalf")]), new LinesCodec());
   * assert.equal((await framed.next()).value, "a");
   * assert.equal(framed.inboundBuffered, 4);
   * await framed.return();
   * ```
   */
  get inboundBuffered(): number {
    return this.#engine.buf.length;
  }

  /**
   * Switches to another decoder, keeping every byte already buffered (a
   * protocol that changes framing mid-stream). This reader is returned,
   * now typed for the new frames; call it with no `next()` pending.
   *
   * @param map Makes the new decoder from the current one.
   * @returns This reader, decoding with the new decoder.
   * @throws {TypeError} While a `next()` is pending.
   *
   * @example From lines to length-delimited frames
   * ```ts
   * import { FramedRead, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
   * import assert from "node:assert/strict";
   *
   * const bytes = new Uint8Array([...new TextEncoder().encode("BINARY\n"), 0, 0, 0, 1, 42]);
   * const lines = new FramedRead(ReadableStream.from([bytes]), new LinesCodec());
   * assert.equal((await lines.next()).value, "BINARY");
   * const frames = lines.mapDecoder(() => new LengthDelimitedCodec());
   * assert.deepEqual((await frames.next()).value, new Uint8Array([42]));
   * ```
   */
  mapDecoder<U>(map: (decoder: Decoder<T>) => Decoder<U>): FramedRead<U> {
    this.#engine.replaceDecoder(map(this.#engine.decoder));
    return this as unknown as FramedRead<U>;
  }
}
