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

/**
 * `map`, `filter`, `filterMap` and `inspect` in one stream. Stacking them on
 * a stream that has not started fuses the stages into one pull loop: one
 * promise hop per item whatever the number of stages.
 */
class Transform<T, U> extends UnaryStream<T, U> {
  readonly #stages: readonly Stage[];
  #signal: AbortSignal | undefined;

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
    this.#signal = this.taskSignal;
  }

  protected async pull(): Promise<IteratorResult<U, undefined>> {
    const source = this.source;
    const stages = this.#stages;
    const signal = this.#signal!;
    try {
      item: for (;;) {
        const result = await source.next();
        if (this.closed) return this.finish();
        if (result.done) return this.exhausted();
        let value: unknown = result.value;
        for (let i = 0; i < stages.length; i++) {
          const stage = stages[i]!;
          let out = stage.fn(value, signal);
          if (out instanceof Promise) {
            out = await out;
            if (this.closed) return this.finish();
          }
          switch (stage.kind) {
            case MAP:
              value = out;
              break;
            case FILTER:
              if (!out) continue item;
              break;
            case FILTER_MAP:
              if (out === undefined) continue item;
              value = out;
          }
        }
        return this.emit(value as U);
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
  checkSource(source);
  checkFunction(fn);
  return Transform.add(source, { kind, fn }, options?.signal);
}

/** Pulls `it` to the end. */
export async function drain(it: StreamIterator<unknown>): Promise<void> {
  while (!(await it.next()).done);
}
