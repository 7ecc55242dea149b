/**
 * Shared mutable state behind weir's async `Mutex` (Tokio's
 * `Arc<Mutex<i32>>` counter): `--tasks` tasks each read the counter, await
 * something (a database round trip, say) and write it back plus one.
 *
 * Without a lock every task reads the value before any of them writes, so
 * all but one increment are lost. With `using guard = await counter.lock()`
 * the read-await-write runs as one critical section; the lock is handed out
 * first come, first served and released when `guard` leaves its scope.
 *
 * ```sh
 * deno run examples/mutex_counter.ts [--tasks 10]
 * ```
 *
 * Prints `without a lock: Counter: 1`, `with Mutex: Counter: 10` and the
 * order in which the tasks held the lock.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Mutex } from "@weir/weir/sync";

/** How {@linkcode main} is run: where lines are printed. */
export interface RunOptions {
  log?: (line: string) => void;
}

/** What {@linkcode main} found. */
export interface MutexCounterResult {
  /** The counter after the unlocked run. */
  unlocked: number;
  /** The counter after the run under the mutex. */
  locked: number;
  /** Task ids in the order they held the lock. */
  order: number[];
}

/** Stands for any async step inside the critical section. */
const roundTrip = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Runs both counters (see the module doc). */
export async function main(args: string[], options: RunOptions = {}): Promise<MutexCounterResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: { tasks: { type: "string", default: "10" } },
  });
  const tasks = Number(values.tasks);
  if (!Number.isInteger(tasks) || tasks < 1) {
    throw new RangeError(`--tasks must be an integer >= 1: ${values.tasks}`);
  }
  const ids = Array.from({ length: tasks }, (_, i) => i);

  let plain = 0;
  await Promise.all(ids.map(async () => {
    const seen = plain;
    await roundTrip(); // every other task reads `plain` meanwhile
    plain = seen + 1;
  }));
  log(`without a lock: Counter: ${plain}`);

  const counter = new Mutex(0);
  const order: number[] = [];
  await Promise.all(ids.map(async (id) => {
    using guard = await counter.lock();
    order.push(id);
    const seen = guard.value;
    await roundTrip(); // the others wait for the lock
    guard.value = seen + 1;
  }));
  using guard = await counter.lock();
  log(`with Mutex: Counter: ${guard.value}`);
  log(`lock order: ${order.join(", ")}`);
  return { unlocked: plain, locked: guard.value, order };
}

if (import.meta.main) await main(Deno.args);
