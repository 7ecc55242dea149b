import { Interval, type IntervalOptions } from "../time/interval.ts";
import { BaseStream } from "./_stream.ts";
import type { StreamIterator } from "./types.ts";

class IntervalStream extends BaseStream<number> {
  readonly #interval: Interval;

  constructor(interval: Interval, signal: AbortSignal | undefined) {
    super(signal);
    this.#interval = interval;
  }

  protected async pull(): Promise<IteratorResult<number, undefined>> {
    try {
      const at = await this.#interval.tick({ signal: this.taskSignal });
      return this.emit(at);
    } catch (error) {
      if (this.closed) return this.finish();
      throw this.fail(error);
    }
  }

  protected teardown(): void {}
}

/**
 * The ticks of an `Interval` (from `@weir/weir/time`) as a stream of their
 * scheduled clock times (tokio-stream's `IntervalStream`): the first tick
 * is due when `intervalStream` is called (or at `start`), then one every
 * `periodMs`, with the chosen missed-tick behaviour when the consumer falls
 * behind. It never ends by itself. No timer runs while no `next()` waits;
 * closing the stream cancels the one that does.
 *
 * @param periodMs The period, in milliseconds.
 * @param options The missed-tick behaviour, start time, abort signal and
 * clock.
 * @returns The ticks' scheduled times, in clock milliseconds.
 * @throws {RangeError} If `periodMs` is not a positive finite number or
 * `start` is not finite.
 * @throws {TypeError} If `missedTick` is not `"burst"`, `"delay"` or `"skip"`.
 *
 * @example Usage
 * ```ts
 * import { intervalStream, take, collect } from "@weir/weir/streams";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const ticks = collect(take(intervalStream(100, { clock }), 3));
 * await clock.tick(200);
 * assert.deepEqual(await ticks, [0, 100, 200]);
 * assert.equal(clock.pending, 0);
 * ```
 */
export function intervalStream(
  periodMs: number,
  options: IntervalOptions = {},
): StreamIterator<number> {
  const { signal, ...rest } = options;
  return new IntervalStream(new Interval(periodMs, rest), signal);
}
