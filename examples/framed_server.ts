/**
 * The seed's length-delimited heartbeat server (B5s) on weir: every frame is
 * a 4-byte big-endian length and a payload (tokio-util's
 * `LengthDelimitedCodec` defaults), so Tokio clients work against it
 * unchanged.
 *
 * Per connection it sends `--heartbeats` frames `message from server: {i}\n`
 * (the first at once, then one every `--interval` ms; a late tick delays
 * the next ones), logs every inbound frame (unless `--quiet`), with `--echo`
 * writes every inbound frame back, and closes once the heartbeats are sent
 * and the client has half-closed. Ctrl+C shuts down gracefully.
 *
 * Inbound frames are decoded synchronously from each read, echoes are
 * coalesced into one write per batch (`FramedDriver`), so the echo path
 * costs about what a raw byte echo does.
 *
 * ```sh
 * deno run -A examples/framed_server.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--interval 100] [--heartbeats 99] [--echo] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound (with the real port for
 * `--port 0`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { type Connection, FramedDriver, serve, shutdownOnSignals } from "@weir/weir/net";
import { interval } from "@weir/weir/time";

/** What the command line asks for. */
export interface FramedServerConfig {
  hostname: string;
  port: number;
  interval: number;
  heartbeats: number;
  echo: boolean;
  quiet: boolean;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export interface RunOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function number(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`--${flag} must be an integer >= ${min}: ${value}`);
  }
  return n;
}

/** Parses the flags (see the module doc). */
export function parseFramedServerArgs(args: string[]): FramedServerConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hostname: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      interval: { type: "string", default: "100" },
      heartbeats: { type: "string", default: "99" },
      echo: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  return {
    hostname: values.hostname,
    port: number("port", values.port, 0),
    interval: number("interval", values.interval, 1),
    heartbeats: number("heartbeats", values.heartbeats, 0),
    echo: values.echo,
    quiet: values.quiet,
  };
}

function peerOf(conn: Connection): string {
  const addr = conn.remoteAddr as Deno.NetAddr;
  return `${addr.hostname}:${addr.port}`;
}

/** Sends the heartbeat frames, the first at once, then one per tick. */
async function heartbeat(
  driver: FramedDriver<Uint8Array>,
  config: FramedServerConfig,
  signal: AbortSignal,
): Promise<void> {
  const ticks = interval(config.interval, { missedTick: "delay", signal });
  for (let i = 1; i <= config.heartbeats; i++) {
    try {
      await ticks.tick();
    } catch {
      return; // shutting down: no more heartbeats
    }
    await driver.send(encoder.encode(`message from server: ${i}\n`));
  }
}

/** Serves one connection: heartbeats out, frames in (echoed with --echo). */
async function session(
  conn: Connection,
  signal: AbortSignal,
  config: FramedServerConfig,
  log: (line: string) => void,
): Promise<void> {
  const peer = peerOf(conn);
  if (!config.quiet) log(`accepted connection from ${peer}`);
  const driver = new FramedDriver(conn, new LengthDelimitedCodec());
  const heartbeats = config.heartbeats > 0 ? heartbeat(driver, config, signal) : undefined;
  // Shutting down: stop sending (flush, then FIN) and read until the client closes.
  const stop = () => driver.close().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      // Take every frame already decoded without waiting; wait only when none is.
      const next = driver.tryRecv() ?? await driver.recv();
      if (next.done) break;
      const frame = next.value;
      if (!config.quiet) log(`received ${JSON.stringify(decoder.decode(frame))} from ${peer}`);
      if (config.echo && !signal.aborted && !driver.trySend(frame)) await driver.send(frame);
    }
    await heartbeats;
    await driver.close(); // flush what is queued, then FIN
    await driver.done;
    if (!config.quiet) log(`closed connection from ${peer}`);
  } finally {
    signal.removeEventListener("abort", stop);
    driver.abort(); // no-op once done
  }
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseFramedServerArgs(args);
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn, { signal }) => session(conn, signal, config, log),
    {
      ...(signal ? { shutdownSignal: signal } : {}),
      gracePeriod: 5_000,
      onError: (error, conn) => {
        if (!config.quiet) {
          log(`connection ${conn ? peerOf(conn) : "?"} closed with error: ${error}`);
        }
      },
    },
  );
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.finished;
}

if (import.meta.main) {
  const token = shutdownOnSignals();
  await main(Deno.args, { signal: token.signal });
  token.cancel();
}
