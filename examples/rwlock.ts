/**
 * Many readers or one writer with weir's `RwLock` (Tokio's `RwLock`), which
 * is fair and write-preferring: a queued writer blocks readers that arrive
 * after it, so a steady stream of readers cannot starve writers.
 *
 * Three readers take read guards at once and hold them for `--hold` ms. A
 * writer asks at 10 ms: it waits for those readers, then appends `4`. Two
 * more readers ask at 20 ms, while the writer is queued: they wait for it
 * and see `[1, 2, 3, 4]`.
 *
 * ```sh
 * deno run examples/rwlock.ts [--hold 100]
 * ```
 *
 * Prints a timeline: `[0 ms] reader 1 sees [1, 2, 3]`, ...,
 * `[100 ms] writer added 4`, `[150 ms] reader 4 sees [1, 2, 3, 4]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { RwLock } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What {@linkcode main} observed. */
export interface RwLockResult {
  /** The most read guards held at the same time. */
  peakReaders: number;
  /** What each reader saw, by reader number. */
  seen: Record<number, number[]>;
}

/** Runs the scenario of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<RwLockResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: { hold: { type: "string", default: "100" } },
  });
  const hold = integerFlag("hold", values.hold, 30);
  const start = clock.now();
  const print = (line: string) => log(`[${Math.round(clock.now() - start)} ms] ${line}`);

  const lock = new RwLock([1, 2, 3]);
  const seen: Record<number, number[]> = {};
  let readers = 0;
  let peakReaders = 0;

  const reader = async (id: number, delay: number) => {
    await sleep(delay, { clock });
    using guard = await lock.read();
    peakReaders = Math.max(peakReaders, ++readers);
    seen[id] = [...guard.value];
    print(`reader ${id} sees [${guard.value.join(", ")}]`);
    await sleep(hold, { clock });
    readers--;
  };
  const writer = async () => {
    await sleep(10, { clock });
    print("writer waits for the readers");
    using guard = await lock.write();
    guard.value.push(4);
    print("writer added 4");
    await sleep(hold / 2, { clock });
  };
  await Promise.all([
    reader(1, 0),
    reader(2, 0),
    reader(3, 0),
    writer(),
    reader(4, 20),
    reader(5, 20),
  ]);
  log(`at most ${peakReaders} readers held the lock at once`);
  return { peakReaders, seen };
}

if (import.meta.main) await main(Deno.args);
