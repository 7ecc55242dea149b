/**
 * Ten UDP sockets served at once, three ways (seed 003's
 * `tokio-multisocket-join`, `-spawn` and `-futuresunordered`). Each socket
 * has its own task: it echoes every datagram back to its sender and ends
 * when it receives `bye`, reporting how many datagrams it served.
 *
 * - `--mode join`: `join` over the ten tasks; the results come at once,
 *   in socket order, when the last socket is done.
 * - `--mode spawn`: each task runs on its own (a `TaskTracker` only
 *   counts them, to wait at shutdown) and reports itself when done.
 * - `--mode joinset`: a `JoinSet`; the results come one by one, in the
 *   order the sockets finish.
 *
 * In Tokio, `join_all` polls all ten futures whenever one is woken, where
 * spawned tasks and `FuturesUnordered` poll only the one that was. In
 * JavaScript each socket waits on its own receive, so a datagram runs only
 * its socket's task in every mode; what differs is how and when you get
 * the results.
 *
 * ```sh
 * deno run --unstable-net --allow-net=127.0.0.1 examples/udp_many_sockets.ts \
 *   [--hostname 127.0.0.1] [--port 2000] [--mode join|spawn|joinset] [--quiet]
 * ```
 *
 * Binds `--port` to `--port`+9 (ten ephemeral ports with `--port 0`) and
 * prints `listening on HOST:PORT` for each, then
 * `socket #K (HOST:PORT): N bytes from …` per datagram (unless `--quiet`).
 * Ctrl+C stops every socket.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UdpSocket } from "@weir/weir/net";
import { join, JoinSet, TaskTracker } from "@weir/weir/sync";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  runUntilSignalled,
} from "./_cli.ts";

/** The three ways to run the sockets' tasks. */
export const MODES = ["join", "spawn", "joinset"] as const;
const SOCKETS = 10;

/** What the command line asks for. */
export interface UdpManySocketsConfig extends EndpointConfig {
  mode: (typeof MODES)[number];
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** What one socket's task did. */
export interface SocketResult {
  /** The socket's index, 0 to 9. */
  socket: number;
  /** Datagrams it echoed (`bye` not counted). */
  datagrams: number;
}

/** Parses the flags (see the module doc). */
export function parseUdpManySocketsArgs(args: string[]): UdpManySocketsConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(2000),
      mode: { type: "string", default: "joinset" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 - SOCKETS) {
    throw new RangeError(
      `--port must be 0 or a port with ${SOCKETS - 1} free ports after it: ${values.port}`,
    );
  }
  const mode = MODES.find((name) => name === values.mode);
  if (mode === undefined) {
    throw new RangeError(`--mode must be join, spawn or joinset: ${values.mode}`);
  }
  return { ...endpointConfig(values), port, mode };
}

/** One socket's task: echo each datagram until `bye`. */
async function serveSocket(
  socket: UdpSocket,
  index: number,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<SocketResult> {
  const local = `${socket.addr.hostname}:${socket.addr.port}`;
  let datagrams = 0;
  for (;;) {
    const { data, addr } = await socket.recvFrom(signal ? { signal } : {});
    log(`socket #${index} (${local}): ${data.length} bytes from ${addr.hostname}:${addr.port}`);
    if (new TextDecoder().decode(data) === "bye") return { socket: index, datagrams };
    await socket.sendTo(data, addr);
    datagrams++;
  }
}

/**
 * Runs the ten sockets until each got `bye` (or `signal` aborts); resolves
 * the results in the order this mode reports them.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<SocketResult[]> {
  const { signal, log = console.log } = options;
  const config = parseUdpManySocketsArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  const sockets: UdpSocket[] = [];
  const reported: SocketResult[] = [];
  const report = (result: SocketResult) => {
    reported.push(result);
    log(`socket #${result.socket} done after ${result.datagrams} datagrams`);
  };
  try {
    for (let i = 0; i < SOCKETS; i++) {
      const port = config.port === 0 ? 0 : config.port + i;
      sockets.push(UdpSocket.bind({ hostname: config.hostname, port }));
      log(`listening on ${sockets[i]!.addr.hostname}:${sockets[i]!.addr.port}`);
    }
    const task = (i: number, taskSignal = signal) =>
      serveSocket(sockets[i]!, i, quietLog, taskSignal);
    if (config.mode === "join") {
      // One combined wait: nothing is known until every socket is done.
      const results = await join(...sockets.map((_, i) => () => task(i)));
      results.forEach(report);
    } else if (config.mode === "spawn") {
      // Fire and forget; the tracker only lets shutdown wait for them.
      const tracker = new TaskTracker();
      sockets.forEach((_, i) => {
        tracker.track(
          task(i).then(report, (error) => {
            if (!signal?.aborted) log(`socket #${i} failed: ${error}`);
          }),
        );
      });
      tracker.close();
      await tracker.wait();
    } else {
      await using set = new JoinSet<SocketResult>();
      sockets.forEach((_, i) => set.spawn((taskSignal) => task(i, anyOf(taskSignal, signal))));
      for await (const result of set) report(result); // in completion order
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    for (const socket of sockets) socket.close();
  }
  return reported;
}

function anyOf(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}

if (import.meta.main) await runUntilSignalled(main);
