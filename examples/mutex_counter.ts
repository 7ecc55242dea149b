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
 * Last, the seed's deadlock: task 1 locks A then B, task 2 locks B then A.
 * weir has no deadlock detection (take locks in one fixed order), but every
 * `lock()` takes a signal, so task 2 bounds its wait for A with
 * `timeout(--lock-timeout, (signal) => a.lock({ signal }))`, gives up,
 * releases B, and task 1 completes. An aborted `lock()` holds nothing.
 *
 * ```sh
 * deno run examples/mutex_counter.ts [--tasks 10] [--lock-timeout 100]
 * ```
 *
 * Prints `without a lock: Counter: 1`, `with Mutex: Counter: 10`, the
 * order in which the tasks held the lock, then
 * `Task 2 timed out, releasing locks` and `Task 1 got both locks`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Mutex } from "@weir/weir/sync";
import { sleep, timeout } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What {@linkcode main} found. */
export interface MutexCounterResult {
  /** The counter after the unlocked run. */
  unlocked: number;
  /** The counter after the run under the mutex. */
  locked: number;
  /** Task ids in the order they held the lock. */
  order: number[];
  /** Part 3: which task finished with both locks, which gave up. */
  deadlock: { completed: number[]; gaveUp: number[] };
}

/** Stands for any async step inside the critical section. */
const roundTrip = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Runs both counters (see the module doc). */
export async function main(args: string[], options: RunOptions = {}): Promise<MutexCounterResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      tasks: { type: "string", default: "10" },
      "lock-timeout": { type: "string", default: "100" },
    },
  });
  const tasks = integerFlag("tasks", values.tasks, 1);
  const lockTimeout = integerFlag("lock-timeout", values["lock-timeout"], 1);
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
  const locked = counter.tryLock()!.value;
  log(`with Mutex: Counter: ${locked}`);
  log(`lock order: ${order.join(", ")}`);

  // Two locks, taken in opposite orders.
  const a = new Mutex("A");
  const b = new Mutex("B");
  const deadlock = { completed: [] as number[], gaveUp: [] as number[] };
  const lockBoth = async (
    id: number,
    first: Mutex<string>,
    second: Mutex<string>,
    bounded: boolean,
  ) => {
    using _first = await first.lock();
    await sleep(10); // the other task takes its first lock meanwhile
    try {
      using _second = bounded
        ? await timeout(lockTimeout, (signal) => second.lock({ signal }))
        : await second.lock();
      deadlock.completed.push(id);
      log(`Task ${id} got both locks`);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
      deadlock.gaveUp.push(id);
      log(`Task ${id} timed out, releasing locks`);
    }
  };
  await Promise.all([lockBoth(1, a, b, false), lockBoth(2, b, a, true)]);
  return { unlocked: plain, locked, order, deadlock };
}

if (import.meta.main) await main(Deno.args);
