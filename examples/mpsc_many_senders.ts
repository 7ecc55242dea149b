/**
 * Many producers, one consumer, with a weir `mpsc` channel (Tokio's
 * `mpsc` with cloned senders): `--senders` tasks each get a `clone()` of
 * the sender and send `--messages` messages. Messages from different
 * senders interleave; each sender's own messages stay in order.
 *
 * The receiver sees the end only when every sender handle is closed,
 * including the original one. JavaScript has no drop, so each handle is
 * closed explicitly (`using` closes it at the end of its scope). The
 * example drains the channel while the original is still open, shows that
 * the channel is merely empty (`tryRecv()` returns `undefined`, and a
 * `recv()` would wait forever), then closes the original and sees the end.
 *
 * ```sh
 * deno run examples/mpsc_many_senders.ts [--senders 3] [--messages 3]
 * ```
 *
 * Prints `Received: sender 0, message 0`, ..., then
 * `all clones closed, original open: channel empty but not ended` and
 * `original closed: channel ended after 9 messages`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mpsc } from "@weir/weir/sync";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** One message: who sent it and its number for that sender. */
export interface Message {
  sender: number;
  seq: number;
}

/** What the consumer received. */
export interface ManySendersResult {
  received: Message[];
  /** Whether the channel was still open while only the original sender was. */
  openWithOriginal: boolean;
  /** Whether the channel ended once the original was closed too. */
  endedAfterClose: boolean;
}

/** Runs the producers and the consumer. */
export async function main(args: string[], options: RunOptions = {}): Promise<ManySendersResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      senders: { type: "string", default: "3" },
      messages: { type: "string", default: "3" },
    },
  });
  const senders = integerFlag("senders", values.senders, 1);
  const messages = integerFlag("messages", values.messages, 0);
  const total = senders * messages;

  const [tx, rx] = mpsc<Message>(4);
  const producers = Array.from({ length: senders }, async (_, sender) => {
    using mine = tx.clone(); // closed when this task's scope ends
    for (let seq = 0; seq < messages; seq++) await mine.send({ sender, seq });
  });

  const received: Message[] = [];
  while (received.length < total) {
    const next = await rx.recv();
    if (next.done) throw new Error("the channel ended early");
    received.push(next.value);
    log(`Received: sender ${next.value.sender}, message ${next.value.seq}`);
  }
  await Promise.all(producers);
  const openWithOriginal = rx.tryRecv() === undefined; // empty, not ended
  log(
    `all clones closed, original open: channel ${
      openWithOriginal ? "empty but not ended" : "ended"
    }`,
  );

  tx.close();
  const endedAfterClose = (await rx.recv()).done;
  log(
    `original closed: channel ${
      endedAfterClose ? "ended" : "still open"
    } after ${received.length} messages`,
  );
  return { received, openWithOriginal, endedAfterClose };
}

if (import.meta.main) await main(Deno.args);
