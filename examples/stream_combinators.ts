/**
 * Stream combinators over async iterables (tokio-stream's and futures'
 * `StreamExt`), the seed's streams section in seven short programs:
 *
 * 1. A channel as a stream: a producer sends 0..4 on an `mpsc` channel;
 *    `fromChannel(rx)` ends when the sender closes; `collect` gathers
 *    `[0, 1, 2, 3, 4]`.
 * 2. Laziness: `filter` even, `map` times two, `take(3)` over an endless
 *    counter gives `[0, 4, 8]`, and the counter is asked for only the 5
 *    numbers needed.
 * 3. `skip(3)` then `take(4)` over 1..10 gives `[4, 5, 6, 7]`.
 * 4. `reduce` (fold) sums 1..10 to 55.
 * 5. `merge` interleaves two channels fed every 50 and 75 ms by arrival
 *    time and ends when both have ended.
 * 6. `zip` with `intervalStream(100)` throttles 1..5 to one value per tick,
 *    the first at once: at 0, 100, 200, 300 and 400 ms.
 * 7. An async generator is a stream: the first 10 Fibonacci numbers, as
 *    bigints (a `number` loses precision past F(78)).
 *
 * ```sh
 * deno run examples/stream_combinators.ts
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  collect,
  filter,
  fromChannel,
  intervalStream,
  map,
  merge,
  reduce,
  skip,
  take,
  zip,
} from "@weir/weir/streams";
import { mpsc } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import type { ExampleRunOptions } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What each program produced. */
export interface StreamCombinatorsResult {
  fromChannel: number[];
  lazy: number[];
  /** How many numbers the endless counter produced for part 2. */
  pulled: number;
  skipTake: number[];
  sum: number;
  /** Part 5: items with the milliseconds they arrived at. */
  merged: string[];
  /** Part 6: `value@ms`. */
  throttled: string[];
  fibonacci: bigint[];
}

async function* range(from: number, to: number): AsyncGenerator<number> {
  for (let i = from; i <= to; i++) yield i;
}

async function* fibonacci(): AsyncGenerator<bigint> {
  for (let [a, b] = [0n, 1n];; [a, b] = [b, a + b]) yield a;
}

/** Runs the seven programs of the module doc. */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<StreamCombinatorsResult> {
  const { log = console.log, clock = systemClock } = options;
  parseArgs({ args, strict: true, options: {} });
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);

  // 1. a channel as a stream
  const [tx, rx] = mpsc<number>(2);
  const producing = (async () => {
    for (let i = 0; i < 5; i++) await tx.send(i);
    tx.close();
  })();
  const fromChannelItems = await collect(fromChannel(rx));
  await producing;
  log(`collect(fromChannel(rx)): [${fromChannelItems.join(", ")}]`);

  // 2. lazy: only what take(3) needs is produced
  let pulled = 0;
  async function* counter(): AsyncGenerator<number> {
    for (let i = 0;; i++) {
      pulled++;
      yield i;
    }
  }
  const lazy = await collect(take(map(filter(counter(), (n) => n % 2 === 0), (n) => n * 2), 3));
  log(`take(map(filter(counter, even), x2), 3): [${lazy.join(", ")}], pulled ${pulled} numbers`);

  // 3. and 4.
  const skipTake = await collect(take(skip(range(1, 10), 3), 4));
  log(`take(skip(1..10, 3), 4): [${skipTake.join(", ")}]`);
  const sum = await reduce(range(1, 10), 0, (acc, n) => acc + n);
  log(`reduce(1..10, +): ${sum}`);

  // 5. merge two channels by arrival
  const feed = (name: string, every: number) => {
    const [sender, receiver] = mpsc<string>(1);
    (async () => {
      for (let i = 1; i <= 3; i++) {
        await sleep(every, { clock });
        await sender.send(`${name}:${i}`);
      }
      sender.close();
    })();
    return fromChannel(receiver);
  };
  const merged: string[] = [];
  for await (const item of merge(feed("S1", 50), feed("S2", 75))) {
    merged.push(`${item}@${elapsed()}`);
  }
  log(`merge: ${merged.join(", ")}`);

  // 6. throttle by zipping with an interval
  const throttleStart = elapsed();
  const throttled: string[] = [];
  for await (const [value] of zip(range(1, 5), intervalStream(100, { clock }))) {
    throttled.push(`${value}@${elapsed() - throttleStart}`);
  }
  log(`zip(1..5, interval 100 ms): ${throttled.join(", ")}`);

  // 7. a generator as a stream
  const fib = await collect(take(fibonacci(), 10));
  log(`take(fibonacci, 10): [${fib.join(", ")}]`);

  return {
    fromChannel: fromChannelItems,
    lazy,
    pulled,
    skipTake,
    sum,
    merged,
    throttled,
    fibonacci: fib,
  };
}

if (import.meta.main) await main(Deno.args);
