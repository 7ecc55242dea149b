/**
 * Split halves (the seed's `2_client_split`): the connection is split into
 * a read half and a write half, each driven by its own task, so a write
 * blocked on a peer that does not read never stops the reads.
 *
 * A producer queues a `--size`-byte message (`aaa…`, 100 KiB by default)
 * every `--interval` ms into a bounded channel (`--queue` messages),
 * forever or `--rounds` times; the writer task writes them one by one
 * (`client's written #N`), then half-closes; the reader task prints every
 * line the server sends (`read: …`). When a write stays blocked for
 * `--stall` ms the client reports how many lines it read meanwhile: against
 * `slow_reader_server.ts` that count keeps growing (`reads go on`), where
 * `naive_select_stall.ts` reports `reads stopped`.
 *
 * The three tasks run under `tryJoin`: the first error (the server going
 * away fails a write) stops the others. Ctrl+C stops all three.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/slow_reader_server.ts --port 8080
 * deno run --allow-net=127.0.0.1 examples/split_client.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--size 102400] [--interval 10] [--queue 64] [--stall 500] \
 *   [--rounds N] [--quiet]
 * ```
 *
 * This file also exports the flags, producer, payload, stall watch and
 * reader and writer tasks the other seed 000 clients share, so that they
 * differ only in how they drive the connection.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader, type Reader } from "@weir/weir/io";
import { connect, type Connection, shutdownOnSignals, split, type WriteHalf } from "@weir/weir/net";
import {
  type CancellationToken,
  mpsc,
  type MpscReceiver,
  type MpscSender,
  tryJoin,
} from "@weir/weir/sync";
import { sleep } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
} from "./_cli.ts";

/** What the command line asks for (shared by the seed 000 raw-byte clients). */
export interface ClientConfig extends EndpointConfig {
  size: number;
  interval: number;
  queue: number;
  stall: number;
  rounds: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** What one run did. */
export interface ClientResult {
  /** Messages written in full. */
  written: number;
  /** Lines read from the server. */
  linesRead: number;
}

/** Parses the flags (see the module doc). */
export function parseClientArgs(args: string[]): ClientConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      size: { type: "string", default: "102400" },
      interval: { type: "string", default: "10" },
      queue: { type: "string", default: "64" },
      stall: { type: "string", default: "500" },
      rounds: { type: "string", default: "Infinity" },
    },
  });
  return {
    ...endpointConfig(values, 1),
    size: integerFlag("size", values.size, 0),
    interval: integerFlag("interval", values.interval, 0),
    queue: integerFlag("queue", values.queue, 1),
    stall: integerFlag("stall", values.stall, 1),
    rounds: values.rounds === "Infinity" ? Infinity : integerFlag("rounds", values.rounds, 0),
  };
}

