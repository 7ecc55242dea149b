/**
 * One deadline shared by several operations, with weir's `timeoutAt`
 * (Tokio's `timeout_at`): instead of giving each operation its own
 * duration, compute the absolute deadline once (`clock.now() + budget`)
 * and bound every operation by it, so the time spent on one is no longer
 * available to the next.
 *
 * 1. Concurrent (the seed's `deadline_based_processing`): items 1, 2 and 3
 *    take 1, 2 and 3 `--step`s; all must finish by `--deadline` ms. Those
 *    that cannot are cut off at the deadline, their signals aborted.
 * 2. Sequential: three operations of one `--step` each run one after the
 *    other under a single fresh deadline; each starts with what the
 *    previous ones left of the budget, and the last runs out of time.
 *
 * ```sh
 * deno run examples/deadline.ts [--deadline 500] [--step 200]
 * ```
 *
 * Prints `[200 ms] item 1 succeeded: Item 1 processed`, ...,
 * `[500 ms] item 3 failed: deadline exceeded`, then
 * `[500 ms] step 1 starts with 500 ms left`, ...,
 * `[1000 ms] step 3 failed: deadline exceeded`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { sleep, systemClock, timeoutAt } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** One operation's outcome. */
export interface Outcome {
  ok: boolean;
  /** Milliseconds from the start until it settled. */
  at: number;
}

/** Every operation's outcome. */
export interface DeadlineResult {
  concurrent: Outcome[];
  sequential: Outcome[];
}

/** Runs both parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<DeadlineResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      deadline: { type: "string", default: "500" },
      step: { type: "string", default: "200" },
    },
  });
  const budget = integerFlag("deadline", values.deadline, 1);
  const step = integerFlag("step", values.step, 1);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  /** Runs one operation of `ms` under `deadline`, reporting how it went. */
  const attempt = async (name: string, ms: number, deadline: number): Promise<Outcome> => {
    try {
      const done = await timeoutAt(deadline, async (signal) => {
        await sleep(ms, { signal, clock });
        return `${name} processed`;
      }, { clock });
      print(`${name.toLowerCase()} succeeded: ${done}`);
      return { ok: true, at: elapsed() };
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
      print(`${name.toLowerCase()} failed: deadline exceeded`);
      return { ok: false, at: elapsed() };
    }
  };

  const together = clock.now() + budget;
  print(`items 1-3 started, all due in ${budget} ms`);
  const concurrent = await Promise.all(
    [1, 2, 3].map((id) => attempt(`Item ${id}`, id * step, together)),
  );

  const sequential: Outcome[] = [];
  const inTurn = clock.now() + budget;
  for (const id of [1, 2, 3]) {
    print(`step ${id} starts with ${Math.round(inTurn - clock.now())} ms left`);
    sequential.push(await attempt(`Step ${id}`, step, inTurn));
  }
  return { concurrent, sequential };
}

if (import.meta.main) await main(Deno.args);
