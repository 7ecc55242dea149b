// The one framed engine under FramedRead, FramedWrite, Framed (and so
// FramedDriver) and DatagramFramed's decoding: the adaptive read buffer,
// decoding everything buffered without awaiting, the coalescing
// double-buffered write, flush, half-close and the error states. The public
// classes are thin layers over `FrameReader` and `FrameWriter`.
import { closeWrite } from "../io/close_write.ts";
import { ByteBuffer } from "../io/byte_buffer.ts";
import { checkReadResult } from "../io/invalid_read_error.ts";
import type { StreamReader } from "../io/to_reader.ts";
import type { StreamWriter } from "../io/to_writer.ts";
import type { Reader, Writer } from "../io/types.ts";
import { writeAll } from "../io/write_all.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { decodeEof } from "./_decode_eof.ts";
import { FramesStream, type PipeSource } from "./_framed_pipe.ts";
import { HeldFrame } from "./_held_frame.ts";
import { Outcome } from "./_outcome.ts";
import { Serial } from "./_serial.ts";
import { abortable } from "../sync/abortable.ts";
import { checkCount, checkLimit } from "./_validate.ts";
import type { Decoder, Encoder } from "./types.ts";

/** The read side's settings, validated. */
export interface ReadSettings {
  minReadSize: number;
  maxReadSize: number;
  inboundHighWaterMark: number;
  frameTimeout: number;
  clock: Clock;
}

/** The read options every framed reader takes (see `FramedReadOptions`). */
export interface ReadSettingsInput {
  minReadSize?: number | undefined;
  maxReadSize?: number | undefined;
  inboundHighWaterMark?: number | undefined;
  frameTimeout?: number | undefined;
  clock?: Clock | undefined;
}

