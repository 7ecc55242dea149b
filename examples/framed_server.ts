/**
 * A length-delimited heartbeat server on weir: every frame is
 * a 4-byte big-endian length and a payload (tokio-util's
 * `LengthDelimitedCodec` defaults), so Tokio clients work against it
 * unchanged.
 *
 * Per connection it sends `--heartbeats` frames `message from server: {i}\n`
 * (the first at once, then one every `--interval` ms; a late tick delays
 * the next ones), logs every inbound frame (unless `--quiet`), with `--echo`
 * writes every inbound frame back, and closes once the heartbeats are sent
 * and the client has half-closed. Ctrl+C shuts down gracefully.
 *
 * Each connection is one `Framed` loop: `for await` over the inbound frames,
 * feeding each echo back. The framer writes everything fed while a read's
 * frames are handled in one write, when it is about to wait for the next
 * read; an oversize header ends the connection with `FrameTooLargeError`,
 * and a frame cut short by the client's FIN with `UnexpectedEofError`.
 * Heartbeats are fed from their own task into the same framer, so frames
 * never interleave. Reads start at 512 bytes and grow only while they fill
 * their room, so an idle connection holds little memory.
 *
 * With `--stats` it prints one line a second: connections open, frames
 * per second each way and bytes per second each way, from the server's
 * and the framers' own counters (no exporter needed; with
 * `OTEL_DENO=true` the same counts also go to OpenTelemetry).
 *
 * It holds up to `--max-connections` connections (default 65,536; further
 * ones wait in the listen backlog), more than `serve`'s general-purpose
 * default, because a heartbeat server's clients are many and mostly idle.
 *
 * With `--cert` and `--key` (PEM files) it runs the same protocol over TLS
 * (`examples/framed_client.ts --ca` talks to it); a peer whose handshake
 * fails or stalls is logged and closed, and the server goes on.
 *
 * ```sh
 * deno run -A examples/framed_server.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--interval 100] [--heartbeats 99] [--echo] [--quiet] [--stats] \
 *   [--max-connections 65536] \
 *   [--cert tests/fixtures/server.pem --key tests/fixtures/server.key]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound (with the real port for
 * `--port 0`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { serve, type ServedConnection, type ServerStats } from "@weir/weir/net";
import { type Clock, interval, systemClock } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** A TCP connection as the server hands it over. */
type Connection = ServedConnection<Deno.NetAddr>;

/** What the command line asks for. */
export interface FramedServerConfig extends EndpointConfig {
  interval: number;
  heartbeats: number;
  echo: boolean;
  /** Print a line of counters every second. */
  stats: boolean;
  /** Connections served at once. */
  maxConnections: number;
  /** Paths of the PEM certificate chain and key, to serve TLS. */
  tls?: { cert: string; key: string };
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Parses the flags (see the module doc). */
export function parseFramedServerArgs(args: string[]): FramedServerConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      interval: { type: "string", default: "100" },
      heartbeats: { type: "string", default: "99" },
      echo: { type: "boolean", default: false },
      stats: { type: "boolean", default: false },
      "max-connections": { type: "string", default: "65536" },
      cert: { type: "string" },
      key: { type: "string" },
    },
  });
  const { cert, key } = values;
  if ((cert === undefined) !== (key === undefined)) {
    throw new TypeError("--cert and --key go together: give both to serve TLS, or neither");
  }
  return {
    ...endpointConfig(values),
    interval: integerFlag("interval", values.interval, 1),
    heartbeats: integerFlag("heartbeats", values.heartbeats, 0),
    echo: values.echo,
    stats: values.stats,
    maxConnections: integerFlag("max-connections", values["max-connections"], 1),
    ...(cert !== undefined && key !== undefined ? { tls: { cert, key } } : {}),
  };
}

function peerOf(conn: Connection): string {
  const addr = conn.remoteAddr;
  return `${addr.hostname}:${addr.port}`;
}

/** The codec keeps no state between calls, so every connection shares it. */
const codec = new LengthDelimitedCodec();
/** Small first reads: an idle connection holds little memory. */
const MIN_READ_SIZE = 512;

/** One connection: frames in, echoes and heartbeats out through one framer. */
class Session {
  readonly #conn: Connection;
  readonly #framed: Framed<Uint8Array>;
  readonly #config: FramedServerConfig;
  readonly #log: (line: string) => void;
  readonly #sessions: Set<Session>;
  readonly #ended: FrameCounts;
  #stopping = false;

  constructor(
    conn: Connection,
    config: FramedServerConfig,
    log: (line: string) => void,
    sessions: Set<Session>,
    ended: FrameCounts,
  ) {
    this.#conn = conn;
    this.#framed = new Framed(conn, codec, { minReadSize: MIN_READ_SIZE });
    this.#config = config;
    this.#log = log;
    this.#sessions = sessions;
    this.#ended = ended;
  }

