/**
 * A TCP server with a connection limit (seed 001's flow control in network
 * servers): at most `--max-connections` clients are served at once. The
 * seed takes a semaphore permit before each `accept`; weir's `serve` does
 * exactly that with `maxConnections`: at the limit it stops accepting, so
 * further clients wait in the kernel's backlog (their connect succeeds,
 * nothing is read or written) until a served client leaves. Nothing is
 * refused and nothing queues in the process. `accept_loop.ts` shows the
 * same limit written by hand with a `Semaphore`.
 *
 * Each client is greeted with `hello #{n}, {k} of {max} connections in
 * use` and then gets every byte echoed until it closes.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/connection_limit_server.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--max-connections 2] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then each connection served
 * and closed (unless `--quiet`). Ctrl+C shuts down gracefully.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { serve } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface ConnectionLimitConfig extends EndpointConfig {
  maxConnections: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseConnectionLimitArgs(args: string[]): ConnectionLimitConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      "max-connections": { type: "string", default: "2" },
    },
  });
  const maxConnections = integerFlag("max-connections", values["max-connections"], 1);
  return { ...endpointConfig(values), maxConnections };
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseConnectionLimitArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  let accepted = 0;
  const server = serve(
    { hostname: config.hostname, port: config.port },
    async (conn) => {
      const n = ++accepted;
      const { hostname, port } = conn.remoteAddr;
      const inUse = `${server.connections} of ${config.maxConnections} connections in use`;
      quietLog(`connection #${n} from ${hostname}:${port} (${inUse})`);
      await conn.writeAll(new TextEncoder().encode(`hello #${n}, ${inUse}\n`));
      await conn.readable.pipeTo(conn.writable); // echo until the client half-closes
      quietLog(`connection #${n} closed`);
    },
    { maxConnections: config.maxConnections, signal },
  );
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
}

if (import.meta.main) await runUntilSignalled(main);