/** Validates the read options and applies the defaults. */
export function readSettings(options: ReadSettingsInput, defaults: {
  minReadSize: number;
  inboundHighWaterMark: number;
}): Readonly<ReadSettings> {
  const minReadSize = positive("minReadSize", options.minReadSize ?? defaults.minReadSize);
  const maxReadSize = positive("maxReadSize", options.maxReadSize ?? Math.max(65536, minReadSize));
  if (maxReadSize < minReadSize) {
    throw new RangeError(
      `'maxReadSize' must be at least 'minReadSize' (${minReadSize}): received ${maxReadSize}`,
    );
  }
  const inboundHighWaterMark = checkCount(
    "inboundHighWaterMark",
    options.inboundHighWaterMark ?? defaults.inboundHighWaterMark,
  );
  const frameTimeout = options.frameTimeout ?? Infinity;
  if (frameTimeout !== Infinity && !(frameTimeout > 0 && Number.isFinite(frameTimeout))) {
    throw new RangeError(
      `'frameTimeout' must be a positive number of milliseconds or Infinity: received ${frameTimeout}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const last = lastSettings;
  if (
    last !== undefined && last.minReadSize === minReadSize && last.maxReadSize === maxReadSize &&
    last.inboundHighWaterMark === inboundHighWaterMark && last.frameTimeout === frameTimeout &&
    last.clock === clock
  ) return last;
  return lastSettings = Object.freeze({
    minReadSize,
    maxReadSize,
    inboundHighWaterMark,
    frameTimeout,
    clock,
  });
}

/**
 * The settings last made: a server's framers all take the same options,
 * so they share one frozen object instead of holding one each.
 */
let lastSettings: Readonly<ReadSettings> | undefined;

/** The read defaults of `FramedRead` and `Framed`. */
export const FRAMED_READ_DEFAULTS = { minReadSize: 4096, inboundHighWaterMark: 0 } as const;

/** Validates a write buffer limit. */
export function writeSettings(options: { highWaterMark?: number | undefined }): number {
  return checkLimit("highWaterMark", options.highWaterMark ?? 65536);
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`'${name}' must be a positive integer: received ${value}`);
  }
  return value;
}

const RESOLVED = Promise.resolve();
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** A `next` call waiting for bytes. */
interface Waiter<T> {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** `buf`'s spare capacity still starts where `view` does (nothing moved its end). */
function spareStartsAt(buf: ByteBuffer, view: Uint8Array): boolean {
  const at = buf.spare(0);
  return at.buffer === view.buffer && at.byteOffset === view.byteOffset;
}

/** Small reads in a row after which the read size halves. */
const SHRINK_AFTER = 16;

/**
 * Memory taken at once for reads of `readSize`: small reads come from the
 * shared slabs of `ByteBuffer`; larger ones take four reads' worth, as
 * creating memory costs per allocation as much as per byte and frames
 * taken from the buffer keep it from being reused.
 */
function chunkFor(readSize: number): number {
  return readSize > 4096 ? 4 * readSize : readSize;
}

/**
 * The read side: an adaptive read buffer filled by `read(p)` straight into
 * its spare room, decoded on demand (`poll`, synchronous) and refilled when
 * the decoder needs more (`wait`). With `inboundHighWaterMark` above 0 it
 * keeps reading in the background until that many bytes wait undecoded.
 */
export class FrameReader<T> implements PipeSource<T> {
  decoder: Decoder<T>;
  buf: ByteBuffer;
  readonly #reader: Reader & Partial<StreamReader>;
  readonly #settings: Readonly<ReadSettings>;
  #readSize: number;
  /** Bytes the last read brought. */
  #lastRead = 0;
  #smallReads = 0;
  /** The source reported its end: `decodeEof` drains what is left. */
  #eof = false;
  /** Nothing more will be decoded. */
  #done = false;
  /** The decoder needs more bytes than are buffered. */
  #stale = false;
  /** A read error (or frame timeout) to report once the frames before it are taken. */
  #error: { value: unknown } | undefined;
  /** A read in flight; it commits its bytes itself, so an aborted waiter loses nothing. */
  #reading: Promise<void> | undefined;
  /**
   * The `next` calls waiting for bytes, served in call order whenever a
   * read lands (one promise per waiting call: no task, wake-up or queue
   * promise between the read and the caller). The first is held on its
   * own, the rest (concurrent calls, rare) in an array made when needed:
   * an idle connection has one waiting call and no array.
   */
  #waiter: Waiter<T> | undefined;
  #moreWaiters: Waiter<T>[] | undefined;
  /** When the incomplete frame at the front of the buffer began, if timed. */
  #frameStart: number | undefined;
  #cancelTimer: (() => void) | undefined;
  /** Made when `closed` is asked for or decoding ends, not before (idle memory). */
  #closed: Outcome | undefined;
  readonly #held = new HeldFrame<T>();
  /** The `readable` stream's controller, once made (its queue counts as buffered frames). */
  #queued: ReadableStreamDefaultController<T> | undefined;
  /** An error met after frames were queued in one pull, for the next pull. */
  #pullError: { value: unknown } | undefined;
  /** The writer to flush when a caller is about to wait for the source (the flush policy; `Framed` pairs them). */
  flushBeforeWait: { flushNow(): void } | undefined;
  /** Frames decoded so far (a plain count: telemetry reads it when it collects). */
  framesRead = 0;

  constructor(
    reader: Reader & Partial<StreamReader>,
    decoder: Decoder<T>,
    settings: Readonly<ReadSettings>,
  ) {
    this.#reader = reader;
    this.decoder = decoder;
    this.#settings = settings;
    this.#readSize = settings.minReadSize;
    this.buf = new ByteBuffer(settings.minReadSize);
    if (settings.inboundHighWaterMark > 0) this.#startRead();
  }

  /** Settles when decoding has ended: rejects with the error that ended it. */
  get closed(): Promise<void> {
    return (this.#closed ??= new Outcome()).promise;
  }

  /** No frame will come any more (and no error is left to report). */
  get done(): boolean {
    return this.#done && this.#error === undefined;
  }

  /** A read is in flight. */
  get reading(): boolean {
    return this.#reading !== undefined;
  }

  /**
   * Frames may be decodable from what is buffered without reading, or
   * decoded frames wait in the `readable` stream's queue.
   */
  get mayHaveFrames(): boolean {
    if (!this.#done && !this.#stale && (this.buf.length > 0 || this.#eof)) return true;
    return this.streamQueued;
  }

  /**
   * The iterator protocol's `next`, served in call order, cancel safe: a
   * call whose `signal` aborts while it waits is rejected with the reason
   * and loses nothing (the read goes on and keeps its bytes).
   */
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiter === undefined) {
      let frame: T | undefined;
      try {
        frame = this.#take(signal);
      } catch (error) {
        return Promise.reject(error);
      }
      if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
      if (this.done) return Promise.resolve(DONE);
    }
    return this.#wait(signal);
  }

  /**
   * `next` must wait: queues a waiter. Apart from `next` because its abort
   * listener closes over the call, and a function that makes a closure
   * allocates a context on every call, the calls that find a frame ready
   * included (so do `feed`, `send` and `flushInLine` below).
   */
  #wait(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    const { promise, resolve, reject } = Promise.withResolvers<IteratorResult<T, undefined>>();
    const waiter: Waiter<T> = { resolve, reject, signal, onAbort: undefined };
    if (signal !== undefined) {
      waiter.onAbort = () => {
        if (this.#removeWaiter(waiter)) reject(signal.reason);
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
    }
    if (this.#waiter === undefined) {
      // The first waiter needs bytes now; later ones queue behind it.
      this.#waiter = waiter;
      this.#needBytes();
    } else (this.#moreWaiters ??= []).push(waiter);
    return promise;
  }

  /** Takes `waiter` out of the queue (its signal aborted); `false` if it was served already. */
  #removeWaiter(waiter: Waiter<T>): boolean {
    const more = this.#moreWaiters;
    if (this.#waiter === waiter) {
      this.#waiter = more?.shift();
      return true;
    }
    const at = more === undefined ? -1 : more.indexOf(waiter);
    if (at < 0) return false;
    more!.splice(at, 1);
    return true;
  }

  /** A frame if one can be decoded now; `DONE` at the end; `undefined` when it must wait. */
  tryNext(): IteratorResult<T, undefined> | undefined {
    if (this.#waiter !== undefined) return undefined;
    const frame = this.#take(undefined);
    if (frame !== undefined) return { value: frame, done: false };
    return this.done ? DONE : undefined;
  }

  /** Ends the iteration; a stream source is cancelled. */
  async return(): Promise<IteratorResult<T, undefined>> {
    this.#held.take(undefined);
    await this.cancel();
    return DONE;
  }

  /** No `next` is pending and no frame is held back for one. */
  get idle(): boolean {
    return this.#waiter === undefined && !this.#held.holding;
  }

  /** Starts from bytes read elsewhere (a handover), decoded before anything new. */
  adopt(buf: ByteBuffer): void {
    if (this.#reading !== undefined || this.buf.length !== 0) {
      throw new TypeError("Cannot adopt a read buffer: bytes are pending");
    }
    this.buf = buf;
    this.#stale = false;
    if (this.#settings.inboundHighWaterMark > 0) this.#maybeReadAhead();
  }

  /** Ends reading and hands over what is buffered undecoded. */
  detach(): ByteBuffer {
    const buf = this.buf;
    this.buf = new ByteBuffer(0);
    this.#end(undefined);
    return buf;
  }

  /** Swaps the decoder, keeping every buffered byte. */
  replaceDecoder(decoder: Decoder<unknown>): void {
    if (!this.idle) {
      throw new TypeError("Cannot change the decoder while a frame is being read or held");
    }
    (this as FrameReader<unknown>).decoder = decoder;
    this.#stale = false;
  }

  #stream: ReadableStream<T> | undefined;

  /** The frames as a `ReadableStream` sharing this reader's position (made once). */
  readable(): ReadableStream<T> {
    return this.#stream ??= new FramesStream<T>(this, {
      start: (controller) => {
        this.#queued = controller;
      },
      pull: (controller) => {
        // Every frame decodable now goes in at once: one pull per read
        // batch, not a pull (and its promises) per frame. An error after
        // some frames waits for the next pull, so they are delivered first.
        let result: IteratorResult<T, undefined> | undefined;
        try {
          const failed = this.takeStreamError();
          if (failed !== undefined) throw failed.value;
          result = this.tryNext();
        } catch (error) {
          this.streamSettled = true; // the stream errors with it
          throw error;
        }
        if (result === undefined) {
          return this.next(undefined).then((next) => this.#pulled(next), (error) => {
            this.streamSettled = true;
            throw error;
          });
        }
        while (result !== undefined && !result.done) {
          this.#mayBeQueued = true;
          controller.enqueue(result.value);
          try {
            result = this.tryNext();
          } catch (error) {
            this.#pullError = { value: error };
            return;
          }
        }
        if (result !== undefined) this.#closeStream();
      },
      cancel: async () => {
        this.streamSettled = true;
        await this.return();
      },
    });
  }

  #pulled(result: IteratorResult<T, undefined>): void {
    if (result.done) this.#closeStream();
    else {
      this.#mayBeQueued = true;
      this.#queued!.enqueue(result.value);
    }
  }

  #closeStream(): void {
    this.streamSettled = true;
    this.#queued!.close();
  }

  /** The `readable` stream was closed, cancelled or errored. */
  streamSettled = false;

  /**
   * Frames were enqueued into the `readable` stream since its queue was
   * last seen empty: only then is the queue asked (`desiredSize` is a
   * branded Web IDL getter, and a pipe asks on every frame it feeds).
   */
  #mayBeQueued = false;

  /** Frames wait in the `readable` stream's queue. */
  get streamQueued(): boolean {
    if (!this.#mayBeQueued) return false;
    const size = this.#queued!.desiredSize;
    if (size !== null && size < 0) return true;
    // Empty (or closed): it stays so until the next enqueue.
    this.#mayBeQueued = false;
    return false;
  }

  /** The error met while filling the stream's queue, once. */
  takeStreamError(): { value: unknown } | undefined {
    const error = this.#pullError;
    this.#pullError = undefined;
    return error;
  }

  /** Errors the `readable` stream (a pipe from it met a source error). */
  errorStream(error: unknown): void {
    this.streamSettled = true;
    this.#queued?.error(error);
  }

  /** An iterator whose every wait stops when `signal` aborts. */
  frames(signal: AbortSignal | undefined): AsyncIterableIterator<T, undefined, undefined> {
    const iterator: AsyncIterableIterator<T, undefined, undefined> = {
      next: () => this.next(signal),
      return: () => this.return(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * The next frame, held back or decoded now, once `signal` is claimed for
   * its `select` branch; `undefined` means read more (or done).
   */
  #take(signal: AbortSignal | undefined): T | undefined {
    const held = this.#held.take(signal);
    return this.#held.claim(held !== undefined ? held : this.poll(), signal);
  }

  /**
   * Something changed (a read landed or failed, the source ended, the
   * frame timeout fired): serves the waiting calls in order, until one
   * needs more bytes.
   */
  #serve(): void {
    for (let waiter = this.#waiter; waiter !== undefined; waiter = this.#waiter) {
      let result: IteratorResult<T, undefined> | undefined;
      let failed: { value: unknown } | undefined;
      try {
        const frame = this.#take(waiter.signal);
        if (frame !== undefined) result = { value: frame, done: false };
        else if (this.done) result = DONE;
      } catch (error) {
        failed = { value: error };
      }
      if (result === undefined && failed === undefined) return this.#needBytes();
      // Its own abort listener may have taken it out already (a `select`
      // arbiter refusing its claim aborts its signal): then the head is
      // the call behind it, served next.
      if (this.#waiter === waiter) this.#waiter = this.#moreWaiters?.shift();
      if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener("abort", waiter.onAbort);
      if (failed !== undefined) waiter.reject(failed.value);
      else waiter.resolve(result!);
    }
  }

  /**
   * Decodes the next frame from what is buffered; `undefined` means wait
   * (or done). Throws the decoder's error, or a read error once the frames
   * before it were taken; either ends the reader.
   */
  poll(): T | undefined {
    if (!this.#done && !this.#stale) {
      let frame: T | undefined;
      const buf = this.buf;
      if (this.#reading !== undefined) this.#decodedDuringRead = true;
      try {
        frame = this.#eof ? decodeEof(this.decoder, buf) : this.decoder.decode(buf);
      } catch (error) {
        this.#end({ value: error });
        throw error;
      }
      if (frame !== undefined) {
        this.framesRead++;
        if (this.#frameStart !== undefined) this.#frameStart = undefined;
        if (this.#settings.inboundHighWaterMark > 0) this.#readAheadLater();
        return frame;
      }
      if (this.#eof) {
        this.#end(undefined);
      } else {
        this.#stale = true;
        if (this.#settings.frameTimeout !== Infinity && buf.length > 0) this.#timeFrame();
      }
    }
    const error = this.#error;
    if (error !== undefined) {
      this.#error = undefined;
      this.#end(error);
      throw error.value;
    }
    return undefined;
  }

  /** A caller is about to wait for the source: the flush hook runs, and a read starts. */
  #needBytes(): void {
    if (this.#done || this.#error !== undefined) return;
    this.flushBeforeWait?.flushNow();
    if (this.#reading === undefined) this.#startRead();
  }

  /** Stops: nothing more is decoded; a stream source is cancelled. */
  cancel(reason?: unknown): Promise<void> {
    if (this.#done && this.#error === undefined) return Promise.resolve();
    this.#error = undefined;
    this.#end(undefined);
    return this.#reader.cancel?.(reason) ?? Promise.resolve();
  }

  /** Ends decoding; `error` is what the `closed` promise rejects with. */
  #end(error: { value: unknown } | undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#notify();
    const closed = this.#closed ??= new Outcome();
    if (error === undefined) closed.resolve();
    else {
      closed.reject(error.value);
      this.#reader.cancel?.(error.value).catch(() => {});
    }
  }

  #notify(): void {
    // Not from within `#serve` (ending the reader notifies): its loop goes on.
    if (this.#waiter === undefined || this.#serving) return;
    this.#serving = true;
    try {
      this.#serve();
    } finally {
      this.#serving = false;
    }
  }

  #serving = false;

  #readAheadQueued = false;

  /**
   * Reads ahead from the next macrotask on, if frames still wait then: a
   * consumer that keeps up takes them all first and its wait starts the
   * read, so a read-ahead started at once would only add a read that finds
   * the socket empty. With nothing buffered, at once.
   */
  #readAheadLater(): void {
    if (this.#readAheadQueued || this.#reading !== undefined) return;
    // Nothing buffered: the consumer's next wait would start this very read
    // (the peer's next bytes are not here yet), so it starts now, with no
    // timer per read batch.
    if (this.buf.length === 0) return this.#maybeReadAhead();
    this.#readAheadQueued = true;
    nextTurn.add(this as FrameReader<unknown>);
  }

  /** The next macrotask came: the read-ahead starts if it is still due. */
  afterTurn(): void {
    this.#readAheadQueued = false;
    this.#maybeReadAhead();
  }

  #maybeReadAhead(): void {
    if (
      this.#reading === undefined && !this.#eof && !this.#done && this.#error === undefined &&
      this.buf.length < this.#settings.inboundHighWaterMark
    ) this.#startRead();
  }

  #startRead(): void {
    let buf = this.buf;
    const readSize = this.#readSize;
    // Quiet again after a burst (or a large frame): back to small memory.
    if (buf.length === 0 && buf.capacity > 2 * chunkFor(readSize)) {
      buf = this.buf = new ByteBuffer(readSize);
    }
    // A read takes at most a read's worth, unless a large frame being
    // completed needs more (its decoder reserved it).
    const large = buf.length >= readSize;
    let spare = large ? buf.spare() : buf.spare(readSize);
    const room = spare.length;
    const quarter = Math.max(1, readSize >>> 2);
    // A read should have room for all the peer sent: a shorter one splits a
    // burst over two reads (and two writes of the replies). So the buffer
    // moves to fresh memory (cheap: see `chunkFor`) when what is left is
    // under a read and under twice the last read, if little is buffered;
    // with more buffered (a read-ahead) moving would copy it all, so only
    // under a quarter of a read. Never while a large frame is being
    // completed: its decoder reserved what it needs, and moving would copy
    // it again.
    const completing = room > 0 && large;
    const short = room < readSize && room < 2 * this.#lastRead && buf.length <= quarter;
    if (!completing && (room < quarter || short)) {
      buf.reserve(chunkFor(readSize));
      spare = buf.spare(readSize);
    }
    let read: Promise<number | null>;
    try {
      read = this.#reader.read(spare);
    } catch (error) {
      read = Promise.reject(error);
    }
    this.#readInto = spare;
    this.#readBuf = buf;
    this.#decodedDuringRead = false;
    this.#reading = read.then(this.#onRead, this.#onReadError);
  }

  /** The decoder ran while the read in flight was pending (it may have moved the buffer's end). */
  #decodedDuringRead = false;
  /** Where the read in flight lands, and the buffer that memory belongs to. */
  #readInto: Uint8Array | undefined;
  #readBuf: ByteBuffer | undefined;
  /**
   * The reactions to every read: bound once per reader (bound functions,
   * not arrow fields: no context object, less memory per connection).
   */
  readonly #onRead: (n: number | null) => void = this.#readLanded.bind(this);
  readonly #onReadError: (error: unknown) => void = this.#readFailed.bind(this);

  #readLanded(n: number | null): void {
    const spare = this.#readInto!;
    const buf = this.#readBuf!;
    this.#readInto = this.#readBuf = undefined;
    this.#landed(n, spare, buf);
  }

  #readFailed(error: unknown): void {
    this.#readInto = this.#readBuf = undefined;
    this.#failed(error);
  }

  #landed(n: number | null, spare: Uint8Array, buf: ByteBuffer): void {
    const room = spare.length;
    this.#reading = undefined;
    if (this.#done) return;
    try {
      n = checkReadResult(n, room);
    } catch (error) {
      this.#error = { value: error };
      this.#cancelTimer?.();
      this.#stale = false;
      this.#notify();
      return;
    }
    if (n === null) {
      this.#eof = true;
      // Nothing left and nobody waiting: finish decoding now, so `closed`
      // settles without a consumer (a frame `decodeEof` makes is held).
      if (this.buf.length === 0 && this.#error === undefined && this.idle) this.#drainEof();
    } else {
      // The decoder may have moved the buffer's end while the read was in
      // flight (consumed everything, or moved to fresh memory): then the
      // bytes are copied from where they landed. With no decoding since the
      // read started (the usual case: the caller waited for it), nothing
      // moved and no view is needed to check.
      if (buf === this.buf && (!this.#decodedDuringRead || spareStartsAt(buf, spare))) {
        buf.commit(n);
      } else this.buf.append(spare.subarray(0, n));
      this.#lastRead = n;
      const readSize = this.#readSize;
      if (n >= readSize) {
        // Reads fill their room: the peer sends in bulk, read more at once.
        this.#smallReads = 0;
        if (readSize < this.#settings.maxReadSize) {
          this.#readSize = Math.min(this.#settings.maxReadSize, readSize * 2);
        }
      } else if (
        readSize > this.#settings.minReadSize && n <= readSize >>> 3 &&
        ++this.#smallReads === SHRINK_AFTER
      ) {
        this.#smallReads = 0;
        this.#readSize = Math.max(this.#settings.minReadSize, readSize >>> 1);
      }
    }
    this.#stale = false;
    this.#notify();
    // After the waiting calls took their frames: what is left decides.
    if (n !== null && this.#settings.inboundHighWaterMark > 0) this.#readAheadLater();
  }

  #drainEof(): void {
    let frame: T | undefined;
    try {
      frame = decodeEof(this.decoder, this.buf);
    } catch (error) {
      this.#error = { value: error };
      return;
    }
    if (frame === undefined) this.#end(undefined);
    else this.#held.hold(frame);
  }

  #failed(error: unknown): void {
    this.#reading = undefined;
    if (this.#done) return;
    this.#error = { value: error };
    this.#cancelTimer?.();
    this.#notify();
  }

  /** An incomplete frame is buffered: it must be completed within `frameTimeout`. */
  #timeFrame(): void {
    const { clock, frameTimeout } = this.#settings;
    if (this.#frameStart !== undefined) return;
    this.#frameStart = clock.now();
    if (this.#cancelTimer !== undefined) return;
    const arm = (ms: number) => {
      this.#cancelTimer = clock.setTimer(() => {
        this.#cancelTimer = undefined;
        const start = this.#frameStart;
        if (start === undefined || this.#done) return;
        const left = start + frameTimeout - clock.now();
        if (left > 0) return arm(left);
        this.#error = {
          value: new DOMException(
            `A frame was not completed within frameTimeout (${frameTimeout} ms): ${this.buf.length} bytes of it arrived`,
            "TimeoutError",
          ),
        };
        this.#stale = false;
        this.#notify();
      }, ms);
    };
    arm(frameTimeout);
  }
}

