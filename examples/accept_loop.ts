/**
 * The accept loop, by hand (seed 004's `TcpListener` loop): bind, accept
 * connections forever, and give each its own task, here a tiny key-value
 * store shared by every client (`SET key value` → `OK`, `GET key` → the
 * value or `(nil)`, one command per line).
 *
 * The slides await `process(socket)` inside the loop, which serves one
 * client at a time: the next `accept` waits until that client leaves.
 * Starting the task without awaiting it is what serves clients at once.
 * Around that, three weir pieces make the loop production-shaped:
 *
 * - a `Semaphore` permit is taken *before* each `accept` (seed 001's
 *   connection limit): at `--max-connections`, clients wait in the
 *   kernel's backlog;
 * - a `TaskTracker` counts the connection tasks, so Ctrl+C stops accepting,
 *   tells every task to stop, and waits for them;
 * - a `BufReader` reads the command lines, cancel safe on that stop signal.
 *
 * `serve` (see `connection_limit_server.ts`) packages exactly this loop.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/accept_loop.ts [--hostname 127.0.0.1] \
 *   [--port 6379] [--max-connections 100] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then each connection
 * accepted and closed (unless `--quiet`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader } from "@weir/weir/io";
import { Connection } from "@weir/weir/net";
import { Semaphore, TaskTracker } from "@weir/weir/sync";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface AcceptLoopConfig extends EndpointConfig {
  maxConnections: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

const encoder = new TextEncoder();

/** Parses the flags (see the module doc). */
export function parseAcceptLoopArgs(args: string[]): AcceptLoopConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(6379),
      "max-connections": { type: "string", default: "100" },
    },
  });
  const maxConnections = integerFlag("max-connections", values["max-connections"], 1);
  return { ...endpointConfig(values), maxConnections };
}

/** Answers one command line. */
function execute(store: Map<string, string>, line: string): string {
  const [command = "", key, ...rest] = line.trim().split(/\s+/);
  if (command.toUpperCase() === "SET" && key !== undefined && rest.length > 0) {
    store.set(key, rest.join(" "));
    return "OK";
  }
  if (command.toUpperCase() === "GET" && key !== undefined && rest.length === 0) {
    return store.get(key) ?? "(nil)";
  }
  return `ERR expected SET key value or GET key: ${line}`;
}

/** One connection's task: commands until the client leaves or the server stops. */
async function process(
  conn: Connection<Deno.TcpConn>,
  store: Map<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const lines = new BufReader(conn, { maxLineLength: 4096 });
  for (let line; (line = await lines.readLine({ signal })) !== null;) {
    await conn.writeAll(encoder.encode(`${execute(store, line)}\n`), { signal });
  }
}

/** Runs the loop until `signal` aborts, then waits for every connection's task. */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseAcceptLoopArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  const listener = Deno.listen({ hostname: config.hostname, port: config.port });
  log(`listening on ${listener.addr.hostname}:${listener.addr.port}`);
  const store = new Map<string, string>();
  const slots = new Semaphore(config.maxConnections);
  const tasks = new TaskTracker();
  // Stops the loop and every task: on Ctrl+C, or when the loop itself fails.
  const failed = new AbortController();
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  stop.addEventListener("abort", () => listener.close(), { once: true });
  try {
    for (;;) {
      const permit = await slots.acquire(1, { signal: stop }); // a free slot before accepting
      let conn: Connection<Deno.TcpConn>;
      try {
        conn = new Connection(await listener.accept());
      } catch (error) {
        permit.release();
        throw error;
      }
      const { hostname, port } = conn.remoteAddr;
      quietLog(`accepted ${hostname}:${port} (${slots.available} slots free)`);
      // Not awaited: the loop goes straight back to accept.
      tasks.track(
        process(conn, store, stop)
          .catch((error) => {
            if (!stop.aborted) quietLog(`${hostname}:${port} failed: ${error}`);
          })
          .finally(() => {
            conn.close();
            permit.release();
            quietLog(`closed ${hostname}:${port}`);
          }),
      );
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  } finally {
    failed.abort();
    tasks.close();
    await tasks.wait();
  }
}

if (import.meta.main) await runUntilSignalled(main);
