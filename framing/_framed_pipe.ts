// `pipeTo` from a framer's `readable` into a framer's `writable` (the same
// connection or another one) moves frames from engine to engine as a feed
// loop does: `tryNext`, then `tryFeed`, waiting only when the source must
// read or the destination is full. The Web Streams machinery costs more
// per frame than the framing itself (a read request, a write request and
// their promises), and both streams are weir's own here, so the pipe keeps
// `pipeTo`'s contract without it: both streams locked while it runs, the
// stream's already queued frames first, then source end closes the
// destination, a source error aborts it, a destination error cancels the
// source, and `signal` aborts both, each unless its `prevent*` option says
// otherwise. Any other destination gets the standard `pipeTo`.

/** A framed reader as a pipe source. */
export interface PipeSource<T> {
  tryNext(): IteratorResult<T, undefined> | undefined;
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>>;
  /** Frames wait in the stream's own queue: the pipe reads them through the stream first. */
  readonly streamQueued: boolean;
  /** The stream was closed or errored: the standard `pipeTo` reports that. */
  readonly streamSettled: boolean;
  /** An error met while filling the stream's queue, not yet reported. */
  takeStreamError(): { value: unknown } | undefined;
  /** Errors the stream itself: the source failed while piped. */
  errorStream(error: unknown): void;
}

/** A framed writer as a pipe destination: what its `writable`'s sink does, per item. */
export interface PipeTarget<T> {
  tryFeed(item: T): boolean;
  feed(item: T, options?: { signal: AbortSignal }): Promise<void>;
  /** Calls `listener` if the write side fails; returns the undo. */
  onFail(listener: (error: unknown) => void): () => void;
}

/** The framers' writables, with what their sinks feed. */
// deno-lint-ignore no-explicit-any
export const pipeTargets: WeakMap<WritableStream<any>, PipeTarget<any>> = new WeakMap();

/** A framer's `readable`: a `ReadableStream` whose `pipeTo` into a framer skips the stream machinery. */
export class FramesStream<T> extends ReadableStream<T> {
  readonly #source: PipeSource<T>;

  constructor(source: PipeSource<T>, underlying: UnderlyingDefaultSource<T>) {
    super(underlying, { highWaterMark: 0 });
    this.#source = source;
  }

  override pipeTo(destination: WritableStream<T>, options: StreamPipeOptions = {}): Promise<void> {
    const target = pipeTargets.get(destination) as PipeTarget<T> | undefined;
    const signal = options?.signal;
    if (
      target === undefined || this.locked || destination.locked || this.#source.streamSettled ||
      (signal !== undefined && !(signal instanceof AbortSignal))
    ) return super.pipeTo(destination, options);
    return pipe(this, this.#source, destination, target, options ?? {});
  }
}

/** Why a pipe stopped early. */
interface Halt {
  from: "source" | "destination" | "signal";
  reason: unknown;
}

async function pipe<T>(
  stream: ReadableStream<T>,
  source: PipeSource<T>,
  destination: WritableStream<T>,
  target: PipeTarget<T>,
  options: StreamPipeOptions,
): Promise<void> {
  const { preventClose = false, preventAbort = false, preventCancel = false, signal } = options;
  const reader = stream.getReader();
  const writer = destination.getWriter();
  // One controller ends whatever the pipe waits on, when the caller's
  // signal aborts or the destination fails meanwhile; its reason is the
  // `Halt` itself, so a wait it ended is told from a failure.
  const stop = new AbortController();
  let halted: Halt | undefined;
  const halt = (why: Halt) => {
    if (halted !== undefined) return;
    halted = why;
    stop.abort(why);
  };
  const onAbort = () => halt({ from: "signal", reason: signal!.reason });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  // Waits on the source take `stop`'s signal only when they must: an
  // abort listener per wait costs more than a frame. Otherwise a
  // destination failure ends the wait by cancelling the source, as the
  // pipe then does anyway.
  const interruptible = signal !== undefined || preventCancel;
  const waitSignal = interruptible ? stop.signal : undefined;
  const undoFail = target.onFail((error) => {
    halt({ from: "destination", reason: error });
    if (!interruptible) reader.cancel(error).catch(() => {});
  });
  const why = (error: unknown, from: Halt["from"]): Halt =>
    halted !== undefined && error === halted ? halted : { from, reason: error };
  let failure: Halt | undefined;
  /** The frames queued in the stream before the pipe were taken: no more queue checks per frame. */
  let drained = false;
  try {
    try {
      await writer.ready; // writes queued on the stream before the pipe go first
    } catch (error) {
      failure = why(error, "destination");
    }
    while (failure === undefined) {
      if (halted !== undefined) {
        failure = halted;
        break;
      }
      let result: IteratorResult<T, undefined>;
      try {
        if (drained) result = source.tryNext() ?? await source.next(waitSignal);
        else if (source.streamQueued) {
          result = await reader.read() as IteratorResult<T, undefined>;
        } else {
          // The stream's queue is empty, and stays so: only a read through
          // the stream (the pipe holds its only reader) fills it.
          drained = true;
          const queuedError = source.takeStreamError();
          if (queuedError !== undefined) throw queuedError.value;
          result = source.tryNext() ?? await source.next(waitSignal);
        }
      } catch (error) {
        failure = why(error, "source");
        break;
      }
      if (halted !== undefined) {
        failure = halted;
        break;
      }
      if (result.done) break;
      try {
        if (!target.tryFeed(result.value)) await target.feed(result.value, { signal: stop.signal });
      } catch (error) {
        failure = why(error, "destination");
        // Aborted while waiting for room: as with the standard pipe, the
        // frame goes to the destination unless the destination is aborted
        // (which drops what is queued), so wait for room after all.
        if (failure.from === "signal" && preventAbort) {
          await target.feed(result.value).catch(() => {});
        }
        break;
      }
    }
    if (failure === undefined) {
      if (!preventClose) await writer.close();
      return;
    }
    const { from, reason } = failure;
    const actions: Promise<unknown>[] = [];
    if (from === "source") {
      source.errorStream(reason);
      if (!preventAbort) actions.push(writer.abort(reason));
    } else if (from === "destination") {
      // The writable reflects the failure, as a failed piped write would leave it.
      actions.push(writer.abort(reason));
      if (!preventCancel) actions.push(reader.cancel(reason));
    } else {
      if (!preventAbort) actions.push(writer.abort(reason));
      if (!preventCancel) actions.push(reader.cancel(reason));
    }
    await Promise.allSettled(actions);
    throw reason;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    undoFail();
    reader.releaseLock();
    writer.releaseLock();
  }
}
