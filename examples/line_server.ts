/**
 * A line protocol server (seed 001's line-delimited codec): each
 * connection is a `Framed` stream of lines with `LinesCodec`, so the
 * handler reads whole lines and sends whole lines, and never sees how they
 * were split into TCP segments.
 *
 * Commands, one per line (a reply is one line):
 *
 * - `PING` → `PONG`
 * - `ECHO text` → `text`
 * - `UPPER text` → `TEXT`
 * - `QUIT` → `BYE`, then the server closes the connection
 * - anything else → `ERR unknown command: …`
 *
 * A line longer than `--max-length` bytes, or one that is not UTF-8, gets
 * `ERR …` and ends the connection (the codec refuses to buffer it).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/line_server.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--max-length 1024] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, and each connection and
 * command (unless `--quiet`). Ctrl+C shuts down gracefully.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { InvalidUtf8Error, LineTooLongError } from "@weir/weir/io";
import { serve, type ServedConnection } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface LineServerConfig extends EndpointConfig {
  maxLength: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseLineServerArgs(args: string[]): LineServerConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      "max-length": { type: "string", default: "1024" },
    },
  });
  const maxLength = integerFlag("max-length", values["max-length"], 1);
  return { ...endpointConfig(values), maxLength };
}

/** The reply to one command line, and whether to close after it. */
export function reply(line: string): { text: string; close: boolean } {
  const space = line.indexOf(" ");
  const command = space === -1 ? line : line.slice(0, space);
  const arg = space === -1 ? "" : line.slice(space + 1);
  switch (command.toUpperCase()) {
    case "PING":
      return { text: "PONG", close: false };
    case "ECHO":
      return { text: arg, close: false };
    case "UPPER":
      return { text: arg.toUpperCase(), close: false };
    case "QUIT":
      return { text: "BYE", close: true };
    default:
      return { text: `ERR unknown command: ${command}`, close: false };
  }
}

/** Serves one connection until QUIT, the end of input, or a bad line. */
async function session(
  conn: ServedConnection<Deno.NetAddr>,
  signal: AbortSignal,
  config: LineServerConfig,
  log: (line: string) => void,
): Promise<void> {
  const { hostname, port } = conn.remoteAddr;
  const peer = `${hostname}:${port}`;
  if (!config.quiet) log(`accepted connection from ${peer}`);
  const framed = new Framed(conn, new LinesCodec({ maxLineLength: config.maxLength }));
  try {
    for (let next; !(next = await framed.next({ signal })).done;) {
      if (!config.quiet) log(`${peer}: ${next.value}`);
      const { text, close } = reply(next.value);
      await framed.send(text, { signal });
      if (close) break;
    }
  } catch (error) {
    if (signal.aborted) return; // shutting down
    if (!(error instanceof LineTooLongError || error instanceof InvalidUtf8Error)) throw error;
    const why = error instanceof LineTooLongError
      ? `line too long (max ${config.maxLength} bytes)`
      : "invalid UTF-8";
    if (!config.quiet) log(`${peer}: ERR ${why}`);
    await framed.send(`ERR ${why}`);
  }
  await framed.close(); // flush, then FIN
  if (!config.quiet) log(`closed connection from ${peer}`);
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseLineServerArgs(args);
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn, { signal }) => session(conn, signal, config, log),
    { signal },
  );
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
}

if (import.meta.main) await runUntilSignalled(main);
