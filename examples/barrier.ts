/**
 * A meeting point with weir's `Barrier` (Tokio's `Barrier`): `--tasks`
 * tasks do setup work of different lengths (task `i` takes `i * --step`
 * ms), then wait at the barrier; nobody proceeds before all have arrived,
 * and then all proceed together. The last task to arrive is the
 * generation's leader (exactly one per generation). The barrier is reused
 * for `--rounds` rounds.
 *
 * ```sh
 * deno run examples/barrier.ts [--tasks 3] [--step 50] [--rounds 2]
 * ```
 *
 * Prints a timeline: `[0 ms] round 1: task 0 doing setup`, ...,
 * `[100 ms] round 1: task 2 proceeding (leader)`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Barrier } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** One task passing the barrier. */
export interface Passage {
  round: number;
  task: number;
  /** Milliseconds since the start. */
  at: number;
  isLeader: boolean;
}

/** Runs the rounds; resolves every passage in the order they happened. */
export async function main(args: string[], options: RunOptions = {}): Promise<Passage[]> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      tasks: { type: "string", default: "3" },
      step: { type: "string", default: "50" },
      rounds: { type: "string", default: "2" },
    },
  });
  const tasks = integerFlag("tasks", values.tasks, 1);
  const step = integerFlag("step", values.step, 0);
  const rounds = integerFlag("rounds", values.rounds, 1);
  const start = clock.now();
  const print = (line: string) => log(`[${Math.round(clock.now() - start)} ms] ${line}`);

  const barrier = new Barrier(tasks);
  const passages: Passage[] = [];
  const task = async (id: number) => {
    for (let round = 1; round <= rounds; round++) {
      print(`round ${round}: task ${id} doing setup`);
      await sleep(id * step, { clock });
      const { isLeader } = await barrier.wait();
      passages.push({ round, task: id, at: clock.now() - start, isLeader });
      print(`round ${round}: task ${id} proceeding${isLeader ? " (leader)" : ""}`);
    }
  };
  await Promise.all(Array.from({ length: tasks }, (_, id) => task(id)));
  return passages;
}

if (import.meta.main) await main(Deno.args);
