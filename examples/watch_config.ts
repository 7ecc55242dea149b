/**
 * Broadcasting configuration changes with a weir `watch` channel (Tokio's
 * `watch`): the channel holds one value, the current config; receivers
 * wait with `changed()` and read it with `borrow()`.
 *
 * A sender publishes `--updates` new config versions, one every
 * `--interval` ms, then closes. A fast receiver sees every version. A slow
 * receiver, busy for `--slow` ms after each change, skips the versions it
 * was too busy to see and gets only the newest. Both still see the value
 * sent right before the close, and then `changed()` reports the end
 * (`ChannelClosedError`).
 *
 * ```sh
 * deno run examples/watch_config.ts [--updates 3] [--interval 100] [--slow 250]
 * ```
 *
 * Prints a timeline: `[100 ms] fast sees version 1 (log level debug)`, ...,
 * `[350 ms] slow sees version 3 ...`, `[600 ms] slow: config channel closed`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ChannelClosedError, watch, type WatchReceiver } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** The watched value. */
export interface Config {
  version: number;
  logLevel: "info" | "debug" | "warn";
}

/** The versions each receiver saw. */
export interface WatchConfigResult {
  fast: number[];
  slow: number[];
}

const LEVELS = ["debug", "warn", "info"] as const;

/** Runs the sender and both receivers until the channel closes. */
export async function main(args: string[], options: RunOptions = {}): Promise<WatchConfigResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      updates: { type: "string", default: "3" },
      interval: { type: "string", default: "100" },
      slow: { type: "string", default: "250" },
    },
  });
  const updates = integerFlag("updates", values.updates, 1);
  const interval = integerFlag("interval", values.interval, 1);
  const slow = integerFlag("slow", values.slow, 0);
  const start = clock.now();
  const print = (line: string) => log(`[${Math.round(clock.now() - start)} ms] ${line}`);

  const [tx, fastRx] = watch<Config>({ version: 0, logLevel: "info" });
  const slowRx = tx.subscribe(); // the current value counts as seen

  const follow = async (name: string, rx: WatchReceiver<Config>, busyMs: number) => {
    const seen: number[] = [];
    for (;;) {
      try {
        await rx.changed();
      } catch (error) {
        if (!(error instanceof ChannelClosedError)) throw error;
        print(`${name}: config channel closed`);
        return seen;
      }
      const config = rx.borrow();
      seen.push(config.version);
      print(`${name} sees version ${config.version} (log level ${config.logLevel})`);
      await sleep(busyMs, { clock }); // applying the config
    }
  };
  const publish = async () => {
    for (let version = 1; version <= updates; version++) {
      await sleep(interval, { clock });
      tx.send({ version, logLevel: LEVELS[(version - 1) % LEVELS.length]! });
    }
    tx.close(); // receivers still get the last version, then the end
  };
  const [fast, slowSeen] = await Promise.all([
    follow("fast", fastRx, 0),
    follow("slow", slowRx, slow),
    publish(),
  ]);
  return { fast, slow: slowSeen };
}

if (import.meta.main) await main(Deno.args);
