/**
 * Choosing between operations with weir's `select` (Tokio's `select!`),
 * fair by default and in priority order with `biased: true`.
 *
 * 0. Racing: three operations taking 300, 100 and 200 ms; the first to
 *    finish (`B`, at 100 ms) wins, and the other two are aborted through
 *    their `AbortSignal`s before `select` returns (where Tokio drops them).
 * 1. Fairness: two branches that are both ready at once race `--trials`
 *    times. Unbiased, each wins about half the time (the start branch is
 *    random, so an always-ready branch cannot starve the other); biased,
 *    the first listed always wins.
 * 2. Priority: a worker serves a high- and a low-priority channel. Items
 *    already queued are taken without waiting, high first; only when both
 *    queues are empty does it wait, with a biased `select` over both
 *    `recv()`s. A closed channel is disabled by passing `false` in its
 *    place (Tokio's `, if open` precondition); the loop ends when both are
 *    closed. With three items queued on each channel before it starts, it
 *    handles all high ones first.
 * 3. Live traffic: high items every `--high-every` ms, low items every
 *    `--low-every` ms, `--work` ms to handle each. The worker never handles
 *    a low item while a high one is waiting.
 *
 * ```sh
 * deno run examples/select_biased.ts [--trials 1000] [--high-every 100] [--low-every 50] [--work 30]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mpsc, type MpscReceiver, select } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What {@linkcode main} observed. */
export interface SelectBiasedResult {
  /** Part 0: the winner, when it won, and which losers were aborted. */
  race: { winner: string; at: number; aborted: string[] };
  /** Part 1: how often the first branch won, biased and not. */
  biasedWins: number;
  unbiasedWins: number;
  /** Part 2: the order the pre-queued items were handled in. */
  drained: string[];
  /** Part 3: the order live items were handled in. */
  live: string[];
  /** Part 3: low items handled while a high one was queued (should be 0). */
  inversions: number;
}

/**
 * Handles items from `high` before `low` until both are closed; `handle`
 * runs one item at a time.
 */
async function servePriority(
  high: MpscReceiver<string>,
  low: MpscReceiver<string>,
  handle: (item: string) => Promise<void>,
): Promise<void> {
  const channels = [high, low];
  const open = [true, true];
  /** A queued item from channel `i`, without waiting; marks it closed once drained. */
  const queued = (i: number): string | undefined => {
    if (!open[i]) return undefined;
    const next = channels[i]!.tryRecv();
    if (next?.done) open[i] = false;
    return next?.done === false ? next.value : undefined;
  };
  while (open[0] || open[1]) {
    let item = queued(0) ?? queued(1);
    if (item === undefined) {
      if (!open[0] && !open[1]) break;
      const next = await select([
        open[0] && ((signal: AbortSignal) => high.recv({ signal })),
        open[1] && ((signal: AbortSignal) => low.recv({ signal })),
      ], { biased: true });
      if (next.value.done) {
        open[next.index] = false;
        continue;
      }
      item = next.value.value;
    }
    await handle(item);
  }
}

/** Runs the three parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<SelectBiasedResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      trials: { type: "string", default: "1000" },
      "high-every": { type: "string", default: "100" },
      "low-every": { type: "string", default: "50" },
      work: { type: "string", default: "30" },
    },
  });
  const trials = integerFlag("trials", values.trials, 1);
  const highEvery = integerFlag("high-every", values["high-every"], 1);
  const lowEvery = integerFlag("low-every", values["low-every"], 1);
  const work = integerFlag("work", values.work, 0);

  // 0. a race
  const raceStart = clock.now();
  const aborted: string[] = [];
  const operation = (name: string, ms: number) => async (signal: AbortSignal) => {
    try {
      await sleep(ms, { signal, clock });
      return `${name} completed`;
    } catch (error) {
      aborted.push(name);
      throw error;
    }
  };
  const first = await select([operation("A", 300), operation("B", 100), operation("C", 200)]);
  const race = {
    winner: first.value,
    at: Math.round(clock.now() - raceStart),
    aborted: aborted.toSorted(),
  };
  log(`[${race.at} ms] race: ${race.winner}; aborted: ${race.aborted.join(", ")}`);

  // 1. fairness
  const firstWins = async (biased: boolean) => {
    let wins = 0;
    for (let i = 0; i < trials; i++) {
      const won = await select([() => Promise.resolve("first"), () => Promise.resolve("second")], {
        biased,
      });
      if (won.index === 0) wins++;
    }
    return wins;
  };
  const biasedWins = await firstWins(true);
  const unbiasedWins = await firstWins(false);
  log(`both ready, biased: the first branch won ${biasedWins} of ${trials} times`);
  log(`both ready, unbiased: the first branch won ${unbiasedWins} of ${trials} times`);

  // 2. priority over what is already queued
  const drained: string[] = [];
  {
    const [highTx, highRx] = mpsc<string>(8);
    const [lowTx, lowRx] = mpsc<string>(8);
    for (let i = 1; i <= 3; i++) {
      lowTx.trySend(`low ${i}`);
      highTx.trySend(`HIGH ${i}`);
    }
    highTx.close();
    lowTx.close();
    await servePriority(highRx, lowRx, (item) => {
      drained.push(item);
      return Promise.resolve();
    });
    log(`pre-queued, handled in order: ${drained.join(", ")}`);
  }

  // 3. live traffic
  const live: string[] = [];
  let inversions = 0;
  {
    const [highTx, highRx] = mpsc<string>(8);
    const [lowTx, lowRx] = mpsc<string>(8);
    const produce = async (tx: typeof highTx, name: string, every: number, count: number) => {
      for (let i = 1; i <= count; i++) {
        await sleep(every, { clock });
        await tx.send(`${name} ${i}`);
      }
      tx.close();
    };
    const start = clock.now();
    await Promise.all([
      produce(highTx, "HIGH", highEvery, 3),
      produce(lowTx, "low", lowEvery, 6),
      servePriority(highRx, lowRx, async (item) => {
        if (item.startsWith("low") && highRx.length > 0) inversions++;
        live.push(item);
        log(`[${Math.round(clock.now() - start)} ms] handling ${item}`);
        await sleep(work, { clock });
      }),
    ]);
    log(`live: ${inversions} low items handled while a high one waited`);
  }
  return { race, biasedWins, unbiasedWins, drained, live, inversions };
}

if (import.meta.main) await main(Deno.args);
