/**
 * Backpressure with a bounded channel (Tokio's `mpsc::channel(n)`): a fast
 * producer sends `--items` items into a weir `mpsc` channel of capacity
 * `--capacity`; a slow consumer takes `--delay` ms per item. Once
 * `capacity` items are queued, `await tx.send()` waits until the consumer
 * makes room, so the producer runs at the consumer's pace and memory stays
 * bounded: the queue never holds more than `capacity` items.
 *
 * ```sh
 * deno run examples/backpressure_channel.ts [--capacity 2] [--items 5] [--delay 100]
 * ```
 *
 * Prints a timeline: `[0 ms] Sent: 0 (0/2 queued)`,
 * `[0 ms] Processing: 0`, `[0 ms] Sent: 1 (1/2 queued)`,
 * `[0 ms] Sent: 2 (2/2 queued)`, then `[100 ms] Sent: 3 (2/2 queued)`:
 * from the fourth item on, the producer waits for the consumer.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mpsc } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** When things happened, in milliseconds from the start. */
export interface BackpressureResult {
  /** When each `send` completed, by item. */
  sentAt: number[];
  /** When the consumer started each item, by item. */
  processedAt: number[];
  /** Items in consumer order. */
  order: number[];
  /** The most items queued at once. */
  peakQueued: number;
}

/** Runs the producer and the consumer until every item is processed. */
export async function main(args: string[], options: RunOptions = {}): Promise<BackpressureResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      capacity: { type: "string", default: "2" },
      items: { type: "string", default: "5" },
      delay: { type: "string", default: "100" },
    },
  });
  const capacity = integerFlag("capacity", values.capacity, 1);
  const items = integerFlag("items", values.items, 0);
  const delay = integerFlag("delay", values.delay, 0);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);

  const [tx, rx] = mpsc<number>(capacity);
  const result: BackpressureResult = { sentAt: [], processedAt: [], order: [], peakQueued: 0 };
  const producer = async () => {
    for (let i = 0; i < items; i++) {
      await tx.send(i); // waits while `capacity` items are queued
      result.sentAt.push(elapsed());
      result.peakQueued = Math.max(result.peakQueued, rx.length);
      log(`[${elapsed()} ms] Sent: ${i} (${rx.length}/${capacity} queued)`);
    }
    tx.close();
  };
  const consumer = async () => {
    for await (const item of rx) {
      result.order.push(item);
      result.processedAt.push(elapsed());
      log(`[${elapsed()} ms] Processing: ${item}`);
      await sleep(delay, { clock }); // the slow part
    }
  };
  await Promise.all([producer(), consumer()]);
  log(`[${elapsed()} ms] done: never more than ${result.peakQueued} of ${capacity} queued`);
  return result;
}

if (import.meta.main) await main(Deno.args);