/** Connects to the server the flags name and says so. */
export async function connectTo(
  config: ClientConfig,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<Connection> {
  const conn = await connect(
    { hostname: config.hostname, port: config.port },
    signal ? { signal } : {},
  );
  log(`connected to ${config.hostname}:${config.port}`);
  return conn;
}

/** A task's signal: `joined` (another task failed) or the run's `signal` (Ctrl+C). */
export function either(joined: AbortSignal, signal: AbortSignal | undefined): AbortSignal {
  return signal ? AbortSignal.any([joined, signal]) : joined;
}

/**
 * Runs a client from the command line: Ctrl+C (or SIGTERM) cancels
 * `token`; prints the result, or the error and exits with status 1.
 */
export async function runClient(
  run: (token: CancellationToken) => Promise<unknown>,
): Promise<void> {
  const token = shutdownOnSignals();
  try {
    console.log(`done: ${JSON.stringify(await run(token))}`);
  } catch (error) {
    console.error(`error: ${error}`);
    Deno.exitCode = 1;
  } finally {
    token.cancel();
  }
}

/** The seed's message: `size` bytes of `a` (one buffer, never modified, sent again and again). */
export function payload(size: number): Uint8Array {
  return new Uint8Array(size).fill(0x61);
}

/**
 * Queues `message` every `interval` ms (the seed's producer task), waiting
 * while the queue is full, until `signal` aborts (then it rejects) or
 * `rounds` messages were queued (then it closes `tx`, and the writer
 * half-closes once they are written).
 */
export async function produce(
  tx: MpscSender<Uint8Array>,
  message: Uint8Array,
  config: ClientConfig,
  signal: AbortSignal,
): Promise<void> {
  for (let i = 0; i < config.rounds; i++) {
    await tx.send(message, { signal });
    await sleep(config.interval, { signal });
  }
  tx.close();
}

/**
 * Watches the writes: when one stays blocked for `ms`, it prints how many
 * lines were read since that write began (`reads stopped` when none).
 */
export class StallWatch implements Disposable {
  /** Messages written in full. */
  written = 0;
  /** Lines read. */
  linesRead = 0;
  #ms: number;
  #log: (line: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, log: (line: string) => void) {
    this.#ms = ms;
    this.#log = log;
  }

  /** A write begins. */
  writing(): void {
    const n = this.written + 1;
    const before = this.linesRead;
    this.#timer = setTimeout(() => {
      const meanwhile = this.linesRead - before;
      this.#log(
        `write #${n} blocked for ${this.#ms} ms: ${meanwhile} lines read meanwhile ` +
          `(${this.linesRead} in total), reads ${meanwhile === 0 ? "stopped" : "go on"}`,
      );
    }, this.#ms);
  }

  /** The write finished. */
  wrote(): void {
    clearTimeout(this.#timer);
    this.written++;
  }

  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}

/** The reader task: prints each line until the server closes. */
export async function readLines(
  reader: Reader,
  watch: StallWatch,
  config: ClientConfig,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const lines = new BufReader(reader);
  // Cancel safe: bytes of a read cut short by an abort stay in the BufReader.
  for (let line; (line = await lines.readLine({ signal })) !== null;) {
    watch.linesRead++;
    if (!config.quiet) log(`read: ${line}`);
  }
  log("server closed the connection");
}

/** The writer task: writes each queued message in full, then half-closes (FIN). */
export async function writeMessages(
  writer: WriteHalf,
  rx: MpscReceiver<Uint8Array>,
  watch: StallWatch,
  config: ClientConfig,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for (let next; !(next = await rx.recv({ signal })).done;) {
    watch.writing();
    await writer.writeAll(next.value, { signal });
    watch.wrote();
    if (!config.quiet) log(`client's written #${watch.written}`);
  }
  await writer.closeWrite();
  log(`all ${watch.written} messages written, write side closed`);
}

/**
 * Runs the client until `signal` aborts (then resolves what it did), until
 * every `--rounds` message was written and the server closed, or until the
 * connection fails (then rejects).
 */
export async function main(args: string[], options: RunOptions = {}): Promise<ClientResult> {
  const { signal, log = console.log } = options;
  const config = parseClientArgs(args);
  const conn = await connectTo(config, signal, log);
  const [reader, writer] = split(conn);
  const [tx, rx] = mpsc<Uint8Array>(config.queue);
  using watch = new StallWatch(config.stall, log);
  // Each task stops on the first error of another (tryJoin's signal) or on Ctrl+C.
  const stop = (joined: AbortSignal) => either(joined, signal);
  try {
    await tryJoin(
      (joined) => produce(tx, payload(config.size), config, stop(joined)),
      (joined) => readLines(reader, watch, config, log, stop(joined)),
      (joined) => writeMessages(writer, rx, watch, config, log, stop(joined)),
    );
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    conn.close(); // also fails the write still blocked in the kernel
  }
  return { written: watch.written, linesRead: watch.linesRead };
}

if (import.meta.main) await runClient((token) => main(Deno.args, { signal: token.signal }));
