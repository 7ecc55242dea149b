/**
 * A UDP echo server on weir (the seed's echo with a small outgoing queue):
 * every datagram goes back to its sender, byte for byte. Receiving runs
 * while earlier echoes are still being sent; when `--queue` echoes wait,
 * the server stops receiving until one is sent (backpressure to the
 * kernel, nothing dropped in the process). A datagram is never cut short:
 * one over `--max-size` is reported and skipped.
 *
 * ```sh
 * deno run --unstable-net --allow-net=127.0.0.1 examples/udp_echo_server.ts \
 *   [--hostname 127.0.0.1] [--port 2000] [--queue 64] [--max-size 65507] [--quiet]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound. Ctrl+C stops it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DatagramTooLargeError, UdpSocket } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface UdpEchoConfig extends EndpointConfig {
  queue: number;
  maxSize: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseUdpEchoArgs(args: string[]): UdpEchoConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(2000),
      queue: { type: "string", default: "64" },
      "max-size": { type: "string", default: "65507" },
    },
  });
  return {
    ...endpointConfig(values),
    queue: integerFlag("queue", values.queue, 1),
    maxSize: integerFlag("max-size", values["max-size"], 0),
  };
}

/** Runs the server until `signal` aborts; resolves once the socket is closed. */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseUdpEchoArgs(args);
  const socket = UdpSocket.bind(
    { hostname: config.hostname, port: config.port },
    { capacity: config.queue, maxDatagramLength: config.maxSize },
  );
  const stop = () => socket.close();
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  log(`listening on ${socket.addr.hostname}:${socket.addr.port}`);
  try {
    for (;;) {
      let datagram;
      try {
        datagram = await socket.recvFrom();
      } catch (error) {
        if (!(error instanceof DatagramTooLargeError)) throw error;
        if (!config.quiet) {
          log(`dropped: ${error.message} from ${error.addr?.hostname}:${error.addr?.port}`);
        }
        continue;
      }
      const { data, addr } = datagram;
      if (!config.quiet) log(`recv ${data.length} bytes from ${addr.hostname}:${addr.port}`);
      // Waits only while `--queue` echoes are waiting to be sent.
      await socket.sendTo(data, addr);
    }
  } catch (error) {
    if (!signal?.aborted) throw error; // closed by the stop signal: done
  } finally {
    signal?.removeEventListener("abort", stop);
    socket.close();
  }
}

if (import.meta.main) await runUntilSignalled(main);
