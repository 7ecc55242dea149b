/**
 * Signalling between tasks with weir's `Notify` (Tokio's `Notify`), in
 * three parts:
 *
 * 1. A waiter awaits `notified()`; a notifier calls `notifyOne()` after
 *    `--delay` ms and wakes it.
 * 2. `notifyOne()` with nobody waiting stores a permit, and permits do not
 *    add up: after two `notifyOne()` calls the next `notified()` returns at
 *    once, and the one after it waits (here until a `--delay` timeout wins
 *    a `select`).
 * 3. `notifyWaiters()` wakes every task waiting now and stores nothing: a
 *    `notified()` that starts afterwards waits.
 *
 * ```sh
 * deno run examples/notify.ts [--delay 100] [--waiters 3]
 * ```
 *
 * Prints a timeline: `[0 ms] Waiting for notification...`,
 * `[100 ms] Sending notification`, `[100 ms] Received notification!`, ...
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Notify, select } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What {@linkcode main} observed. */
export interface NotifyResult {
  /** Milliseconds from the start until the first waiter woke. */
  receivedAt: number;
  /** Whether the wait right after two `notifyOne()`s found the stored permit. */
  permitUsed: boolean;
  /** Whether the following wait was still waiting when the timeout won. */
  secondPermitMissing: boolean;
  /** How many waiters `notifyWaiters()` woke. */
  woken: number;
  /** Whether a wait started after `notifyWaiters()` was still waiting at the timeout. */
  laterWaitBlocked: boolean;
}

/** Runs the three parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<NotifyResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      delay: { type: "string", default: "100" },
      waiters: { type: "string", default: "3" },
    },
  });
  const delay = integerFlag("delay", values.delay, 1);
  const waiters = integerFlag("waiters", values.waiters, 1);
  const start = clock.now();
  const print = (line: string) => log(`[${Math.round(clock.now() - start)} ms] ${line}`);
  /** Waits for a notification for at most `delay` ms; true if notified. */
  const notifiedWithin = async (notify: Notify) => {
    const won = await select([
      (signal) => notify.notified({ signal }),
      (signal) => sleep(delay, { signal, clock }),
    ], { biased: true });
    return won.index === 0;
  };

  // 1. wake a waiting task
  const notify = new Notify();
  print("Waiting for notification...");
  const waiter = notify.notified().then(() => {
    print("Received notification!");
    return clock.now() - start;
  });
  await sleep(delay, { clock });
  print("Sending notification");
  notify.notifyOne();
  const receivedAt = await waiter;

  // 2. a stored permit, and only one
  notify.notifyOne();
  notify.notifyOne();
  print("notifyOne() twice with nobody waiting: one permit stored");
  const permitUsed = await notifiedWithin(notify);
  print(`the next notified() ${permitUsed ? "returned at once: it took the permit" : "waited"}`);
  const secondPermitMissing = !(await notifiedWithin(notify));
  print(`the one after it ${secondPermitMissing ? `still waited after ${delay} ms` : "returned"}`);

  // 3. wake everyone waiting now, store nothing
  let woken = 0;
  const all = Array.from({ length: waiters }, (_, i) =>
    notify.notified().then(() => {
      woken++;
      print(`waiter ${i + 1} woken by notifyWaiters()`);
    }));
  notify.notifyWaiters();
  await Promise.all(all);
  const laterWaitBlocked = !(await notifiedWithin(notify));
  print(
    `a notified() after notifyWaiters() ${
      laterWaitBlocked ? `still waited after ${delay} ms` : "returned"
    }`,
  );
  return { receivedAt, permitUsed, secondPermitMissing, woken, laterWaitBlocked };
}

if (import.meta.main) await main(Deno.args);
