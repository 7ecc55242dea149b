/**
 * Bounded concurrency over a stream (futures' `buffer_unordered` and
 * `buffered`): items 1..N each need an async lookup taking the time given
 * by `--durations`; the lookup doubles the item. Three ways to run them:
 *
 * 1. `bufferUnordered(items, n, fn)`: up to `--concurrency` lookups at once,
 *    results in completion order, so a slow item does not hold back the
 *    fast ones.
 * 2. `buffered(items, n, fn)`: the same bound, results in input order.
 * 3. `buffered(items, 1, fn)`: one at a time (what `then` does), the sum of
 *    all durations.
 *
 * Never more than `n` lookups run at once: that bound is the backpressure.
 * Finally, taking only the first 2 results of `bufferUnordered` and
 * leaving aborts the lookups still running (their `signal` fires), so no
 * work outlives its consumer.
 *
 * ```sh
 * deno run examples/buffer_unordered.ts [--concurrency 3] [--durations 300,100,200,100,50]
 * ```
 *
 * Prints `bufferUnordered(3): [4, 6, 8, 10, 2] in 300 ms, at most 3 at once`,
 * `buffered(3): [2, 4, 6, 8, 10] in 400 ms, ...`, `buffered(1): ... in 750 ms`
 * and `took 2 results, aborted 2 lookups still running`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { buffered, bufferUnordered, collect, type StreamIterator, take } from "@weir/weir/streams";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** One way of running the lookups. */
export interface Run {
  results: number[];
  /** Milliseconds the run took. */
  elapsed: number;
  /** The most lookups running at once. */
  peak: number;
}

/** Every run, and the early exit. */
export interface BufferUnorderedResult {
  unordered: Run;
  ordered: Run;
  sequential: Run;
  /** Lookups aborted by leaving after two results. */
  aborted: number;
}

/** Runs the three ways and the early exit (see the module doc). */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<BufferUnorderedResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      concurrency: { type: "string", default: "3" },
      durations: { type: "string", default: "300,100,200,100,50" },
    },
  });
  const n = integerFlag("concurrency", values.concurrency, 1);
  const durations = values.durations.split(",").map(Number);
  if (durations.some((ms) => !Number.isInteger(ms) || ms < 0)) {
    throw new RangeError(
      `--durations must be integers >= 0 separated by commas: ${values.durations}`,
    );
  }
  async function* items(): AsyncGenerator<number> {
    for (let item = 1; item <= durations.length; item++) yield item;
  }

  let running = 0;
  let peak = 0;
  let aborted = 0;
  const lookup = async (item: number, signal: AbortSignal): Promise<number> => {
    peak = Math.max(peak, ++running);
    try {
      await sleep(durations[item - 1]!, { signal, clock });
      return item * 2;
    } catch (error) {
      if (signal.aborted) aborted++;
      throw error;
    } finally {
      running--;
    }
  };
  const measure = async (name: string, stream: StreamIterator<number>): Promise<Run> => {
    peak = 0;
    const start = clock.now();
    const results = await collect(stream);
    const run = { results, elapsed: Math.round(clock.now() - start), peak };
    log(`${name}: [${results.join(", ")}] in ${run.elapsed} ms, at most ${peak} at once`);
    return run;
  };

  const unordered = await measure(`bufferUnordered(${n})`, bufferUnordered(items(), n, lookup));
  const ordered = await measure(`buffered(${n})`, buffered(items(), n, lookup));
  const sequential = await measure("buffered(1)", buffered(items(), 1, lookup));

  const firstTwo = await collect(take(bufferUnordered(items(), n, lookup), 2));
  log(`took ${firstTwo.length} results, aborted ${aborted} lookups still running`);
  return { unordered, ordered, sequential, aborted };
}

if (import.meta.main) await main(Deno.args);
