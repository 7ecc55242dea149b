/**
 * One function, any transport (the seed's `3_client_split_generics`):
 * {@linkcode exchange} sends lines and reads the replies at the same time,
 * {@linkcode shout} answers each line upper-cased, and both take any
 * `Reader & HalfCloseWriter`. The same two functions run here over TCP, a
 * Unix socket (in a fresh temp dir) and the in-memory `duplex` pipe, which
 * is how protocol code is tested without a network.
 *
 * Reading while writing matters: over a `duplex` pipe of `--capacity`
 * bytes, a client that wrote every line before reading any reply would
 * deadlock (the peer blocks writing replies nobody reads, so it stops
 * reading, so the client's writes block), whatever the transport.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1,unix:/tmp/weir-shout.sock --allow-read=/tmp/weir-shout.sock \
 *   --allow-write=/tmp/weir-shout.sock examples/generic_transport.ts --path /tmp/weir-shout.sock \
 *   [--transport all|tcp|unix|duplex] [--lines 1000] [--capacity 64] [--quiet]
 * ```
 *
 * Deno grants a Unix socket by its exact path (`unix:PATH` for the net
 * permission, plus read and write on `PATH`), hence `--path`. Without it
 * the socket goes in a fresh temp dir whose name is random, which takes
 * `--allow-net --allow-read=/tmp --allow-write=/tmp` (`$TMPDIR` on macOS).
 * `--transport duplex` needs no permission at all.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader, duplex, type HalfCloseWriter, type Reader, writeAll } from "@weir/weir/io";
import { connect, serve } from "@weir/weir/net";
import { tryJoin } from "@weir/weir/sync";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** What {@linkcode exchange} and {@linkcode shout} run over. */
export type Transport = Reader & HalfCloseWriter;

/** The transports this example runs over. */
export const TRANSPORTS = ["tcp", "unix", "duplex"] as const;

/** What the command line asks for. */
export interface GenericTransportConfig {
  transports: (typeof TRANSPORTS)[number][];
  lines: number;
  capacity: number;
  /** The Unix socket path; `undefined` for one in a fresh temp dir. */
  path: string | undefined;
  quiet: boolean;
}

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

const encoder = new TextEncoder();

/**
 * Writes each line and reads the replies concurrently (a writer task and a
 * reader task under `tryJoin`); half-closes after the last line and
 * resolves every reply once the peer closes its side.
 */
export async function exchange(transport: Transport, lines: string[]): Promise<string[]> {
  const [, replies] = await tryJoin(
    async (signal) => {
      for (const line of lines) await writeAll(transport, encoder.encode(`${line}\n`), { signal });
      await transport.closeWrite();
    },
    (signal) => Array.fromAsync(new BufReader(transport).lines({ signal })),
  );
  return replies;
}

/** Answers every line with the line upper-cased, then half-closes at the end of input. */
export async function shout(transport: Transport): Promise<void> {
  for await (const line of new BufReader(transport).lines()) {
    await writeAll(transport, encoder.encode(`${line.toUpperCase()}\n`));
  }
  await transport.closeWrite();
}

/** Parses the flags (see the module doc). */
export function parseGenericTransportArgs(args: string[]): GenericTransportConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      transport: { type: "string", default: "all" },
      lines: { type: "string", default: "1000" },
      capacity: { type: "string", default: "64" },
      path: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const transports = values.transport === "all"
    ? [...TRANSPORTS]
    : TRANSPORTS.filter((name) => name === values.transport);
  if (transports.length === 0) {
    throw new RangeError(`--transport must be all, tcp, unix or duplex: ${values.transport}`);
  }
  const lines = integerFlag("lines", values.lines, 0);
  const capacity = integerFlag("capacity", values.capacity, 1);
  return { transports, lines, capacity, path: values.path, quiet: values.quiet };
}

/** Runs `exchange` against `shout` over one transport. */
async function over(
  name: (typeof TRANSPORTS)[number],
  lines: string[],
  config: GenericTransportConfig,
): Promise<string[]> {
  if (name === "duplex") {
    using pair = duplex(config.capacity);
    const [replies] = await Promise.all([exchange(pair[0], lines), shout(pair[1])]);
    return replies;
  }
  if (name === "tcp") {
    await using server = serve({ hostname: "127.0.0.1", port: 0 }, (conn) => shout(conn));
    await using conn = await connect(server.addr);
    return await exchange(conn, lines);
  }
  const dir = config.path === undefined
    ? await Deno.makeTempDir({ prefix: "weir-example-" })
    : undefined;
  const path = config.path ?? `${dir}/shout.sock`;
  await Deno.remove(path).catch(() => {}); // a socket file left by an earlier run
  try {
    await using server = serve({ path }, (conn) => shout(conn));
    await using conn = await connect(server.addr);
    return await exchange(conn, lines);
  } finally {
    // Closing the listener removed the socket file.
    if (dir !== undefined) await Deno.remove(dir, { recursive: true });
  }
}

/** Runs the exchange over each transport asked for; resolves the replies by transport. */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<Partial<Record<(typeof TRANSPORTS)[number], string[]>>> {
  const { log = console.log } = options;
  const config = parseGenericTransportArgs(args);
  const lines = Array.from({ length: config.lines }, (_, i) => `line ${i + 1}`);
  const results: Partial<Record<(typeof TRANSPORTS)[number], string[]>> = {};
  for (const name of config.transports) {
    const replies = results[name] = await over(name, lines, config);
    if (!config.quiet) {
      log(
        `${name}: ${lines.length} lines sent, ${replies.length} replies, last ${
          JSON.stringify(replies.at(-1))
        }`,
      );
    }
  }
  return results;
}

if (import.meta.main) await main(Deno.args);
