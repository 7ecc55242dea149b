/**
 * An echo server and its clients over a Unix domain socket (seed 001): the
 * same `serve` and `connect` as TCP, with `{ path }` instead of
 * `{ hostname, port }`. The server echoes every byte and half-closes once
 * the client has; `--clients` clients each send a message, half-close and
 * read the echo to the end, all at once.
 *
 * A socket file left by an earlier run is removed first (binding fails
 * while it exists); closing the server removes the file.
 *
 * ```sh
 * deno run --allow-net=unix:/tmp/weir-echo.sock --allow-read=/tmp/weir-echo.sock \
 *   --allow-write=/tmp/weir-echo.sock examples/unix_echo.ts --path /tmp/weir-echo.sock \
 *   [--message "hello over a Unix socket"] [--clients 3]
 * ```
 *
 * Deno grants a Unix socket by its exact path (`unix:PATH` for the net
 * permission, plus read and write on `PATH`). Without `--path` the socket
 * goes in a fresh temp dir whose name is random, which takes
 * `--allow-net --allow-read=/tmp --allow-write=/tmp` (`$TMPDIR` on macOS).
 *
 * Prints `listening on PATH`, then `client N received: …` per client.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readAll } from "@weir/weir/io";
import { connect, serve } from "@weir/weir/net";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** What the command line asks for. */
export interface UnixEchoConfig {
  /** The socket path; `undefined` for one in a fresh temp dir. */
  path: string | undefined;
  message: string;
  clients: number;
}

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** Parses the flags (see the module doc). */
export function parseUnixEchoArgs(args: string[]): UnixEchoConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      path: { type: "string" },
      message: { type: "string", default: "hello over a Unix socket" },
      clients: { type: "string", default: "3" },
    },
  });
  const clients = integerFlag("clients", values.clients, 1);
  return { path: values.path, message: values.message, clients };
}

/** One client: send, half-close, read the echo to the end. */
async function echoOnce(path: string, message: string): Promise<string> {
  await using conn = await connect({ path });
  await conn.writeAll(new TextEncoder().encode(message));
  await conn.closeWrite();
  return new TextDecoder().decode(await readAll(conn, { maxLength: 1 << 20 }));
}

/** Runs the server and the clients; resolves each client's echo, in client order. */
export async function main(args: string[], options: RunOptions = {}): Promise<string[]> {
  const { log = console.log } = options;
  const config = parseUnixEchoArgs(args);
  const dir = config.path === undefined
    ? await Deno.makeTempDir({ prefix: "weir-unix-" })
    : undefined;
  const path = config.path ?? `${dir}/echo.sock`;
  await Deno.remove(path).catch(() => {}); // a socket file left by an earlier run
  try {
    await using server = serve({ path }, async (conn) => {
      await conn.readable.pipeTo(conn.writable); // echo; the end of input half-closes
    });
    log(`listening on ${server.addr.path}`);
    const messages = Array.from(
      { length: config.clients },
      (_, i) => `${config.message} (${i + 1})`,
    );
    const replies = await Promise.all(messages.map((message) => echoOnce(path, message)));
    replies.forEach((reply, i) => log(`client ${i + 1} received: ${reply}`));
    return replies;
  } finally {
    if (dir !== undefined) await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
