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

/** What `relay` shares with `pipe`. */
interface PipeRun<T> {
  /** Set when the caller's signal aborts or the destination fails. */
  halted: Halt | undefined;
  /** The frames queued in the stream before the pipe were taken: no more queue checks per frame. */
  drained: boolean;
  readonly reader: ReadableStreamDefaultReader<T>;
  /** Ends a wait on the source, when the pipe must be interruptible. */
  readonly waitSignal: AbortSignal | undefined;
  /** Ends a wait for room in the destination. */
  readonly stopSignal: AbortSignal;
  readonly preventAbort: boolean;
}

/** The halt `error` stands for: the one that ended a wait, or a new failure from `from`. */
function haltFor<T>(run: PipeRun<T>, error: unknown, from: Halt["from"]): Halt {
  const halted = run.halted;
  return halted !== undefined && error === halted ? halted : { from, reason: error };
}

/** The next frame while the stream's own queue may still hold some (read through the stream first). */
function nextQueued<T>(
  source: PipeSource<T>,
  run: PipeRun<T>,
): Promise<IteratorResult<T, undefined>> {
  if (source.streamQueued) return run.reader.read() as Promise<IteratorResult<T, undefined>>;
  // The stream's queue is empty, and stays so: only a read through the
  // stream (the pipe holds its only reader) fills it.
  run.drained = true;
  const queuedError = source.takeStreamError();
  if (queuedError !== undefined) return Promise.reject(queuedError.value);
  const result = source.tryNext();
  return result !== undefined ? Promise.resolve(result) : source.next(run.waitSignal);
}

/**
 * Moves frames until the source ends (`undefined`) or something fails.
 * Apart from `pipe`'s setup and with few locals: each `await` in an async
 * function saves and restores all its live locals, once per frame here.
 */
async function relay<T>(
  source: PipeSource<T>,
  target: PipeTarget<T>,
  run: PipeRun<T>,
): Promise<Halt | undefined> {
  for (;;) {
    if (run.halted !== undefined) return run.halted;
    let result: IteratorResult<T, undefined>;
    try {
      result = run.drained
        ? source.tryNext() ?? await source.next(run.waitSignal)
        : await nextQueued(source, run);
    } catch (error) {
      return haltFor(run, error, "source");
    }
    if (run.halted !== undefined) return run.halted;
    if (result.done) return undefined;
    try {
      if (!target.tryFeed(result.value)) {
        await target.feed(result.value, { signal: run.stopSignal });
      }
    } catch (error) {
      const failure = haltFor(run, error, "destination");
      // Aborted while waiting for room: as with the standard pipe, the
      // frame goes to the destination unless the destination is aborted
      // (which drops what is queued), so wait for room after all.
      if (failure.from === "signal" && run.preventAbort) {
        await target.feed(result.value).catch(() => {});
      }
      return failure;
    }
  }
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
  // Waits on the source take `stop`'s signal only when they must: an
  // abort listener per wait costs more than a frame. Otherwise a
  // destination failure ends the wait by cancelling the source, as the
  // pipe then does anyway.
  const interruptible = signal !== undefined || preventCancel;
  const run: PipeRun<T> = {
    halted: undefined,
    drained: false,
    reader,
    waitSignal: interruptible ? stop.signal : undefined,
    stopSignal: stop.signal,
    preventAbort,
  };
  const halt = (why: Halt) => {
    if (run.halted !== undefined) return;
    run.halted = why;
    stop.abort(why);
  };
  const onAbort = () => halt({ from: "signal", reason: signal!.reason });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const undoFail = target.onFail((error) => {
    halt({ from: "destination", reason: error });
    if (!interruptible) reader.cancel(error).catch(() => {});
  });
  let failure: Halt | undefined;
  try {
    try {
      await writer.ready; // writes queued on the stream before the pipe go first
    } catch (error) {
      failure = haltFor(run, error, "destination");
    }
    failure ??= await relay(source, target, run);
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
