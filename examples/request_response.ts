/**
 * Request and response between tasks (Tokio's mpsc + oneshot pattern): a
 * worker owns some state and serves requests from an `mpsc` channel; each
 * request carries a `oneshot` sender for its own reply, so every answer
 * reaches the task that asked, however many ask at once.
 *
 * 1. One request: `21` comes back doubled, `Result: 42`.
 * 2. `--clients` concurrent requests `0, 10, 20, ...` each get their own
 *    doubled value back.
 * 3. A client gives up after `--timeout` ms on a request that takes the
 *    worker `--slow` ms: it prints `Timeout waiting for response` and closes
 *    its reply receiver; the worker sees `reply.isClosed` and drops the
 *    result (`Request cancelled by client`) instead of failing, and serves
 *    the next request normally.
 * 4. Once the worker has stopped (its receiver closed), a request fails at
 *    once with a typed `ChannelClosedError` instead of hanging.
 *
 * ```sh
 * deno run examples/request_response.ts [--clients 5] [--timeout 50] [--slow 100]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  ChannelClosedError,
  mpsc,
  type MpscSender,
  oneshot,
  type OneshotSender,
} from "@weir/weir/sync";
import { sleep, systemClock, timeout } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** What a client sends to the worker. */
interface Request {
  value: number;
  /** How long the worker takes over it. */
  workMs: number;
  reply: OneshotSender<number>;
}

/** What {@linkcode main} saw. */
export interface RequestResponseResult {
  /** The reply to each concurrent client, by client. */
  replies: number[];
  processed: number;
  cancelled: number;
}

/** Sends one request and waits for its reply. */
async function request(
  tx: MpscSender<Request>,
  value: number,
  workMs: number,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const [reply, response] = oneshot<number>();
  using _response = response; // closed on the way out: tells the worker nobody waits any more
  await tx.send({ value, workMs, reply }, options);
  return await response.recv(options);
}

/** Runs the four parts of the module doc. */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<RequestResponseResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      clients: { type: "string", default: "5" },
      timeout: { type: "string", default: "50" },
      slow: { type: "string", default: "100" },
    },
  });
  const clients = integerFlag("clients", values.clients, 1);
  const limit = integerFlag("timeout", values.timeout, 1);
  const slow = integerFlag("slow", values.slow, limit + 1);

  const [tx, rx] = mpsc<Request>(32);
  const stop = new AbortController();
  let processed = 0;
  let cancelled = 0;
  const worker = (async () => {
    try {
      for (;;) {
        const next = await rx.recv({ signal: stop.signal });
        if (next.done) return;
        const { value, workMs, reply } = next.value;
        await sleep(workMs, { clock });
        if (reply.isClosed) { // the client timed out or went away
          cancelled++;
          log(`Request cancelled by client: dropping the result for ${value}`);
          continue;
        }
        reply.send(value * 2);
        processed++;
      }
    } catch (error) {
      if (error !== stop.signal.reason) throw error;
    } finally {
      rx.close(); // the worker is gone: senders fail from now on
    }
  })();

  log(`Result: ${await request(tx, 21, 1)}`);

  const replies = await Promise.all(
    Array.from({ length: clients }, (_, i) => request(tx, i * 10, 1)),
  );
  replies.forEach((reply, i) => log(`client ${i} asked ${i * 10}, got ${reply}`));

  try {
    await timeout(limit, (signal) => request(tx, 7, slow, { signal }), { clock });
  } catch (error) {
    if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
    log("Timeout waiting for response");
  }
  log(`Result: ${await request(tx, 42, 1)}`);
  log(`Stats: processed=${processed}, cancelled=${cancelled}`);

  stop.abort();
  await worker;
  try {
    await request(tx, 1, 1);
  } catch (error) {
    if (!(error instanceof ChannelClosedError)) throw error;
    log(`worker stopped: ${error.name}: ${error.message}`);
  }
  tx.close();
  return { replies, processed, cancelled };
}

if (import.meta.main) await main(Deno.args);
