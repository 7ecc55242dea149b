/**
 * Sending without waiting: weir's `trySend` on a bounded `mpsc` channel
 * (Tokio's `try_send`). It either queues the message at once and returns
 * `true`, or returns `false` while the channel holds `capacity` messages (the
 * caller keeps the message); once the receiver is closed it throws
 * `ChannelClosedError`, handing the message back.
 *
 * Part 1 fills a channel of capacity 2 with five `trySend`s and then
 * closes the receiver. Part 2 is a metrics pipeline that prefers dropping
 * samples to slowing down: a producer samples every `--every` ms for
 * `--samples` samples into a channel of `--capacity`, a consumer takes
 * one sample per `--consume` ms, and full-channel drops are counted, not
 * silent.
 *
 * ```sh
 * deno run examples/try_send.ts [--samples 100] [--every 10] [--capacity 10] [--consume 50]
 * ```
 *
 * Prints `try_send(0): ok`, `try_send(2): full, 2 stays with the caller`, ..., then counts
 * such as `sent 30, dropped 70, received 30 (at most 10 queued)`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ChannelClosedError, mpsc } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** The metrics pipeline's counters. */
export interface TrySendResult {
  sent: number;
  dropped: number;
  received: number;
  /** The most samples queued at once. */
  peakQueued: number;
}

/** `trySend`, reporting the outcome instead of throwing for a closed channel. */
function offer<T>(tx: { trySend(value: T): boolean }, value: T): "ok" | "full" | "closed" {
  try {
    return tx.trySend(value) ? "ok" : "full";
  } catch (error) {
    if (error instanceof ChannelClosedError) return "closed";
    throw error;
  }
}

/** Part 1: full and closed, with the value handed back. */
async function fillAndClose(log: (line: string) => void): Promise<void> {
  const [tx, rx] = mpsc<number>(2);
  for (let i = 0; i < 5; i++) {
    if (tx.trySend(i)) log(`try_send(${i}): ok`);
    else log(`try_send(${i}): full, ${i} stays with the caller`);
  }
  rx.close();
  try {
    tx.trySend(5);
  } catch (error) {
    if (!(error instanceof ChannelClosedError)) throw error;
    log(`try_send(5): closed, got ${error.value} back`);
  }
  const drained: number[] = [];
  for await (const n of rx) drained.push(n);
  log(`the closed receiver still drains what was queued: ${drained.join(", ")}`);
}

/** Runs both parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<TrySendResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      samples: { type: "string", default: "100" },
      every: { type: "string", default: "10" },
      capacity: { type: "string", default: "10" },
      consume: { type: "string", default: "50" },
    },
  });
  const samples = integerFlag("samples", values.samples, 1);
  const every = integerFlag("every", values.every, 1);
  const capacity = integerFlag("capacity", values.capacity, 1);
  const consume = integerFlag("consume", values.consume, 0);

  await fillAndClose(log);

  const [tx, rx] = mpsc<number>(capacity);
  let sent = 0;
  let dropped = 0;
  let received = 0;
  let peakQueued = 0;
  const producer = async () => {
    for (let i = 0; i < samples; i++) {
      if (offer(tx, i) === "ok") sent++;
      else dropped++;
      peakQueued = Math.max(peakQueued, rx.length);
      await sleep(every, { clock });
    }
    tx.close();
  };
  const consumer = async () => {
    for await (const _sample of rx) {
      received++;
      await sleep(consume, { clock });
    }
  };
  await Promise.all([producer(), consumer()]);
  log(`sent ${sent}, dropped ${dropped}, received ${received} (at most ${peakQueued} queued)`);
  return { sent, dropped, received, peakQueued };
}

if (import.meta.main) await main(Deno.args);
