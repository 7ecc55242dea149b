import { UnaryStream } from "./_stream.ts";
import { checkFunction, checkSource } from "./_validate.ts";
import type { StreamIterator, StreamOptions, StreamSource } from "./types.ts";

/** A stage replaces the item with its callback's result. */
export const MAP = 0;
/** A stage keeps the item when its callback's result is truthy. */
export const FILTER = 1;
/** A stage replaces the item, or drops it when the result is `undefined`. */
export const FILTER_MAP = 2;
/** A stage keeps the item (the callback only looks). */
export const INSPECT = 3;
/** What a stage does with its callback's result. */
export type StageKind = typeof MAP | typeof FILTER | typeof FILTER_MAP | typeof INSPECT;

/** A per-item callback; a `Promise` result is awaited. */
// deno-lint-ignore no-explicit-any
export type StageFn = (value: any, signal: AbortSignal) => unknown;

interface Stage {
  readonly kind: StageKind;
  readonly fn: StageFn;
}

/** What a composed stage chain returns for an item it drops. */
const SKIP: unique symbol = Symbol("skip");

/** Runs an item through the rest of the stages; may return a promise or `SKIP`. */
type Apply = (value: unknown) => unknown;

/**
 * Composes `stages` into one function, last stage innermost. Synchronous
 * callbacks cost a call each; a `Promise` result continues the chain in
 * `then`, unless the stream closed meanwhile (`signal` aborted).
 */
function compose(stages: readonly Stage[], signal: AbortSignal): Apply {
  let rest: Apply | undefined;
  for (let i = stages.length - 1; i >= 0; i--) {
    const { kind, fn } = stages[i]!;
    const next = rest;
    const go = (value: unknown) => signal.aborted ? SKIP : next === undefined ? value : next(value);
    switch (kind) {
      case MAP:
        rest = (value) => {
          const out = fn(value, signal);
          if (out instanceof Promise) return out.then(go);
          return next === undefined ? out : next(out);
        };
        break;
      case FILTER:
        rest = (value) => {
          const out = fn(value, signal);
          if (out instanceof Promise) return out.then((keep) => keep ? go(value) : SKIP);
          if (!out) return SKIP;
          return next === undefined ? value : next(value);
        };
        break;
      case FILTER_MAP:
        rest = (value) => {
          const out = fn(value, signal);
          if (out instanceof Promise) return out.then((v) => v === undefined ? SKIP : go(v));
          if (out === undefined) return SKIP;
          return next === undefined ? out : next(out);
        };
        break;
      case INSPECT:
        rest = (value) => {
          const out = fn(value, signal);
          if (out instanceof Promise) return out.then(() => go(value));
          return next === undefined ? value : next(value);
        };
    }
  }
  return rest!;
}

/**
 * `map`, `filter`, `filterMap` and `inspect` in one stream. Stacking them on
 * a stream that has not started fuses the stages into one pull loop: one
 * promise hop per item whatever the number of stages.
 */
class Transform<T, U> extends UnaryStream<T, U> {
  readonly #stages: readonly Stage[];
  #apply: Apply | undefined;

  constructor(source: StreamSource<T>, stages: readonly Stage[], signal: AbortSignal | undefined) {
    super(source, signal);
    this.#stages = stages;
  }

  /** Adds a stage: a new fused stream when possible, else a stream over this one. */
  static add<T, U>(
    source: StreamSource<T>,
    stage: Stage,
    signal: AbortSignal | undefined,
  ): StreamIterator<U> {
    if (
      source instanceof Transform && source.fresh &&
      (signal === undefined || source.optionSignal === undefined)
    ) {
      return new Transform(
        source.origin,
        [...source.#stages, stage],
        signal ?? source.optionSignal,
      );
    }
    return new Transform(source, [stage], signal);
  }

  protected override start(): void {
    super.start();
    this.#apply = compose(this.#stages, this.taskSignal);
  }

  protected async pull(): Promise<IteratorResult<U, undefined>> {
    const source = this.source;
    const apply = this.#apply!;
    try {
      for (;;) {
        const result = await source.next();
        if (this.closed) return this.finish();
        if (result.done) return this.exhausted();
        let value = apply(result.value);
        if (value instanceof Promise) {
          value = await value;
          if (this.closed) return this.finish();
        }
        if (value !== SKIP) return this.emit(value as U);
      }
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/** Validates the arguments and adds a stage to `source`. */
export function transform<T, U>(
  source: StreamSource<T>,
  kind: StageKind,
  fn: StageFn,
  options: StreamOptions | undefined,
): StreamIterator<U> {
  checkSource("source", source);
  checkFunction("fn", fn);
  return Transform.add(source, { kind, fn }, options?.signal);
}

/** Pulls `it` to the end. */
export async function drain(it: StreamIterator<unknown>): Promise<void> {
  while (!(await it.next()).done);
}
