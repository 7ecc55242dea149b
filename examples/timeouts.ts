/**
 * Bounding work in time with weir's `timeout` (Tokio's `tokio::time::timeout`),
 * in four shapes from the seed, with the seed's seconds scaled to `--unit`
 * milliseconds:
 *
 * 1. Basic: a 10-unit operation under a 5-unit timeout rejects with a
 *    `DOMException` named `TimeoutError`, and the operation's `AbortSignal`
 *    fires, so it stops instead of running on unobserved (where Tokio
 *    drops the future).
 * 2. Fallback: the primary source (5 units) misses its 2-unit budget, the
 *    fallback (0.5 units) answers.
 * 3. Collective: one 5-unit timeout around three 1-unit tasks run at once
 *    with `join` (Tokio's `join!`).
 * 4. Individual: each task gets its own limit (1, 2 and 3 units) for 1.5
 *    units of work: the first times out, the others finish.
 *
 * ```sh
 * deno run examples/timeouts.ts [--unit 100]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "@weir/weir/sync";
import { sleep, systemClock, timeout } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What {@linkcode main} observed. */
export interface TimeoutsResult {
  /** Whether the timed-out operation saw its signal abort. */
  basicAborted: boolean;
  fallback: string;
  collective: string[];
  /** Per task: its result or `"timed out"`. */
  individual: string[];
}

const isTimeout = (error: unknown) =>
  error instanceof DOMException && error.name === "TimeoutError";

/** Runs the four parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<TimeoutsResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: { unit: { type: "string", default: "100" } },
  });
  const unit = integerFlag("unit", values.unit, 2);
  const start = clock.now();
  const print = (line: string) => log(`[${Math.round(clock.now() - start)} ms] ${line}`);
  const work = async (units: number, result: string, signal: AbortSignal) => {
    await sleep(units * unit, { signal, clock });
    return result;
  };

  // 1. basic
  let basicAborted = false;
  try {
    await timeout(5 * unit, (signal) => {
      signal.addEventListener("abort", () => basicAborted = true);
      return work(10, "Done", signal);
    }, { clock });
  } catch (error) {
    if (!isTimeout(error)) throw error;
    print(`Operation timed out (${(error as Error).message}); its signal aborted: ${basicAborted}`);
  }

  // 2. fallback
  let fallback: string;
  try {
    fallback = await timeout(2 * unit, (signal) => work(5, "Primary data", signal), { clock });
  } catch (error) {
    if (!isTimeout(error)) throw error;
    print("Primary failed, trying fallback");
    fallback = await timeout(2 * unit, (signal) => work(0.5, "Fallback data", signal), { clock });
  }
  print(`got: ${fallback}`);

  // 3. one timeout for all three
  const collective = await timeout(
    5 * unit,
    // join (Tokio's join!) waits for all three; if one failed it would still
    // let the others settle before rejecting, leaving nothing running.
    (signal) => join(...[1, 2, 3].map((id) => () => work(1, `Task ${id} completed`, signal))),
    { clock },
  );
  print(`collective: ${collective.join(", ")}`);

  // 4. a timeout each
  const individual = await Promise.all([1, 2, 3].map(async (id) => {
    try {
      return await timeout(id * unit, (signal) => work(1.5, `Task ${id} completed`, signal), {
        clock,
      });
    } catch (error) {
      if (!isTimeout(error)) throw error;
      return "timed out";
    }
  }));
  print(`individual: ${individual.join(", ")}`);
  return { basicAborted, fallback, collective, individual };
}

if (import.meta.main) await main(Deno.args);
