/**
 * An idle timeout that activity pushes back (Tokio's `Sleep::reset` inside
 * `select!`): a consumer waits for messages, but gives up once `--idle` ms
 * pass without one. One weir `Sleep` is created before the loop; each turn
 * races `rx.recv()` against that same `Sleep` with `select`, and every
 * message calls `idle.reset(idleMs)`, moving its deadline to "idle ms after
 * the last activity".
 *
 * A producer sends `--messages` messages `--every` ms apart, then pauses
 * for `--pause` ms before one more. The pause is longer than the idle
 * timeout, so the consumer times out exactly `--idle` ms after the last
 * message and closes the channel; the late message is refused.
 *
 * ```sh
 * deno run examples/resettable_timeout.ts [--idle 200] [--every 80] [--messages 3] [--pause 300]
 * ```
 *
 * Prints `[80 ms] Received: Message 0`, `[160 ms] Received: Message 1`,
 * `[240 ms] Received: Message 2`, `[440 ms] Timeout - no messages for 200 ms`,
 * `[540 ms] producer: the consumer is gone, Message 3 not delivered`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ChannelClosedError, mpsc, select } from "@weir/weir/sync";
import { Sleep, sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** When things happened, in milliseconds from the start. */
export interface ResettableTimeoutResult {
  receivedAt: number[];
  timedOutAt: number;
}

/** Runs the producer and the consumer with its idle timeout. */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<ResettableTimeoutResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      idle: { type: "string", default: "200" },
      every: { type: "string", default: "80" },
      messages: { type: "string", default: "3" },
      pause: { type: "string", default: "300" },
    },
  });
  const idleMs = integerFlag("idle", values.idle, 1);
  const every = integerFlag("every", values.every, 0);
  const messages = integerFlag("messages", values.messages, 0);
  const pause = integerFlag("pause", values.pause, 0);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  const [tx, rx] = mpsc<string>(8);
  const producer = (async () => {
    let i = 0;
    try {
      for (; i < messages; i++) {
        await sleep(every, { clock });
        await tx.send(`Message ${i}`);
      }
      await sleep(pause, { clock });
      await tx.send(`Message ${i}`);
    } catch (error) {
      if (!(error instanceof ChannelClosedError)) throw error;
      print(`producer: the consumer is gone, Message ${i} not delivered`);
    } finally {
      tx.close();
    }
  })();

  const receivedAt: number[] = [];
  using idle = new Sleep(idleMs, { clock });
  for (;;) {
    const won = await select([
      (signal) => rx.recv({ signal }), // cancel safe: losing a turn loses no message
      () => idle, // the same Sleep every turn, only its deadline moves
    ], { biased: true });
    if (won.index === 1) {
      print(`Timeout - no messages for ${idleMs} ms`);
      break;
    }
    if (won.value.done) {
      print("producer finished");
      break;
    }
    receivedAt.push(elapsed());
    print(`Received: ${won.value.value}`);
    idle.reset(idleMs); // activity: push the deadline back
  }
  const timedOutAt = idle.isElapsed ? elapsed() : NaN;
  rx.close();
  await producer;
  return { receivedAt, timedOutAt };
}

if (import.meta.main) await main(Deno.args);
