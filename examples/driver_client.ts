/**
 * A connection driver (the seed's `4_client_driver`): a `ConnectionDriver`
 * owns the connection and runs its reads and writes; the program only
 * `send`s messages into its bounded outgoing queue and iterates the chunks
 * it received. Queued messages are coalesced into few writes, each message
 * goes out whole, and reads go on whatever the writes do.
 *
 * It sends `client message: {i}\n` for i = 1..`--rounds` (99), one every
 * `--interval` ms (100), each padded with `--size` bytes of `a` before the
 * newline (none by default), then a lone `\n` with `sendWithAck` (resolved
 * once it is written), then closes the driver: FIN after everything queued
 * is written. It prints each inbound chunk as `recv from server: "…"` and
 * ends once the server closes its side; a `send` that waits `--stall` ms
 * for queue room (`--queue` messages' worth of bytes) is reported with the lines received
 * meanwhile. Ctrl+C stops at once.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/tcp_echo_server.ts --port 8080
 * deno run --allow-net=127.0.0.1 examples/driver_client.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--rounds 99] [--interval 100] [--size 0] [--queue 128] [--stall 500] [--quiet]
 * ```
 *
 * @module
 */
import { ConnectionDriver } from "@weir/weir/net";
import { sleep } from "@weir/weir/time";
import {
  type ClientConfig,
  connectTo,
  parseClientArgs,
  runClient,
  type RunOptions,
  StallWatch,
} from "./split_client.ts";

/** What one run did. */
export interface DriverClientResult {
  /** Messages queued (the final `\n` not counted). */
  sent: number;
  /** Bytes received. */
  received: number;
}

const encoder = new TextEncoder();

/** Queues the messages, then the acknowledged `\n`, then closes (flush, FIN). */
async function produce(
  driver: ConnectionDriver,
  config: ClientConfig,
  watch: StallWatch,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pad = "a".repeat(config.size);
  const options = signal ? { signal } : {};
  for (let i = 1; i <= config.rounds; i++) {
    watch.writing();
    await driver.send(encoder.encode(`client message: ${i}${pad}\n`), options); // waits only while the queue is full
    watch.wrote();
    await sleep(config.interval, options);
  }
  await driver.sendWithAck(encoder.encode("\n"), options);
  log(`all ${config.rounds} messages written`);
  await driver.close(options);
}

function countLines(chunk: Uint8Array): number {
  let lines = 0;
  for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

/**
 * Runs the client until the server closes (or `signal` aborts); resolves
 * what it sent and received.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<DriverClientResult> {
  const { signal, log = console.log } = options;
  const config = parseClientArgs([
    ...["--rounds", "99", "--interval", "100", "--size", "0", "--queue", "128"],
    ...args,
  ]);
  const conn = await connectTo(config, signal, log);
  // The outgoing queue is bounded in bytes: room for `--queue` messages.
  const messageLength = `client message: ${config.rounds}\n`.length + config.size;
  const driver = new ConnectionDriver(conn, { highWaterMark: config.queue * messageLength });
  using watch = new StallWatch(config.stall, log);
  const sending = produce(driver, config, watch, log, signal);
  const stop = () => driver.abort(signal?.reason); // Ctrl+C: a hard stop, nothing more is written
  signal?.addEventListener("abort", stop, { once: true });
  const decoder = new TextDecoder();
  let received = 0;
  try {
    // Ends once the server closed its side and every chunk was taken.
    for await (const chunk of driver) {
      received += chunk.length;
      watch.linesRead += countLines(chunk);
      if (!config.quiet) {
        log(`recv from server: ${JSON.stringify(decoder.decode(chunk, { stream: true }))}`);
      }
    }
    await sending;
    await driver.closed;
    log("server closed the connection");
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    driver.abort(); // no-op once done
    await sending.catch(() => {});
  }
  return { sent: watch.written, received };
}

if (import.meta.main) await runClient((token) => main(Deno.args, { signal: token.signal }));
