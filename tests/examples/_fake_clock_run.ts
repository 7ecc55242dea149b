import { FakeClock } from "@weir/weir/time";

/** An example's `main` as these tests call it. */
export type ClockedMain<R> = (
  args: string[],
  options: { log: (line: string) => void; clock: FakeClock },
) => Promise<R>;

/** What {@linkcode runOnFakeClock} observed. */
export interface ClockedRun<R> {
  /** What `main` resolved. */
  result: R;
  /** Every line `main` printed. */
  lines: string[];
  /** The clock it ran on, at the time `main` finished. */
  clock: FakeClock;
}

/**
 * Runs an example's `main` on a new `FakeClock`, collecting what it prints,
 * and fires the clock's timers until `main` settles. Between rounds it
 * yields one macrotask, for examples whose steps take more promise hops
 * than `FakeClock` settles between two timers.
 */
export async function runOnFakeClock<R>(
  main: ClockedMain<R>,
  args: string[],
): Promise<ClockedRun<R>> {
  const clock = new FakeClock();
  const lines: string[] = [];
  const done = main(args, { log: (line) => lines.push(line), clock });
  let settled = false;
  done.then(() => settled = true, () => settled = true);
  for (let round = 0; !settled && round < 100; round++) {
    await clock.runAll();
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (!settled) throw new Error("main did not finish after 100 rounds of timers");
  return { result: await done, lines, clock };
}
