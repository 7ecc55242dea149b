/**
 * A UDP client: bind an ephemeral port, send one datagram to the server,
 * wait for the reply and print it. UDP may lose either datagram, so the
 * wait is bounded by `--timeout` ms and the request sent again up to
 * `--retries` times. Run it against `udp_echo_server.ts`.
 *
 * ```sh
 * deno run --unstable-net --allow-net=127.0.0.1 examples/udp_echo_server.ts --port 2000
 * deno run --unstable-net --allow-net=127.0.0.1 examples/udp_client.ts [--hostname 127.0.0.1] \
 *   [--port 2000] [--bind 127.0.0.1] [--message hello] [--timeout 1000] [--retries 2]
 * ```
 *
 * Prints `sent N bytes to HOST:PORT`, then `received N bytes: …`, or
 * `no reply within T ms` per lost attempt (and exits with status 1 when
 * every attempt was lost).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UdpSocket } from "@weir/weir/net";
import { timeout } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag, portFlag, runReportingErrors } from "./_cli.ts";

/** What the command line asks for. */
export interface UdpClientConfig {
  hostname: string;
  port: number;
  bind: string;
  message: string;
  timeout: number;
  retries: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseUdpClientArgs(args: string[]): UdpClientConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hostname: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "2000" },
      bind: { type: "string", default: "127.0.0.1" },
      message: { type: "string", default: "hello" },
      timeout: { type: "string", default: "1000" },
      retries: { type: "string", default: "2" },
    },
  });
  return {
    hostname: values.hostname,
    port: portFlag(values.port, 1),
    bind: values.bind,
    message: values.message,
    timeout: integerFlag("timeout", values.timeout, 1),
    retries: integerFlag("retries", values.retries, 0),
  };
}

/**
 * Sends the message and resolves the reply; rejects with a `TimeoutError`
 * once every attempt went unanswered.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<Uint8Array> {
  const { signal, log = console.log } = options;
  const config = parseUdpClientArgs(args);
  const request = new TextEncoder().encode(config.message);
  await using socket = UdpSocket.bind({ hostname: config.bind, port: 0 });
  // Replies from anyone but the server are dropped.
  socket.connect({ hostname: config.hostname, port: config.port });
  for (let attempt = 0;; attempt++) {
    await socket.send(request, signal ? { signal } : {});
    log(`sent ${request.length} bytes to ${config.hostname}:${config.port}`);
    try {
      const reply = await timeout(
        config.timeout,
        (stop) => socket.recv({ signal: stop }),
        signal ? { signal } : {},
      );
      log(`received ${reply.length} bytes: ${new TextDecoder().decode(reply)}`);
      return reply;
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
      log(`no reply within ${config.timeout} ms`);
      if (attempt === config.retries) throw error;
    }
  }
}

if (import.meta.main) await runReportingErrors(main);
