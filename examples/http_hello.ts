/**
 * An "HTTP-like" handler over raw TCP (seed 001): for each connection, read
 * the request line and the headers with a `BufReader` (line reads, each
 * line at most 8 KiB), log them, answer with a fixed `Hello, World!`
 * response and close. Browsers, `curl` and `fetch` can talk to it; a
 * request line that is not HTTP gets a 400, an over-long line a 431, and a
 * client that sends nothing for `--idle-timeout` ms is dropped.
 *
 * This shows protocol parsing on weir's byte layer; for a real HTTP server
 * use `Deno.serve` (see `http_with_weir.ts`).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/http_hello.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--idle-timeout 10000] [--quiet]
 * curl -i http://127.0.0.1:8080/
 * ```
 *
 * Prints `listening on HOST:PORT` once bound and `PEER: METHOD TARGET (N
 * headers)` per request (unless `--quiet`). Ctrl+C shuts down gracefully.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader, LineTooLongError } from "@weir/weir/io";
import { serve, type ServedConnection } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface HttpHelloConfig extends EndpointConfig {
  idleTimeout: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** The longest request or header line accepted, in bytes. */
const MAX_LINE = 8192;
const MAX_HEADERS = 100;
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;
const encoder = new TextEncoder();

/** Parses the flags (see the module doc). */
export function parseHttpHelloArgs(args: string[]): HttpHelloConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      "idle-timeout": { type: "string", default: "10000" },
    },
  });
  const idleTimeout = Number(values["idle-timeout"]);
  if (!(idleTimeout > 0)) {
    throw new RangeError(`--idle-timeout must be a positive number: ${values["idle-timeout"]}`);
  }
  return { ...endpointConfig(values), idleTimeout };
}

/**
 * Writes a complete `Connection: close` response, half-closes, and reads
 * until the client closes: closing with unread request bytes would reset
 * the connection, and the client could lose the response.
 */
async function respond(
  conn: ServedConnection<Deno.NetAddr>,
  status: string,
  body: string,
): Promise<void> {
  const head = `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${encoder.encode(body).length}\r\nConnection: close\r\n\r\n`;
  await conn.writeAll(encoder.encode(head + body));
  await conn.closeWrite();
  const discard = new Uint8Array(4096);
  while ((await conn.read(discard)) !== null); // bounded by --idle-timeout
}

/** Reads one request (line and headers): its parts, an error status, or `undefined` if none came. */
async function readRequest(
  reader: BufReader,
): Promise<{ method: string; target: string; headers: Map<string, string> } | string | undefined> {
  const line = await reader.readLine();
  if (line === null) return undefined;
  const match = REQUEST_LINE.exec(line);
  if (match === null) return "400 Bad Request";
  const headers = new Map<string, string>();
  for (;;) {
    const header = await reader.readLine();
    if (header === null) return "400 Bad Request"; // ended before the blank line
    if (header === "") break;
    const colon = header.indexOf(":");
    if (colon <= 0) return "400 Bad Request";
    if (headers.size === MAX_HEADERS) return "431 Request Header Fields Too Large";
    headers.set(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
  }
  return { method: match[1]!, target: match[2]!, headers };
}

/** Serves one connection: one request, one response. */
async function handle(
  conn: ServedConnection<Deno.NetAddr>,
  config: HttpHelloConfig,
  log: (line: string) => void,
): Promise<void> {
  const { hostname, port } = conn.remoteAddr;
  let request;
  try {
    request = await readRequest(new BufReader(conn, { maxLineLength: MAX_LINE }));
  } catch (error) {
    // A line over MAX_LINE, or bytes that are not UTF-8.
    request = error instanceof LineTooLongError
      ? "431 Request Header Fields Too Large"
      : "400 Bad Request";
  }
  if (request === undefined) return;
  if (typeof request === "string") {
    if (!config.quiet) log(`${hostname}:${port}: ${request}`);
    await respond(conn, request, `${request.slice(4)}\n`);
    return;
  }
  if (!config.quiet) {
    log(
      `${hostname}:${port}: ${request.method} ${request.target} (${request.headers.size} headers)`,
    );
  }
  await respond(conn, "200 OK", "Hello, World!");
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseHttpHelloArgs(args);
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn) => handle(conn, config, log),
    {
      idleTimeout: config.idleTimeout,
      onError: (error) => {
        if (!config.quiet) log(`connection error: ${error}`);
      },
      signal,
    },
  );
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
}

if (import.meta.main) await runUntilSignalled(main);