/** Where a new encode buffer starts; it grows with the batches. */
const INITIAL_WRITE_BUFFER = 512;
/**
 * Write buffers up to this size go back to `writeBufferPool` once written:
 * an idle connection holds no write buffer, and a busy one takes a warm
 * buffer from the pool for its next batch instead of fresh memory (which
 * costs far more than the batch's bytes).
 */
const SMALL_WRITE_BUFFER = 8192;
/** Cleared write buffers any writer may take; its bytes never reach a caller, only `write`. */
const writeBufferPool: ByteBuffer[] = [];
/** Buffers the pool keeps (at most half a MiB of memory). */
const WRITE_BUFFER_POOL_SIZE = 64;
/** A write buffer at most this large (or twice the high-water mark) is kept between writes. */
const KEEP_WRITE_BUFFER = 65536;
/**
 * ... but never more than this: larger memory comes straight from the
 * system (mmap) and is slow to take and give back for every batch.
 */
const MAX_KEEP_WRITE_BUFFER = 128 * 1024;

/**
 * Calls `run` on each item added until `schedule` fires, in order: one
 * timer (or microtask) serves every engine queued meanwhile, as one per
 * read batch would cost more than the batch's frames.
 */
class Batch<T> {
  #items: (T | undefined)[] = [];
  /** The other array, swapped in when the batch runs (no array made per batch). */
  #running: (T | undefined)[] = [];
  #count = 0;
  #armed = false;
  readonly #schedule: (callback: () => void) => void;
  readonly #run: (item: T) => void;

