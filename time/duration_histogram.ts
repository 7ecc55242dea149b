/**
 * Bucket upper bounds, in milliseconds, of a {@linkcode DurationHistogram}
 * made without its own: 1 ms to 10 s, roughly 1-2.5-5 per decade (the
 * OpenTelemetry default bounds for a duration, scaled to milliseconds).
 */
export const DEFAULT_DURATION_BOUNDS: readonly number[] = Object.freeze([
  1,
  2.5,
  5,
  10,
  25,
  50,
  75,
  100,
  250,
  500,
  750,
  1_000,
  2_500,
  5_000,
  7_500,
  10_000,
]);

/**
 * Counts durations (milliseconds) into fixed buckets, as an OpenTelemetry
 * explicit-bucket histogram does: bucket `i` holds the durations above
 * `bounds[i - 1]` and at most `bounds[i]`; the last bucket holds those
 * above the last bound. Keeps the count, sum, minimum and maximum too.
 * Readable at any time, with or without an exporter.
 *
 * @example Usage
 * ```ts
 * import { DurationHistogram } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const waits = new DurationHistogram([10, 100]);
 * waits.record(4);
 * waits.record(10);
 * waits.record(250);
 * assert.deepEqual(waits.counts, [2, 0, 1]);
 * assert.equal(waits.count, 3);
 * assert.equal(waits.sum, 264);
 * assert.equal(waits.max, 250);
 * ```
 */
export class DurationHistogram {
  #bounds: readonly number[];
  #counts: number[];
  #count = 0;
  #sum = 0;
  #min: number | undefined;
  #max: number | undefined;

  /**
   * Makes an empty histogram.
   *
   * @param bounds Bucket upper bounds in milliseconds, strictly ascending,
   * finite and non-negative.
   * @throws {RangeError} When a bound is negative, not finite, or not
   * above the one before.
   *
   * @example Usage
   * ```ts
   * import { DEFAULT_DURATION_BOUNDS, DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram();
   * assert.deepEqual(h.bounds, DEFAULT_DURATION_BOUNDS);
   * assert.throws(() => new DurationHistogram([5, 1]), RangeError);
   * ```
   */
  constructor(bounds: readonly number[] = DEFAULT_DURATION_BOUNDS) {
    for (let i = 0; i < bounds.length; i++) {
      const bound = bounds[i]!;
      if (!(bound >= 0 && bound < Infinity) || (i > 0 && !(bound > bounds[i - 1]!))) {
        throw new RangeError(
          `'bounds' must be ascending finite non-negative milliseconds: received ${
            JSON.stringify(bounds)
          }`,
        );
      }
    }
    this.#bounds = Object.freeze([...bounds]);
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /**
   * Counts one duration.
   *
   * @param ms The duration in milliseconds.
   * @throws {RangeError} When `ms` is negative or NaN.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram([1]);
   * h.record(0.5);
   * assert.deepEqual(h.counts, [1, 0]);
   * ```
   */
  record(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`'ms' must be a non-negative number of milliseconds: received ${ms}`);
    }
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && ms > bounds[i]!) i++;
    this.#counts[i]!++;
    this.#count++;
    this.#sum += ms;
    if (this.#min === undefined || ms < this.#min) this.#min = ms;
    if (this.#max === undefined || ms > this.#max) this.#max = ms;
  }

  /**
   * The bucket upper bounds, in milliseconds.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new DurationHistogram([5, 50]).bounds, [5, 50]);
   * ```
   */
  get bounds(): readonly number[] {
    return this.#bounds;
  }

  /**
   * How many durations fell in each bucket: one more entry than
   * {@linkcode DurationHistogram.prototype.bounds}. A copy.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram([5, 50]);
   * h.record(60);
   * assert.deepEqual(h.counts, [0, 0, 1]);
   * ```
   */
  get counts(): readonly number[] {
    return [...this.#counts];
  }

  /**
   * How many durations were recorded.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram();
   * h.record(3);
   * assert.equal(h.count, 1);
   * ```
   */
  get count(): number {
    return this.#count;
  }

  /**
   * The sum of the recorded durations, in milliseconds.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram();
   * h.record(3);
   * h.record(4);
   * assert.equal(h.sum, 7);
   * ```
   */
  get sum(): number {
    return this.#sum;
  }

  /**
   * The shortest recorded duration; `undefined` before the first.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram();
   * assert.equal(h.min, undefined);
   * h.record(3);
   * h.record(1);
   * assert.equal(h.min, 1);
   * ```
   */
  get min(): number | undefined {
    return this.#min;
  }

  /**
   * The longest recorded duration; `undefined` before the first.
   *
   * @example Usage
   * ```ts
   * import { DurationHistogram } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const h = new DurationHistogram();
   * h.record(3);
   * h.record(1);
   * assert.equal(h.max, 3);
   * ```
   */
  get max(): number | undefined {
    return this.#max;
  }
}
