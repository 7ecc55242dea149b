/**
 * A TCP byte echo server on weir: every byte a client sends comes back;
 * when the client half-closes, the server half-closes too.
 *
 * Each connection reads through one buffer that starts small and doubles
 * (up to 64 KiB) whenever a read fills it, and halves again after a run of
 * small reads, so a busy connection echoes in 64 KiB reads while an idle
 * one holds a few KiB.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/tcp_echo_server.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--max-connections N] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound. Ctrl+C shuts down gracefully.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Connection, serve } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface TcpEchoConfig extends EndpointConfig {
  maxConnections: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

const MIN_BUFFER = 1024;
const MAX_BUFFER = 65536;
/** Small reads in a row before the buffer shrinks. */
const SHRINK_AFTER = 16;

/** Parses the flags (see the module doc). */
export function parseTcpEchoArgs(args: string[]): TcpEchoConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      "max-connections": { type: "string", default: "Infinity" },
    },
  });
  const maxConnections = Number(values["max-connections"]);
  if (
    !(maxConnections >= 1) || !(Number.isInteger(maxConnections) || maxConnections === Infinity)
  ) {
    throw new RangeError(
      `--max-connections must be a positive integer: ${values["max-connections"]}`,
    );
  }
  return { ...endpointConfig(values), maxConnections };
}

/** Echoes one connection until the client half-closes. */
export async function echo(conn: Connection): Promise<void> {
  let buf = new Uint8Array(MIN_BUFFER);
  let small = 0;
  for (let n; (n = await conn.read(buf)) !== null;) {
    await conn.writeAll(n === buf.length ? buf : buf.subarray(0, n));
    if (n === buf.length) {
      small = 0;
      if (buf.length < MAX_BUFFER) buf = new Uint8Array(buf.length * 2);
    } else if (buf.length > MIN_BUFFER && n <= buf.length >>> 3 && ++small === SHRINK_AFTER) {
      small = 0;
      buf = new Uint8Array(buf.length >>> 1);
    }
  }
  await conn.closeWrite();
}

/** Runs the server until `signal` aborts; resolves once it has stopped. */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseTcpEchoArgs(args);
  const server = serve({ hostname: config.hostname, port: config.port }, async (conn) => {
    const peer = conn.remoteAddr;
    if (!config.quiet) log(`accepted connection from ${peer.hostname}:${peer.port}`);
    await echo(conn);
    if (!config.quiet) log(`closed connection from ${peer.hostname}:${peer.port}`);
  }, {
    maxConnections: config.maxConnections,
    gracePeriod: 1_000,
    signal,
    onError: (error) => {
      if (!config.quiet) log(`connection error: ${error}`);
    },
  });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
}

if (import.meta.main) await runUntilSignalled(main);
