/**
 * A UDP echo server built from a reader task, a bounded queue and a writer
 * task (seed 003's `echo-tokio` and `echo-tokio-mpsc`): the reader receives
 * datagrams and queues them, the writer takes them from the queue and
 * sends each back to its sender. Receiving and sending run at the same
 * time, so a slow send never stops receiving until the queue is full, and
 * what happens then is an explicit policy:
 *
 * - `--policy wait` (the mpsc variant): the reader waits for room and
 *   stops receiving meanwhile; the kernel buffers what arrives (or drops
 *   it), nothing is dropped in the process.
 * - `--policy drop` (the other variants): the datagram is dropped and
 *   counted: `queue full: dropped N bytes from …`.
 *
 * `--delay` holds each echo that many ms before sending it, to play a slow
 * link and watch the queue fill.
 *
 * ```sh
 * deno run --unstable-net --allow-net=127.0.0.1 examples/udp_echo_queue.ts \
 *   [--hostname 127.0.0.1] [--port 2000] [--queue 8] [--policy wait|drop] [--delay 0] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then `recv N bytes from …`
 * and `sent N bytes to …` (unless `--quiet`). Ctrl+C stops it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Datagram, shutdownOnSignals, UdpSocket } from "@weir/weir/net";
import { mpsc, type MpscReceiver, type MpscSender, tryJoin } from "@weir/weir/sync";
import { type Clock, sleep, systemClock } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
} from "./_cli.ts";

/** What the command line asks for. */
export interface UdpEchoQueueConfig extends EndpointConfig {
  queue: number;
  policy: "wait" | "drop";
  delay: number;
}

/** How {@linkcode main} is run: a stop signal, where lines are printed, and the clock of `--delay`. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

/** What one run did. */
export interface UdpEchoQueueResult {
  received: number;
  sent: number;
  dropped: number;
}

/** Parses the flags (see the module doc). */
export function parseUdpEchoQueueArgs(args: string[]): UdpEchoQueueConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(2000),
      queue: { type: "string", default: "8" },
      policy: { type: "string", default: "wait" },
      delay: { type: "string", default: "0" },
    },
  });
  if (values.policy !== "wait" && values.policy !== "drop") {
    throw new RangeError(`--policy must be wait or drop: ${values.policy}`);
  }
  return {
    ...endpointConfig(values),
    queue: integerFlag("queue", values.queue, 1),
    policy: values.policy,
    delay: integerFlag("delay", values.delay, 0),
  };
}

const where = ({ hostname, port }: Deno.NetAddr) => `${hostname}:${port}`;

/** The reader task: receives datagrams into the queue, by the policy. */
async function receive(
  socket: UdpSocket,
  tx: MpscSender<Datagram>,
  config: UdpEchoQueueConfig,
  result: UdpEchoQueueResult,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    const datagram = await socket.recvFrom({ signal });
    result.received++;
    log(`recv ${datagram.data.length} bytes from ${where(datagram.addr)}`);
    if (config.policy === "wait") {
      await tx.send(datagram, { signal }); // no receiving while the queue is full
      continue;
    }
    if (!tx.trySend(datagram)) {
      result.dropped++;
      log(`queue full: dropped ${datagram.data.length} bytes from ${where(datagram.addr)}`);
    }
  }
}

/** The writer task: sends each queued datagram back to its sender, in order. */
async function echo(
  socket: UdpSocket,
  rx: MpscReceiver<Datagram>,
  config: UdpEchoQueueConfig,
  result: UdpEchoQueueResult,
  log: (line: string) => void,
  clock: Clock,
  signal: AbortSignal,
): Promise<void> {
  for (let next; !(next = await rx.recv({ signal })).done;) {
    const { data, addr } = next.value;
    if (config.delay > 0) await sleep(config.delay, { signal, clock });
    await socket.sendTo(data, addr, { signal });
    result.sent++;
    log(`sent ${data.length} bytes to ${where(addr)}`);
  }
}

/** Runs the server until `signal` aborts; resolves what it did. */
export async function main(args: string[], options: RunOptions = {}): Promise<UdpEchoQueueResult> {
  const { signal, log = console.log, clock = systemClock } = options;
  const config = parseUdpEchoQueueArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  await using socket = UdpSocket.bind({ hostname: config.hostname, port: config.port });
  const [tx, rx] = mpsc<Datagram>(config.queue);
  const result: UdpEchoQueueResult = { received: 0, sent: 0, dropped: 0 };
  log(`listening on ${where(socket.addr)}`);
  const stop = (joined: AbortSignal) => signal ? AbortSignal.any([joined, signal]) : joined;
  try {
    await tryJoin(
      (joined) => receive(socket, tx, config, result, quietLog, stop(joined)),
      (joined) => echo(socket, rx, config, result, quietLog, clock, stop(joined)),
    );
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
  return result;
}

if (import.meta.main) {
  const token = shutdownOnSignals();
  const { received, sent, dropped } = await main(Deno.args, { signal: token.signal });
  console.log(`stopped: ${received} received, ${sent} sent, ${dropped} dropped`);
  token.cancel();
}
