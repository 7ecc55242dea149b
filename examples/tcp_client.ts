/**
 * A TCP client: connect, send a message, half-close, read the reply to the
 * end of stream and print it. Run it against `tcp_echo_server.ts`, which
 * echoes every byte and half-closes once the client has.
 *
 * Writing and reading run at the same time, so a reply larger than the
 * socket buffers cannot deadlock the exchange (a client that wrote
 * everything before reading would wait forever on a server that echoes
 * while it reads). The connect is bounded by `--timeout` ms, and the reply
 * by `--max-bytes`.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/tcp_echo_server.ts --port 8080
 * deno run --allow-net=127.0.0.1 examples/tcp_client.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--message "Hello, server!"] [--repeat 1] [--timeout 5000] [--max-bytes 16777216]
 * ```
 *
 * Prints `sent N bytes`, then `received: …` (or `received N bytes` for a
 * reply over 200 bytes).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readAll } from "@weir/weir/io";
import { connect } from "@weir/weir/net";
import { tryJoin } from "@weir/weir/sync";
import { type ExampleRunOptions, integerFlag, portFlag, runReportingErrors } from "./_cli.ts";

/** What the command line asks for. */
export interface TcpClientConfig {
  hostname: string;
  port: number;
  message: string;
  repeat: number;
  timeout: number;
  maxBytes: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseTcpClientArgs(args: string[]): TcpClientConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hostname: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      message: { type: "string", default: "Hello, server!" },
      repeat: { type: "string", default: "1" },
      timeout: { type: "string", default: "5000" },
      "max-bytes": { type: "string", default: `${16 << 20}` },
    },
  });
  return {
    hostname: values.hostname,
    port: portFlag(values.port, 1),
    message: values.message,
    repeat: integerFlag("repeat", values.repeat, 1),
    timeout: integerFlag("timeout", values.timeout, 0),
    maxBytes: integerFlag("max-bytes", values["max-bytes"], 0),
  };
}

/** Sends the message (`--repeat` times), half-closes, and resolves the whole reply. */
export async function main(args: string[], options: RunOptions = {}): Promise<Uint8Array> {
  const { signal, log = console.log } = options;
  const config = parseTcpClientArgs(args);
  const request = new TextEncoder().encode(config.message.repeat(config.repeat));
  await using conn = await connect(
    { hostname: config.hostname, port: config.port },
    { timeout: config.timeout, ...(signal ? { signal } : {}) },
  );
  // Closing the connection is what stops a read or write blocked on the peer.
  const onAbort = () => conn.close();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    // The first failure (a reply over --max-bytes, ...) ends both; closing the
    // connection on the way out stops the other.
    const [, reply] = await tryJoin(
      async () => {
        await conn.writeAll(request);
        await conn.closeWrite(); // FIN: the server reads the end of the request
        log(`sent ${request.length} bytes`);
      },
      (stop) => readAll(conn, { maxLength: config.maxBytes, signal: stop }),
    );
    log(
      reply.length > 200
        ? `received ${reply.length} bytes`
        : `received: ${new TextDecoder().decode(reply)}`,
    );
    return reply;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

if (import.meta.main) await runReportingErrors(main);
