/**
 * Limiting concurrency with weir's `Semaphore` (Tokio's `Semaphore`):
 * `--tasks` tasks each need `--work` ms of a resource that at most
 * `--permits` may use at once (API calls, downloads, database
 * connections). Each task holds a permit while it works
 * (`using permit = await semaphore.acquire()`, released at the end of its
 * scope); the rest wait, first come first served.
 *
 * Then `tryAcquire()` while every permit is taken returns `undefined`
 * instead of waiting, and `permit.forget()` gives a permit up for good:
 * unlike `release()`, it lowers the semaphore's capacity permanently (the
 * seed's docs say it "releases early"; it does not).
 *
 * ```sh
 * deno run examples/semaphore.ts [--permits 2] [--tasks 5] [--work 100]
 * ```
 *
 * Prints a timeline: `[0 ms] Task 1 started`, `[0 ms] Task 2 started`,
 * `[100 ms] Task 1 finished`, `[100 ms] Task 3 started`, ..., then
 * `5 tasks in 300 ms, at most 2 at once`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Semaphore } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What {@linkcode main} observed. */
export interface SemaphoreResult {
  /** Task numbers in the order they got a permit. */
  started: number[];
  /** The most tasks working at once. */
  peak: number;
  /** Milliseconds until every task had finished. */
  elapsed: number;
  /** Whether `tryAcquire()` came back empty while all permits were held. */
  tryAcquireEmpty: boolean;
  /** Permits available after one was forgotten and the other released. */
  availableAfterForget: number;
}

/** Runs the tasks, then shows `tryAcquire` and `forget`. */
export async function main(args: string[], options: RunOptions = {}): Promise<SemaphoreResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      permits: { type: "string", default: "2" },
      tasks: { type: "string", default: "5" },
      work: { type: "string", default: "100" },
    },
  });
  const permits = integerFlag("permits", values.permits, 1);
  const tasks = integerFlag("tasks", values.tasks, 0);
  const work = integerFlag("work", values.work, 0);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  const semaphore = new Semaphore(permits);
  const started: number[] = [];
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: tasks }, async (_, i) => {
    using _permit = await semaphore.acquire();
    started.push(i + 1);
    peak = Math.max(peak, ++running);
    print(`Task ${i + 1} started`);
    await sleep(work, { clock });
    print(`Task ${i + 1} finished`);
    running--;
  }));
  const done = elapsed();
  log(`${tasks} tasks in ${done} ms, at most ${peak} at once`);

  const held = await Promise.all(Array.from({ length: permits }, () => semaphore.acquire()));
  const tryAcquireEmpty = semaphore.tryAcquire() === undefined;
  log(
    `all ${permits} permits held: tryAcquire() ${
      tryAcquireEmpty ? "returned undefined" : "got one"
    }`,
  );
  held[0]!.forget();
  for (const permit of held.slice(1)) permit.release();
  const availableAfterForget = semaphore.available;
  log(`after forget() of one permit and release() of the rest: ${availableAfterForget} available`);
  return { started, peak, elapsed: done, tryAcquireEmpty, availableAfterForget };
}

if (import.meta.main) await main(Deno.args);