  constructor(schedule: (callback: () => void) => void, run: (item: T) => void) {
    this.#schedule = schedule;
    this.#run = run;
  }

  add(item: T): void {
    this.#items[this.#count++] = item;
    if (this.#armed) return;
    this.#armed = true;
    this.#schedule(this.#fire);
  }

  #fire = (): void => {
    const items = this.#items;
    const count = this.#count;
    this.#items = this.#running;
    this.#count = 0;
    this.#armed = false;
    for (let i = 0; i < count; i++) {
      const item = items[i]!;
      // Cleared slot by slot, not by `length = 0`: that would also free the
      // array's memory, made again by the next batch.
      items[i] = undefined;
      try {
        this.#run(item);
      } catch (error) {
        // Not expected; reported without starving the items after it.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.#running = items;
  };
}

/**
 * Engines waiting for the next macrotask (a deferred flush, a read-ahead):
 * `afterTurn()` is called from one shared timer.
 */
const nextTurn = new Batch<{ afterTurn(): void }>(
  (callback) => setTimeout(callback, 0),
  (engine) => engine.afterTurn(),
);

/**
 * Writers to kick from a microtask (see `FrameWriter.kickSoon`): a
 * reaction to a settled promise, which allocates less than
 * `queueMicrotask` (Deno wraps its callback).
 */
const soon = new Batch<FrameWriter<unknown>>(
  (callback) => void RESOLVED.then(callback),
  (writer) => writer.afterMicrotask(),
);

/**
 * The write side: items are encoded into one buffer while the other is
 * being written, so whatever is encoded during a write goes out together in
 * the next one.
 */
export class FrameWriter<T> {
  encoder: Encoder<T>;
  readonly #writer: Writer & Partial<StreamWriter>;
  readonly highWaterMark: number;
  /** Write buffers up to this size are reused; larger ones (a burst) are let go. */
  readonly #keep: number;
  /**
   * The buffer items are encoded into; `undefined` while its bytes are
   * being written and nothing was encoded since (the next `encode` takes
   * `#spare` or a new one: no second buffer per write when none is needed).
   */
  #buf: ByteBuffer | undefined;
  /** The buffer being written, while a write is in flight. */
  #out: ByteBuffer | undefined;
  /** A cleared buffer kept for the next write: items were encoded during the last one. */
  #spare: ByteBuffer | undefined;
  #writing: Promise<void> | undefined;
  #encoded = 0;
  #written = 0;
  #error: { value: unknown } | undefined;
  #closing = false;
  #pumping = false;
  #closed: Promise<void> | undefined;
  /** Waiting in the shared list for the next macrotask (see `defer`). */
  #deferred = false;
  /** Items encoded so far (a plain count: telemetry reads it when it collects). */
  framesWritten = 0;

  constructor(
    writer: Writer & Partial<StreamWriter>,
    encoder: Encoder<T>,
    highWaterMark: number,
  ) {
    this.#writer = writer;
    this.encoder = encoder;
    this.highWaterMark = highWaterMark;
    this.#keep = Math.min(MAX_KEEP_WRITE_BUFFER, Math.max(KEEP_WRITE_BUFFER, 2 * highWaterMark));
  }

  /** Bytes encoded and not yet written. */
  get buffered(): number {
    return this.#encoded - this.#written;
  }

  /** There is room below the high-water mark. */
  get hasRoom(): boolean {
    return this.#buf === undefined || this.#buf.length < this.highWaterMark;
  }

  get writing(): boolean {
    return this.#writing !== undefined;
  }

  /**
   * Starts from bytes encoded elsewhere (a handover), written before
   * anything new. They move into a buffer of this writer's own (`buf` is
   * left empty): write buffers are shared between writers once written,
   * and the caller's buffer must not be.
   */
  adopt(buf: ByteBuffer): void {
    if (this.buffered !== 0) throw new TypeError("Cannot adopt a write buffer: bytes are pending");
    const own = new ByteBuffer(Math.max(INITIAL_WRITE_BUFFER, buf.length));
    own.append(buf.bytes());
    buf.clear();
    this.#buf = own;
    this.#encoded = this.#written + own.length;
  }

  /** The bytes encoded and not yet handed to a write (for a handover). */
  detach(): ByteBuffer {
    const buf = this.#buf ?? new ByteBuffer(0);
    this.#buf = new ByteBuffer(0);
    this.#closing = true;
    return buf;
  }

  /**
   * `feed`/`flushInLine`/`closeInLine` calls that must wait (for room, or
   * behind one that waits), in call order; made on first need.
   */
  #line: Serial | undefined;
  #closingInLine: Promise<void> | undefined;

  /** No call waits in line: one may act synchronously. */
  get #lineIdle(): boolean {
    return this.#line === undefined || this.#line.idle;
  }

  /**
   * Encodes `item` once there is room below the high-water mark (flushing
   * until there is), after the calls already waiting: `FramedWrite.feed`.
   */
  feed(item: T, signal: AbortSignal | undefined): Promise<void> {
    if (this.#lineIdle && this.hasRoom) {
      try {
        this.encode(item);
      } catch (error) {
        return Promise.reject(error);
      }
      return RESOLVED;
    }
    return this.#feedInLine(item, signal);
  }

  /** `feed` must wait (for room, or behind a waiting call); apart, see `FrameReader.#wait`. */
  #feedInLine(item: T, signal: AbortSignal | undefined): Promise<void> {
    return (this.#line ??= new Serial()).run(async () => {
      while (!this.hasRoom) await abortable(this.flush(), signal);
      this.encode(item);
    }, signal);
  }

  /** Encodes `item` if it can be now (room, nobody waiting): `FramedWrite.tryFeed`. */
  tryFeed(item: T): boolean {
    if (!this.#lineIdle || !this.hasRoom) return false;
    this.encode(item);
    return true;
  }

  /** `feed`, then flush: `FramedWrite.send`. */
  send(item: T, signal: AbortSignal | undefined): Promise<void> {
    const fed = this.feed(item, signal);
    if (fed === RESOLVED && signal === undefined) return this.flush();
    return this.#flushAfterFeed(fed, signal);
  }

  /** `send`'s flush once its feed is done; apart, see `FrameReader.#wait`. */
  #flushAfterFeed(fed: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    return fed.then(() => this.flushInLine(signal));
  }

  /** Flushes after the calls waiting in line: `FramedWrite.flush`. */
  flushInLine(signal: AbortSignal | undefined): Promise<void> {
    if (this.#lineIdle) return abortable(this.flush(), signal);
    return this.#flushBehindLine(signal);
  }

  /** A flush behind the calls waiting in line; apart, see `FrameReader.#wait`. */
  #flushBehindLine(signal: AbortSignal | undefined): Promise<void> {
    return this.#line!.run(() => abortable(this.flush(), signal), signal);
  }

  /** Closes after the calls waiting in line, once: `FramedWrite.close`. */
  closeInLine(): Promise<void> {
    return this.#closingInLine ??= this.#lineIdle
      ? this.close()
      : this.#line!.run(() => this.close(), undefined);
  }

  /** Encodes `item` into the write buffer (synchronously). */
  encode(item: T): void {
    if (this.#closing) throw new TypeError("Cannot write to a closed FramedWrite");
    if (this.#error !== undefined) throw this.#error.value;
    let buf = this.#buf;
    if (buf === undefined) {
      buf = this.#buf = this.#spare ?? writeBufferPool.pop() ??
        new ByteBuffer(INITIAL_WRITE_BUFFER);
      this.#spare = undefined;
    }
    const before = buf.length;
    this.encoder.encode(item, buf);
    this.#encoded += buf.length - before;
    this.framesWritten++;
  }

  /** Writes everything encoded before the call. */
  flush(): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error.value);
    if (this.#written === this.#encoded) return RESOLVED;
    // Nothing in flight (the usual `send`): the one write started now
    // takes everything encoded, so its promise is this flush's (it rejects
    // on failure, unlike the pump's writes).
    if (this.#writing === undefined) return this.#write(true);
    return this.#flushAfterWrites();
  }

  async #flushAfterWrites(): Promise<void> {
    const target = this.#encoded;
    while (this.#written < target && this.#error === undefined) {
      await (this.#writing ?? this.#write(false));
    }
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error.value;
  }

  /**
   * Writes what is buffered by the next macrotask unless `kick` or
   * `undefer` comes first (see `nextTurn`).
   */
  defer(): void {
    if (this.#deferred) return;
    this.#deferred = true;
    nextTurn.add(this as FrameWriter<unknown>);
  }

  /** Drops a pending `defer` (the shared timer then skips this writer). */
  undefer(): void {
    this.#deferred = false;
  }

  /** The shared timer fired: kicks this writer if it is still deferred. */
  afterTurn(): void {
    if (!this.#deferred) return;
    this.#deferred = false;
    this.kick();
  }

  /**
   * The reader is about to wait for bytes: what is buffered is written
   * within this microtask turn, from the microtask of `kickSoon`, not in
   * the middle of the call that starts the read. Measured on Deno 2.9.6,
   * paired runs: writing here cost an echo of one frame per read 3–11 % of
   * its frames/s (the headline example, `pipeTo`). A bare `Deno.Conn` loop
   * shows no such cost for either order; the cause was not pinned down.
   */
  flushNow(): void {
    this.#deferred = false;
    this.kickSoon();
  }

  #kickQueued = false;

  /**
   * Kicks from a microtask: what more is fed within this microtask turn (a
   * burst of sends) goes out in the same write.
   */
  kickSoon(): void {
    if (this.#kickQueued) return;
    this.#kickQueued = true;
    soon.add(this as FrameWriter<unknown>);
  }

  /** The microtask of `kickSoon` came. */
  afterMicrotask(): void {
    this.#kickQueued = false;
    this.kick();
  }

  /** Starts writing what is buffered, and keeps writing until nothing is; returns nothing to wait on. */
  kick(): void {
    const buf = this.#buf;
    if (this.#pumping || buf === undefined || buf.length === 0 || this.#error !== undefined) return;
    // With nothing in flight (the common case) the write starts now; the
    // pump looks again when a write settles (see `#settle`).
    this.#pumping = true;
    if (this.#writing === undefined) this.#write(false);
  }

  /** Flushes, then ends the write direction, once. */
  close(): Promise<void> {
    return this.#closed ??= (async () => {
      this.#closing = true;
      await this.flush();
      await closeWrite(this.#writer);
    })();
  }

  /** Aborts: drops what is buffered and fails every later call with `reason`. */
  async abort(reason: unknown): Promise<void> {
    this.fail(reason);
    await this.#writer.abort?.(reason);
  }

  fail(error: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = { value: error };
    this.#buf?.clear();
    const listeners = this.#failListeners;
    this.#failListeners = undefined;
    listeners?.forEach((listener) => listener(error));
  }

  #failListeners: Set<(error: unknown) => void> | undefined;

  /** Calls `listener` if writing fails (at once if it has); returns the undo. */
  onFail(listener: (error: unknown) => void): () => void {
    const failed = this.#error;
    if (failed !== undefined) {
      listener(failed.value);
      return () => {};
    }
    (this.#failListeners ??= new Set()).add(listener);
    return () => this.#failListeners?.delete(listener);
  }

  /** Writes out `#buf` while encoding goes on into another; rejects only when `report`. */
  #write(report: boolean): Promise<void> {
    this.#report = report;
    const out = this.#out = this.#buf!;
    this.#buf = undefined;
    const bytes = out.bytes();
    this.#outLength = bytes.length;
    let written: Promise<number>;
    try {
      written = this.#writer.write(bytes);
    } catch (error) {
      written = Promise.reject(error);
    }
    return this.#writing = written.then(this.#wrote, this.#writeFailed);
  }

  /** Bytes in the write in flight. */
  #outLength = 0;
  /**
   * The write in flight was started by `flush`: its promise rejects with
   * this writer's error (the pump's writes never reject: nobody awaits them).
   */
  #report = false;

  /** The reactions to every write, bound once (see `FrameReader`'s). */
  readonly #wrote: (n: number) => Promise<void> | void = this.#writeLanded.bind(this);
  readonly #writeFailed: (error: unknown) => void = this.#writeError.bind(this);

  /** One write took everything (the usual case), or the rest follows. */
  #writeLanded(n: number): Promise<void> | void {
    if (n === this.#outLength) return this.#writeDone();
    if (n === 0) {
      return this.#writeFailed(
        new Deno.errors.WriteZero(`Writer accepted 0 of ${this.#outLength} remaining bytes`),
      );
    }
    return this.#writeRest(n);
  }

  /** A short write: the rest follows. Apart, see `FrameReader.#wait`. */
  #writeRest(n: number): Promise<void> {
    return writeAll(this.#writer, this.#out!.bytes().subarray(n)).then(
      () => this.#writeDone(),
      this.#writeFailed,
    );
  }

  #writeDone(): void {
    const report = this.#report; // (settling may start the next write)
    this.#written += this.#outLength;
    this.#settle(this.#out!);
    if (report) this.#throwIfFailed(); // aborted meanwhile
  }

  #writeError(error: unknown): void {
    const report = this.#report;
    this.fail(error);
    this.#settle(this.#out!);
    if (report) this.#throwIfFailed(); // the first failure, as later calls see it
  }

  #settle(out: ByteBuffer): void {
    out.clear();
    this.#out = undefined;
    this.#writing = undefined;
    // A small buffer goes back to the pool (see `SMALL_WRITE_BUFFER`); a
    // burst's (over `#keep`) is let go. One between the two is kept: as the
    // buffer to encode into when nothing was encoded meanwhile, else for the
    // next write.
    const capacity = out.capacity;
    if (capacity <= SMALL_WRITE_BUFFER) {
      if (writeBufferPool.length < WRITE_BUFFER_POOL_SIZE) writeBufferPool.push(out);
    } else if (capacity <= this.#keep) {
      if (this.#buf === undefined) this.#buf = out;
      else this.#spare = out;
    }
    if (this.#pumping) {
      this.#pumping = false;
      // What was fed meanwhile waits for its flush when one is deferred (the
      // reader is in a burst): writing it now would split the burst's
      // replies into a write per reply, and the peer's next burst into a
      // read per frame.
      if (!this.#deferred) this.kick();
    }
  }
}