  get framesRead(): number {
    return this.#framed.framesRead;
  }

  get framesWritten(): number {
    return this.#framed.framesWritten;
  }

  /** Shutting down: no more heartbeats or echoes; FIN once what is fed is written. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#framed.close().catch(() => {});
  }

  async run(signal: AbortSignal): Promise<void> {
    const { echo, quiet } = this.#config;
    const framed = this.#framed;
    this.#sessions.add(this);
    if (!quiet) this.#log(`accepted connection from ${peerOf(this.#conn)}`);
    const heartbeats = this.#config.heartbeats > 0 ? this.#heartbeat(signal) : undefined;
    try {
      for await (const frame of framed) {
        // Fed, not written: the framer writes a read's worth of echoes at once.
        if (echo && !this.#stopping && !framed.tryFeed(frame)) await framed.feed(frame);
        if (!quiet) {
          this.#log(`received ${JSON.stringify(decoder.decode(frame))} from ${peerOf(this.#conn)}`);
        }
      }
      await heartbeats; // the client half-closed: finish the heartbeats, then close
      this.#stopping = true;
      await framed.close();
      if (!quiet) this.#log(`closed connection from ${peerOf(this.#conn)}`);
    } finally {
      this.#stopping = true;
      this.#sessions.delete(this);
      this.#ended.framesRead += this.#framed.framesRead;
      this.#ended.framesWritten += this.#framed.framesWritten;
    }
  }

  /** Sends the heartbeat frames, the first at once, then one per tick. */
  async #heartbeat(signal: AbortSignal): Promise<void> {
    const ticks = interval(this.#config.interval, { missedTick: "delay", signal });
    for (let i = 1; i <= this.#config.heartbeats; i++) {
      try {
        await ticks.tick();
        if (this.#stopping) return;
        await this.#framed.send(encoder.encode(`message from server: ${i}\n`));
      } catch {
        return; // shutting down, or the connection failed: no more heartbeats
      }
    }
  }
}

/** Frames each way. */
interface FrameCounts {
  framesRead: number;
  framesWritten: number;
}

/**
 * Prints a line of counters every second until `stop` aborts: the first
 * tick (at once) only takes the starting point.
 */
async function printStats(
  server: { readonly stats: ServerStats },
  sessions: Set<Session>,
  ended: FrameCounts,
  log: (line: string) => void,
  stop: AbortSignal,
  clock: Clock,
): Promise<void> {
  const sample = () => {
    let framesRead = ended.framesRead;
    let framesWritten = ended.framesWritten;
    for (const session of sessions) {
      framesRead += session.framesRead;
      framesWritten += session.framesWritten;
    }
    const { bytesRead, bytesWritten } = server.stats;
    return { at: clock.now(), framesRead, framesWritten, bytesRead, bytesWritten };
  };
  const ticks = interval(1_000, { missedTick: "skip", signal: stop, clock });
  try {
    await ticks.tick();
    let last = sample();
    for (;;) {
      await ticks.tick();
      const now = sample();
      const rate = (key: Exclude<keyof typeof now, "at">) =>
        Math.round((now[key] - last[key]) * 1_000 / (now.at - last.at));
      log(
        `stats: ${server.stats.active} connections, ${rate("framesRead")} frames/s in, ${
          rate("framesWritten")
        } frames/s out, ${rate("bytesRead")} B/s in, ${rate("bytesWritten")} B/s out`,
      );
      last = now;
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  }
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log, clock = systemClock } = options;
  const config = parseFramedServerArgs(args);
  // One shutdown listener for all connections (not one each).
  const sessions = new Set<Session>();
  const ended: FrameCounts = { framesRead: 0, framesWritten: 0 };
  const address = { hostname: config.hostname, port: config.port };
  const server = serve(
    config.tls
      ? {
        ...address,
        tls: {
          cert: await Deno.readTextFile(config.tls.cert),
          key: await Deno.readTextFile(config.tls.key),
        },
      }
      : address,
    (conn, { signal }) =>
      signal.aborted ? undefined : new Session(conn, config, log, sessions, ended).run(signal),
    {
      signal,
      maxConnections: config.maxConnections,
      gracePeriod: 5_000,
      onError: (error, conn) => {
        if (!config.quiet) {
          log(`connection ${conn ? peerOf(conn) : "?"} closed with error: ${error}`);
        }
      },
    },
  );
  const stopAll = () => sessions.forEach((session) => session.stop());
  signal?.addEventListener("abort", stopAll, { once: true });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  const stopStats = new AbortController();
  const stats = config.stats
    ? printStats(server, sessions, ended, log, stopStats.signal, clock)
    : undefined;
  await server.closed;
  stopStats.abort();
  await stats;
  signal?.removeEventListener("abort", stopAll);
}

if (import.meta.main) await runUntilSignalled(main);
