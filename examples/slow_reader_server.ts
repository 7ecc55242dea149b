/**
 * The peer that never reads (the seed's `1_server_recvbuf_set`): for each
 * connection it writes a line `message from server: {i}\n` every
 * `--interval` ms and never reads a byte, so whatever the client writes
 * piles up in the socket buffers until the client's writes block. Run a
 * client against it to see what a blocked write does to that client's
 * reads: `naive_select_stall.ts` stops reading, `split_client.ts` does not.
 *
 * The seed also shrinks the server's receive buffer (`SO_RCVBUF`) so the
 * client blocks sooner; Deno cannot set it, so here the client blocks once
 * the default buffers are full (a few MiB on Linux loopback).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/slow_reader_server.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--interval 10] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then `written: {i}` for each
 * line (unless `--quiet`). Ctrl+C shuts down.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { serve, type ServedConnection } from "@weir/weir/net";
import { interval } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface SlowReaderConfig extends EndpointConfig {
  interval: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

const encoder = new TextEncoder();

/** Parses the flags (see the module doc). */
export function parseSlowReaderArgs(args: string[]): SlowReaderConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      interval: { type: "string", default: "10" },
    },
  });
  const period = Number(values.interval);
  if (!(period > 0)) {
    throw new RangeError(`--interval must be a positive number: ${values.interval}`);
  }
  return { ...endpointConfig(values), interval: period };
}

/** Writes a line per tick until the server shuts down or the client goes away. */
async function talkWithoutListening(
  conn: ServedConnection<Deno.NetAddr>,
  signal: AbortSignal,
  config: SlowReaderConfig,
  log: (line: string) => void,
): Promise<void> {
  const { hostname, port } = conn.remoteAddr;
  const peer = `${hostname}:${port}`;
  log(`accepted connection from ${peer}`);
  const ticks = interval(config.interval, { missedTick: "delay", signal });
  try {
    for (let i = 1;; i++) {
      await ticks.tick(); // rejects once the server shuts down
      await conn.writeAll(encoder.encode(`message from server: ${i}\n`), { signal });
      if (!config.quiet) log(`written: ${i}`);
    }
  } catch (error) {
    if (!signal.aborted) log(`connection ${peer} closed: ${error}`);
  }
}

/**
 * Runs the server until `signal` aborts; resolves once every connection is
 * closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseSlowReaderArgs(args);
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn, { signal }) => talkWithoutListening(conn, signal, config, log),
    { signal },
  );
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
}

if (import.meta.main) await runUntilSignalled(main);
